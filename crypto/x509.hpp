#pragma once
// X.509 v3 certificates, CSRs and CRLs: loading, inspection, issuance (the CA functions) and
// chain verification at a given time. Certificates we issue are accepted by `openssl verify`.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.hpp"
#include "crypto/keys.hpp"

namespace rl::crypto {

struct CertHandle;  // wraps X509
struct CsrHandle;   // wraps X509_REQ
struct CrlHandle;   // wraps X509_CRL

struct Subject {
  std::string common_name;
  std::string organization;         // O
  std::string organizational_unit;  // OU
  std::string country;              // C, two letters or empty
};

enum class CertProfile {
  kRootCa,           // CA:TRUE, keyCertSign + cRLSign
  kIntermediateCa,   // CA:TRUE pathlen:0, keyCertSign + cRLSign
  kTlsServerClient,  // node certificates: serverAuth + clientAuth, digitalSignature
  kEndEntity,        // account / device certificates: clientAuth, digitalSignature + nonRepudiation
};

struct IssueOptions {
  std::uint64_t serial = 0;     // 0 = random 64-bit serial
  std::int64_t not_before = 0;  // unix seconds
  std::int64_t not_after = 0;   // unix seconds
  CertProfile profile = CertProfile::kEndEntity;
  std::vector<std::string> dns_names;     // subjectAltName DNS entries
  std::vector<std::string> ip_addresses;  // subjectAltName IP entries ("127.0.0.1")
};

class Certificate {
 public:
  static Result<Certificate> from_pem(std::string_view pem);
  static Result<Certificate> from_der(ByteView der);
  // All certificates in a PEM bundle, in order.
  static Result<std::vector<Certificate>> bundle_from_pem(std::string_view pem);
  Bytes to_der() const;
  std::string to_pem() const;

  Subject subject() const;
  std::string subject_string() const;  // one-line RFC 2253 form
  std::string issuer_string() const;
  std::string serial_hex() const;   // lower-case hex, no leading zeros
  std::int64_t not_before() const;  // unix seconds
  std::int64_t not_after() const;
  bool is_ca() const;
  PublicKey public_key() const;
  // Stable identifier: the suite hash of the DER encoding.
  Bytes id(Suite suite) const;

  const CertHandle& handle() const { return *handle_; }
  explicit Certificate(std::shared_ptr<const CertHandle> h) : handle_(std::move(h)) {}

 private:
  std::shared_ptr<const CertHandle> handle_;
};

class CertificateRequest {
 public:
  // Creates and self-signs a CSR for `key`.
  static Result<CertificateRequest> create(const PrivateKey& key, const Subject& subject);
  static Result<CertificateRequest> from_pem(std::string_view pem);
  std::string to_pem() const;
  Subject subject() const;
  PublicKey public_key() const;
  // Proof of possession: the CSR's self-signature verifies with its public key.
  bool verify_signature() const;

  const CsrHandle& handle() const { return *handle_; }
  explicit CertificateRequest(std::shared_ptr<const CsrHandle> h) : handle_(std::move(h)) {}

 private:
  std::shared_ptr<const CsrHandle> handle_;
};

class Crl {
 public:
  static Result<Crl> create(const Certificate& issuer, const PrivateKey& issuer_key,
                            const std::vector<std::string>& revoked_serials_hex,
                            std::int64_t this_update, std::int64_t next_update);
  static Result<Crl> from_pem(std::string_view pem);
  std::string to_pem() const;
  bool is_revoked(const Certificate& cert) const;

  const CrlHandle& handle() const { return *handle_; }
  explicit Crl(std::shared_ptr<const CrlHandle> h) : handle_(std::move(h)) {}

 private:
  std::shared_ptr<const CrlHandle> handle_;
};

// A self-signed root CA certificate for `key`.
Result<Certificate> create_root_certificate(const PrivateKey& key, const Subject& subject,
                                            const IssueOptions& options);
// Issues a certificate for the CSR's key and subject, signed by the issuer. The CSR's
// self-signature is checked first (error "bad_csr_signature").
Result<Certificate> issue_certificate(const Certificate& issuer, const PrivateKey& issuer_key,
                                      const CertificateRequest& csr, const IssueOptions& options);

// Verifies leaf -> intermediates -> one of roots at time `at_unix` (seconds). When `crls` is
// non-empty, CRL checking is on for the whole chain. Error codes: "cert_untrusted",
// "cert_expired", "cert_not_yet_valid", "cert_revoked", "cert_invalid".
Status verify_chain(const Certificate& leaf, const std::vector<Certificate>& intermediates,
                    const std::vector<Certificate>& roots, const std::vector<Crl>& crls,
                    std::int64_t at_unix);

}  // namespace rl::crypto
