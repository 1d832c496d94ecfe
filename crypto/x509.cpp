// Loading and inspecting certificates, CSRs and CRLs.
#include "crypto/x509.hpp"

#include <openssl/asn1.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cctype>
#include <ctime>

#include "crypto/hash.hpp"
#include "crypto/internal_keys.hpp"
#include "crypto/internal_ossl.hpp"
#include "crypto/internal_x509.hpp"

namespace rl::crypto {
namespace internal {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil); avoids
// timegm(), which depends on the process time zone machinery.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::string entry_utf8(const X509_NAME* name, int nid) {
  const int index = X509_NAME_get_index_by_NID(name, nid, -1);
  if (index < 0) return {};
  const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
  unsigned char* utf8 = nullptr;
  const int len = ASN1_STRING_to_UTF8(&utf8, data);
  if (len < 0 || utf8 == nullptr) {
    drain_openssl_errors();
    return {};
  }
  std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
  OPENSSL_free(utf8);
  return out;
}

int no_password(char*, int, int, void*) {
  return -1;
}

// Copies the SM2 distinguishing ID into an X509 or X509_REQ; set0 takes ownership.
template <typename T, void (*Set0)(T*, ASN1_OCTET_STRING*)>
void attach_sm2_id(T* object) {
  Set0(object, sm2_id_octets().release());
}

}  // namespace

std::string name_rfc2253(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) {
    drain_openssl_errors();
    return {};
  }
  return bio_to_string(bio.get());
}

Result<std::int64_t> asn1_time_to_unix(const ASN1_TIME* t) {
  struct tm tm {};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) {
    return ossl_error("invalid_certificate", "malformed time");
  }
  const std::int64_t days = days_from_civil(tm.tm_year + 1900, static_cast<unsigned>(tm.tm_mon + 1),
                                            static_cast<unsigned>(tm.tm_mday));
  return days * 86400 + tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
}

Status set_asn1_time(ASN1_TIME* t, std::int64_t unix_seconds) {
  if (ASN1_TIME_set(t, static_cast<time_t>(unix_seconds)) == nullptr) {
    return ossl_error("invalid_validity", "cannot encode time");
  }
  return {};
}

Subject read_subject(const X509_NAME* name) {
  Subject s;
  if (name == nullptr) return s;
  s.common_name = entry_utf8(name, NID_commonName);
  s.organization = entry_utf8(name, NID_organizationName);
  s.organizational_unit = entry_utf8(name, NID_organizationalUnitName);
  s.country = entry_utf8(name, NID_countryName);
  return s;
}

Result<X509NamePtr> build_name(const Subject& subject) {
  if (subject.common_name.empty()) {
    return make_error("invalid_subject", "subject common name is required");
  }
  if (!subject.country.empty() && (subject.country.size() != 2 ||
                                   !std::isupper(static_cast<unsigned char>(subject.country[0])) ||
                                   !std::isupper(static_cast<unsigned char>(subject.country[1])))) {
    return make_error("invalid_subject", "country must be two upper-case letters");
  }
  X509NamePtr name(X509_NAME_new());
  if (!name) return ossl_error("crypto_internal", "X509_NAME_new failed");
  // Most significant first, as CAs conventionally order it: C, O, OU, CN.
  const std::pair<int, const std::string*> entries[] = {
      {NID_countryName, &subject.country},
      {NID_organizationName, &subject.organization},
      {NID_organizationalUnitName, &subject.organizational_unit},
      {NID_commonName, &subject.common_name}};
  for (const auto& [nid, value] : entries) {
    if (value->empty()) continue;
    if (value->size() > 64 ||
        X509_NAME_add_entry_by_NID(name.get(), nid, MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(value->data()),
                                   static_cast<int>(value->size()), -1, 0) != 1) {
      return ossl_error("invalid_subject",
                        std::string("invalid subject field ") + OBJ_nid2sn(nid) + " (max 64)");
    }
  }
  return name;
}

Result<Certificate> wrap_certificate(X509Ptr x509) {
  EVP_PKEY* pkey = X509_get0_pubkey(x509.get());
  if (pkey == nullptr) return ossl_error("invalid_certificate", "certificate has no usable key");
  RL_ASSIGN_OR_RETURN(Suite suite, classify_key(pkey));
  if (X509_get_signature_nid(x509.get()) == NID_SM2_with_SM3) {
    attach_sm2_id<X509, X509_set0_distinguishing_id>(x509.get());
  }
  auto key = std::make_shared<KeyHandle>();
  EVP_PKEY_up_ref(pkey);
  key->pkey.reset(pkey);
  auto handle = std::make_shared<CertHandle>();
  handle->x509 = std::move(x509);
  handle->key = std::move(key);
  handle->key_suite = suite;
  return Certificate(std::move(handle));
}

Result<CertificateRequest> wrap_request(X509ReqPtr req) {
  EVP_PKEY* pkey = X509_REQ_get0_pubkey(req.get());
  if (pkey == nullptr) return ossl_error("invalid_csr", "CSR has no usable key");
  RL_ASSIGN_OR_RETURN(Suite suite, classify_key(pkey));
  if (X509_REQ_get_signature_nid(req.get()) == NID_SM2_with_SM3) {
    attach_sm2_id<X509_REQ, X509_REQ_set0_distinguishing_id>(req.get());
  }
  auto key = std::make_shared<KeyHandle>();
  EVP_PKEY_up_ref(pkey);
  key->pkey.reset(pkey);
  auto handle = std::make_shared<CsrHandle>();
  handle->req = std::move(req);
  handle->key = std::move(key);
  handle->key_suite = suite;
  return CertificateRequest(std::move(handle));
}

}  // namespace internal

using internal::BioPtr;

// ---- Certificate ----

Result<Certificate> Certificate::from_der(ByteView der) {
  if (der.empty() || der.size() > 64 * 1024) {
    return make_error("invalid_certificate", "certificate DER is empty or larger than 64 KiB");
  }
  const unsigned char* p = der.data();
  internal::X509Ptr x509(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!x509) return internal::ossl_error("invalid_certificate", "cannot parse certificate DER");
  if (p != der.data() + der.size()) {
    return make_error("invalid_certificate", "trailing bytes after certificate DER");
  }
  return internal::wrap_certificate(std::move(x509));
}

Result<Certificate> Certificate::from_pem(std::string_view pem) {
  BioPtr bio = internal::read_only_bio(pem);
  internal::X509Ptr x509(PEM_read_bio_X509(bio.get(), nullptr, internal::no_password, nullptr));
  if (!x509) return internal::ossl_error("invalid_certificate", "cannot parse certificate PEM");
  return internal::wrap_certificate(std::move(x509));
}

Result<std::vector<Certificate>> Certificate::bundle_from_pem(std::string_view pem) {
  BioPtr bio = internal::read_only_bio(pem);
  std::vector<Certificate> out;
  while (true) {
    internal::X509Ptr x509(PEM_read_bio_X509(bio.get(), nullptr, internal::no_password, nullptr));
    if (!x509) {
      // End of input is reported as "no start line"; anything else is a malformed block.
      const unsigned long err = ERR_peek_last_error();
      if (ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE &&
          !out.empty()) {
        internal::drain_openssl_errors();
        break;
      }
      return internal::ossl_error(
          "invalid_certificate",
          "cannot parse certificate " + std::to_string(out.size() + 1) + " of PEM bundle");
    }
    RL_ASSIGN_OR_RETURN(Certificate cert, internal::wrap_certificate(std::move(x509)));
    out.push_back(std::move(cert));
  }
  return out;
}

Bytes Certificate::to_der() const {
  unsigned char* der = nullptr;
  const int len = i2d_X509(handle_->x509.get(), &der);
  if (len <= 0 || der == nullptr) internal::fatal_openssl("i2d_X509");
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

std::string Certificate::to_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), handle_->x509.get()) != 1) {
    internal::fatal_openssl("PEM_write_bio_X509");
  }
  return internal::bio_to_string(bio.get());
}

Subject Certificate::subject() const {
  return internal::read_subject(X509_get_subject_name(handle_->x509.get()));
}
std::string Certificate::subject_string() const {
  return internal::name_rfc2253(X509_get_subject_name(handle_->x509.get()));
}
std::string Certificate::issuer_string() const {
  return internal::name_rfc2253(X509_get_issuer_name(handle_->x509.get()));
}

std::string Certificate::serial_hex() const {
  internal::BnPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(handle_->x509.get()), nullptr));
  if (!bn) internal::fatal_openssl("ASN1_INTEGER_to_BN");
  if (BN_is_zero(bn.get())) return "0";
  char* hex = BN_bn2hex(bn.get());
  if (hex == nullptr) internal::fatal_openssl("BN_bn2hex");
  std::string out(hex);
  OPENSSL_free(hex);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::size_t sign = out[0] == '-' ? 1 : 0;
  const std::size_t first = out.find_first_not_of('0', sign);
  out.erase(sign, first - sign);
  return out;
}

std::int64_t Certificate::not_before() const {
  auto t = internal::asn1_time_to_unix(X509_get0_notBefore(handle_->x509.get()));
  return t.ok() ? *t : 0;
}
std::int64_t Certificate::not_after() const {
  auto t = internal::asn1_time_to_unix(X509_get0_notAfter(handle_->x509.get()));
  return t.ok() ? *t : 0;
}

bool Certificate::is_ca() const {
  // EXFLAG_CA: basicConstraints present with cA = TRUE.
  return (X509_get_extension_flags(handle_->x509.get()) & EXFLAG_CA) != 0;
}

PublicKey Certificate::public_key() const {
  return PublicKey(handle_->key, handle_->key_suite);
}

Bytes Certificate::id(Suite suite) const {
  return hash(suite, to_der());
}

// ---- CertificateRequest ----

Result<CertificateRequest> CertificateRequest::from_pem(std::string_view pem) {
  BioPtr bio = internal::read_only_bio(pem);
  internal::X509ReqPtr req(
      PEM_read_bio_X509_REQ(bio.get(), nullptr, internal::no_password, nullptr));
  if (!req) return internal::ossl_error("invalid_csr", "cannot parse CSR PEM");
  return internal::wrap_request(std::move(req));
}

std::string CertificateRequest::to_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509_REQ(bio.get(), handle_->req.get()) != 1) {
    internal::fatal_openssl("PEM_write_bio_X509_REQ");
  }
  return internal::bio_to_string(bio.get());
}

Subject CertificateRequest::subject() const {
  return internal::read_subject(X509_REQ_get_subject_name(handle_->req.get()));
}

PublicKey CertificateRequest::public_key() const {
  return PublicKey(handle_->key, handle_->key_suite);
}

bool CertificateRequest::verify_signature() const {
  const int rc = X509_REQ_verify(handle_->req.get(), handle_->key->pkey.get());
  if (rc != 1) internal::drain_openssl_errors();
  return rc == 1;
}

// ---- Crl ----

Result<Crl> Crl::from_pem(std::string_view pem) {
  BioPtr bio = internal::read_only_bio(pem);
  internal::X509CrlPtr crl(
      PEM_read_bio_X509_CRL(bio.get(), nullptr, internal::no_password, nullptr));
  if (!crl) return internal::ossl_error("invalid_crl", "cannot parse CRL PEM");
  auto handle = std::make_shared<CrlHandle>();
  handle->crl = std::move(crl);
  return Crl(std::move(handle));
}

std::string Crl::to_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509_CRL(bio.get(), handle_->crl.get()) != 1) {
    internal::fatal_openssl("PEM_write_bio_X509_CRL");
  }
  return internal::bio_to_string(bio.get());
}

bool Crl::is_revoked(const Certificate& cert) const {
  // Matches on issuer name and serial number. Does not check the CRL's signature: that is
  // verify_chain's job, with the issuer's key.
  X509_REVOKED* entry = nullptr;
  const int rc = X509_CRL_get0_by_cert(handle_->crl.get(), &entry, cert.handle().x509.get());
  internal::drain_openssl_errors();
  return rc == 1;
}

}  // namespace rl::crypto
