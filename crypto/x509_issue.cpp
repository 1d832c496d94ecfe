// The CA side: CSR creation, certificate issuance and CRL creation.
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <string>

#include "crypto/internal_keys.hpp"
#include "crypto/internal_ossl.hpp"
#include "crypto/internal_x509.hpp"
#include "crypto/x509.hpp"

namespace rl::crypto {
namespace {

using internal::ossl_error;

// 9999-12-31T23:59:59Z, the largest time RFC 5280 GeneralizedTime can express.
constexpr std::int64_t kMaxCertTime = 253402300799;

// Validity is always explicit: crypto/ sits below node/ and never reads the wall clock itself.
Status check_validity(const IssueOptions& options) {
  if (options.not_before < 0 || options.not_after > kMaxCertTime ||
      options.not_before >= options.not_after) {
    return make_error("invalid_validity",
                      "validity must satisfy 0 <= not_before < not_after <= year 9999");
  }
  return {};
}

// Signs with the suite's algorithm: ecdsa-with-SHA256, or SM2-with-SM3 with the standard ID.
template <typename T, int (*SignCtx)(T*, EVP_MD_CTX*)>
Status sign_object(T* object, const PrivateKey& key) {
  RL_ASSIGN_OR_RETURN(internal::DigestContext dc,
                      internal::make_digest_context(key.handle().pkey.get(), key.suite(),
                                                    internal::DigestOp::kSign));
  if (SignCtx(object, dc.md_ctx.get()) <= 0) return ossl_error("sign_failed", "signing failed");
  return {};
}

Status add_conf_extension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  internal::X509ExtPtr ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return ossl_error("issue_failed",
                      std::string("cannot add extension ") + OBJ_nid2sn(nid) + "=" + value);
  }
  return {};
}

bool valid_dns_name(const std::string& name) {
  if (name.empty() || name.size() > 253) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '*';
    if (!ok) return false;
  }
  return true;
}

// subjectAltName built from GENERAL_NAMEs directly, never by formatting a config string, so a
// name containing ',' or ':' cannot inject extra entries.
Status add_subject_alt_names(X509* cert, const IssueOptions& options) {
  if (options.dns_names.empty() && options.ip_addresses.empty()) return {};
  internal::GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
  if (!names) return ossl_error("crypto_internal", "sk_GENERAL_NAME_new_null failed");
  for (const std::string& dns : options.dns_names) {
    if (!valid_dns_name(dns)) return make_error("invalid_san", "invalid DNS name '" + dns + "'");
    internal::GeneralNamePtr gen(GENERAL_NAME_new());
    ASN1_IA5STRING* ia5 = ASN1_IA5STRING_new();
    if (!gen || ia5 == nullptr ||
        ASN1_STRING_set(ia5, dns.data(), static_cast<int>(dns.size())) != 1) {
      ASN1_IA5STRING_free(ia5);
      return ossl_error("crypto_internal", "cannot build DNS name");
    }
    GENERAL_NAME_set0_value(gen.get(), GEN_DNS, ia5);
    if (sk_GENERAL_NAME_push(names.get(), gen.get()) <= 0) {
      return ossl_error("crypto_internal", "cannot add DNS name");
    }
    gen.release();  // now owned by `names`
  }
  for (const std::string& ip : options.ip_addresses) {
    ASN1_OCTET_STRING* octets = a2i_IPADDRESS(ip.c_str());
    if (octets == nullptr || ip.find('\0') != std::string::npos) {
      ASN1_OCTET_STRING_free(octets);
      internal::drain_openssl_errors();
      return make_error("invalid_san", "invalid IP address '" + ip + "'");
    }
    internal::GeneralNamePtr gen(GENERAL_NAME_new());
    if (!gen) {
      ASN1_OCTET_STRING_free(octets);
      return ossl_error("crypto_internal", "cannot build IP name");
    }
    GENERAL_NAME_set0_value(gen.get(), GEN_IPADD, octets);
    if (sk_GENERAL_NAME_push(names.get(), gen.get()) <= 0) {
      return ossl_error("crypto_internal", "cannot add IP name");
    }
    gen.release();
  }
  if (X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1) {
    return ossl_error("issue_failed", "cannot add subjectAltName");
  }
  return {};
}

// The profile's extensions (see CertProfile in x509.hpp). `issuer` may equal `cert` (root).
Status add_profile_extensions(X509* cert, X509* issuer, const IssueOptions& options) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  const char* basic = "critical,CA:FALSE";
  const char* key_usage = "critical,digitalSignature";
  const char* ext_key_usage = nullptr;
  switch (options.profile) {
    case CertProfile::kRootCa:
      basic = "critical,CA:TRUE";
      key_usage = "critical,keyCertSign,cRLSign";
      break;
    case CertProfile::kIntermediateCa:
      basic = "critical,CA:TRUE,pathlen:0";
      key_usage = "critical,keyCertSign,cRLSign";
      break;
    case CertProfile::kTlsServerClient:
      ext_key_usage = "serverAuth,clientAuth";
      break;
    case CertProfile::kEndEntity:
      key_usage = "critical,digitalSignature,nonRepudiation";
      ext_key_usage = "clientAuth";
      break;
  }
  RL_TRY(add_conf_extension(cert, &ctx, NID_basic_constraints, basic));
  RL_TRY(add_conf_extension(cert, &ctx, NID_key_usage, key_usage));
  if (ext_key_usage != nullptr) {
    RL_TRY(add_conf_extension(cert, &ctx, NID_ext_key_usage, ext_key_usage));
  }
  // SKI first: for a self-signed root the AKI is computed from it.
  RL_TRY(add_conf_extension(cert, &ctx, NID_subject_key_identifier, "hash"));
  RL_TRY(add_conf_extension(cert, &ctx, NID_authority_key_identifier, "keyid:always"));
  RL_TRY(add_subject_alt_names(cert, options));
  return {};
}

Status set_serial(X509* cert, std::uint64_t serial) {
  while (serial == 0) {
    // RFC 5280 4.1.2.2: positive, unique per CA; 64 random bits make collisions negligible.
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&serial), sizeof serial) != 1) {
      return ossl_error("crypto_internal", "RAND_bytes failed");
    }
  }
  if (ASN1_INTEGER_set_uint64(X509_get_serialNumber(cert), serial) != 1) {
    return ossl_error("crypto_internal", "cannot set serial number");
  }
  return {};
}

// Builds, signs and re-parses a v3 certificate. Re-parsing means the returned object is
// exactly what a relying party decoding our DER sees.
Result<Certificate> build_certificate(X509* issuer_or_null, const X509_NAME* issuer_name,
                                      const X509_NAME* subject_name, EVP_PKEY* subject_key,
                                      const PrivateKey& signing_key, const IssueOptions& options) {
  RL_TRY(check_validity(options));
  internal::X509Ptr cert(X509_new());
  if (!cert) return ossl_error("crypto_internal", "X509_new failed");
  if (X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      X509_set_issuer_name(cert.get(), issuer_name) != 1 ||
      X509_set_subject_name(cert.get(), subject_name) != 1 ||
      X509_set_pubkey(cert.get(), subject_key) != 1) {
    return ossl_error("issue_failed", "cannot fill certificate fields");
  }
  RL_TRY(set_serial(cert.get(), options.serial));
  RL_TRY(internal::set_asn1_time(X509_getm_notBefore(cert.get()), options.not_before));
  RL_TRY(internal::set_asn1_time(X509_getm_notAfter(cert.get()), options.not_after));
  X509* issuer = issuer_or_null != nullptr ? issuer_or_null : cert.get();
  RL_TRY(add_profile_extensions(cert.get(), issuer, options));
  RL_TRY((sign_object<X509, X509_sign_ctx>(cert.get(), signing_key)));

  unsigned char* der = nullptr;
  const int len = i2d_X509(cert.get(), &der);
  if (len <= 0) return ossl_error("issue_failed", "cannot encode certificate");
  Bytes encoded(der, der + len);
  OPENSSL_free(der);
  return Certificate::from_der(encoded);
}

}  // namespace

Result<CertificateRequest> CertificateRequest::create(const PrivateKey& key,
                                                      const Subject& subject) {
  RL_ASSIGN_OR_RETURN(internal::X509NamePtr name, internal::build_name(subject));
  internal::X509ReqPtr req(X509_REQ_new());
  if (!req || X509_REQ_set_version(req.get(), X509_REQ_VERSION_1) != 1 ||
      X509_REQ_set_subject_name(req.get(), name.get()) != 1 ||
      X509_REQ_set_pubkey(req.get(), key.handle().pkey.get()) != 1) {
    return ossl_error("csr_failed", "cannot fill CSR fields");
  }
  RL_TRY((sign_object<X509_REQ, X509_REQ_sign_ctx>(req.get(), key)));
  // Re-parse so the result is what a CA decoding our PEM sees (and gets the SM2 ID attached).
  internal::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509_REQ(bio.get(), req.get()) != 1) {
    return ossl_error("csr_failed", "cannot encode CSR");
  }
  return CertificateRequest::from_pem(internal::bio_to_string(bio.get()));
}

Result<Certificate> create_root_certificate(const PrivateKey& key, const Subject& subject,
                                            const IssueOptions& options) {
  RL_ASSIGN_OR_RETURN(internal::X509NamePtr name, internal::build_name(subject));
  IssueOptions root_options = options;
  root_options.profile = CertProfile::kRootCa;  // a root is a root whatever was asked
  return build_certificate(nullptr, name.get(), name.get(), key.handle().pkey.get(), key,
                           root_options);
}

Result<Certificate> issue_certificate(const Certificate& issuer, const PrivateKey& issuer_key,
                                      const CertificateRequest& csr, const IssueOptions& options) {
  if (!csr.verify_signature()) {
    return make_error("bad_csr_signature",
                      "CSR self-signature does not verify (no proof of "
                      "possession of the private key)");
  }
  X509* issuer_x509 = issuer.handle().x509.get();
  if (!issuer.is_ca()) return make_error("issuer_not_ca", "issuer certificate is not a CA");
  if (X509_check_private_key(issuer_x509, issuer_key.handle().pkey.get()) != 1) {
    internal::drain_openssl_errors();
    return make_error("issuer_key_mismatch", "issuer key does not match issuer certificate");
  }
  // Only the four Subject fields are copied from the CSR: the CA decides what it certifies.
  RL_ASSIGN_OR_RETURN(internal::X509NamePtr subject, internal::build_name(csr.subject()));
  return build_certificate(issuer_x509, X509_get_subject_name(issuer_x509), subject.get(),
                           csr.handle().key->pkey.get(), issuer_key, options);
}

Result<Crl> Crl::create(const Certificate& issuer, const PrivateKey& issuer_key,
                        const std::vector<std::string>& revoked_serials_hex,
                        std::int64_t this_update, std::int64_t next_update) {
  if (this_update < 0 || next_update <= this_update || next_update > kMaxCertTime) {
    return make_error("invalid_validity", "CRL needs 0 <= this_update < next_update");
  }
  X509* issuer_x509 = issuer.handle().x509.get();
  if (X509_check_private_key(issuer_x509, issuer_key.handle().pkey.get()) != 1) {
    internal::drain_openssl_errors();
    return make_error("issuer_key_mismatch", "issuer key does not match issuer certificate");
  }
  internal::X509CrlPtr crl(X509_CRL_new());
  internal::Asn1TimePtr last(ASN1_TIME_new());
  internal::Asn1TimePtr next(ASN1_TIME_new());
  if (!crl || !last || !next || X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2) != 1 ||
      X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(issuer_x509)) != 1) {
    return ossl_error("crl_failed", "cannot fill CRL fields");
  }
  RL_TRY(internal::set_asn1_time(last.get(), this_update));
  RL_TRY(internal::set_asn1_time(next.get(), next_update));
  if (X509_CRL_set1_lastUpdate(crl.get(), last.get()) != 1 ||
      X509_CRL_set1_nextUpdate(crl.get(), next.get()) != 1) {
    return ossl_error("crl_failed", "cannot set CRL times");
  }
  for (const std::string& serial_hex : revoked_serials_hex) {
    const bool hex_ok = !serial_hex.empty() && serial_hex.size() <= 40 &&
                        serial_hex.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
    BIGNUM* raw_bn = nullptr;
    if (!hex_ok || BN_hex2bn(&raw_bn, serial_hex.c_str()) == 0) {
      internal::drain_openssl_errors();
      return make_error("invalid_serial", "invalid serial number '" + serial_hex + "'");
    }
    internal::BnPtr bn(raw_bn);
    internal::Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
    internal::X509RevokedPtr revoked(X509_REVOKED_new());
    if (!serial || !revoked || X509_REVOKED_set_serialNumber(revoked.get(), serial.get()) != 1 ||
        X509_REVOKED_set_revocationDate(revoked.get(), last.get()) != 1 ||
        X509_CRL_add0_revoked(crl.get(), revoked.get()) != 1) {
      return ossl_error("crl_failed", "cannot add revoked entry");
    }
    revoked.release();  // now owned by the CRL
  }
  X509_CRL_sort(crl.get());
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer_x509, nullptr, nullptr, crl.get(), 0);
  internal::X509ExtPtr aki(
      X509V3_EXT_conf_nid(nullptr, &ctx, NID_authority_key_identifier, "keyid:always"));
  if (!aki || X509_CRL_add_ext(crl.get(), aki.get(), -1) != 1) {
    return ossl_error("crl_failed", "cannot add authorityKeyIdentifier to CRL");
  }
  if (issuer_key.suite() == Suite::kSm2Sm3) {
    // OpenSSL 3.0 has no X509_CRL_set0_distinguishing_id, so X509_CRL_verify (used by chain
    // verification) checks SM2 CRL signatures with an empty ID. Sign with the empty ID to
    // match; see docs/decisions/0011-sm2-distinguishing-id.md.
    internal::EvpMdCtxPtr md_ctx(EVP_MD_CTX_new());
    if (!md_ctx ||
        EVP_DigestSignInit(md_ctx.get(), nullptr, EVP_sm3(), nullptr,
                           issuer_key.handle().pkey.get()) != 1 ||
        X509_CRL_sign_ctx(crl.get(), md_ctx.get()) <= 0) {
      return ossl_error("sign_failed", "cannot sign SM2 CRL");
    }
  } else {
    RL_TRY((sign_object<X509_CRL, X509_CRL_sign_ctx>(crl.get(), issuer_key)));
  }
  // Re-parse, for the same reason as certificates.
  internal::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509_CRL(bio.get(), crl.get()) != 1) {
    return ossl_error("crl_failed", "cannot encode CRL");
  }
  return Crl::from_pem(internal::bio_to_string(bio.get()));
}

}  // namespace rl::crypto
