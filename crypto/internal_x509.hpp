#pragma once
// Private to crypto/*.cpp: what the certificate, CSR and CRL handles hold, and helpers shared by
// x509.cpp (loading, inspection), x509_issue.cpp (the CA side) and x509_verify.cpp.

#include <openssl/x509.h>

#include <cstdint>

#include "crypto/internal_ossl.hpp"
#include "crypto/x509.hpp"

namespace rl::crypto {

// Handles are built once, before they are shared, and never mutated afterwards.
struct CertHandle {
  internal::X509Ptr x509;
  std::shared_ptr<const KeyHandle> key;  // the subject public key, classified once
  Suite key_suite = Suite::kP256Sha256;
};

struct CsrHandle {
  internal::X509ReqPtr req;
  std::shared_ptr<const KeyHandle> key;
  Suite key_suite = Suite::kP256Sha256;
};

struct CrlHandle {
  internal::X509CrlPtr crl;
};

namespace internal {

// Takes ownership, checks the key type ("unsupported_key_type") and, for SM2-signed
// certificates and CSRs, attaches the standard distinguishing ID that OpenSSL's X509_verify /
// X509_REQ_verify then use.
Result<Certificate> wrap_certificate(X509Ptr x509);
Result<CertificateRequest> wrap_request(X509ReqPtr req);

// Unix seconds <-> ASN1_TIME (UTCTime before 2050, GeneralizedTime after, per RFC 5280).
Result<std::int64_t> asn1_time_to_unix(const ASN1_TIME* t);
Status set_asn1_time(ASN1_TIME* t, std::int64_t unix_seconds);

// The four Subject fields we use, read from or written to an X509_NAME.
Subject read_subject(const X509_NAME* name);
Result<X509NamePtr> build_name(const Subject& subject);
// One-line RFC 2253 form of a name ("" if it cannot be printed).
std::string name_rfc2253(const X509_NAME* name);

}  // namespace internal
}  // namespace rl::crypto
