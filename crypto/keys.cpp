#include "crypto/keys.hpp"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>

#include <climits>

#include "crypto/internal_digest.hpp"
#include "crypto/internal_keys.hpp"
#include "crypto/internal_ossl.hpp"
#include "crypto/signature_form.hpp"

namespace rl::crypto {
namespace internal {

Result<Suite> classify_key(const EVP_PKEY* pkey) {
  if (pkey == nullptr) return make_error("unsupported_key_type", "no key");
  char group[80] = {};
  std::size_t group_len = 0;
  const bool has_group = EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group,
                                                        sizeof group, &group_len) == 1;
  drain_openssl_errors();  // a key without a named group is reported below, not queued
  const std::string_view group_name = has_group ? std::string_view(group, group_len) : "";
  // Explicit curve parameters are refused even when they describe P-256 or SM2: they let an
  // attacker smuggle in a modified cofactor or generator (Wycheproof "UnnamedCurve" cases).
  char encoding[32] = {};
  std::size_t encoding_len = 0;
  if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_EC_ENCODING, encoding, sizeof encoding,
                                     &encoding_len) == 1 &&
      std::string_view(encoding, encoding_len) != OSSL_PKEY_EC_ENCODING_GROUP) {
    return make_error("unsupported_key_type",
                      "EC key with explicit curve parameters (only named curves are accepted)");
  }
  drain_openssl_errors();
  if (EVP_PKEY_is_a(pkey, "SM2") && group_name == "SM2") return Suite::kSm2Sm3;
  if (EVP_PKEY_is_a(pkey, "EC") && group_name == "prime256v1") return Suite::kP256Sha256;
  const char* type = EVP_PKEY_get0_type_name(pkey);
  return make_error("unsupported_key_type",
                    std::string("unsupported key type ") + (type ? type : "?") +
                        (has_group ? " on curve " + std::string(group_name) : std::string()) +
                        " (expected EC P-256 or SM2)");
}

Result<PublicKey> wrap_public_key(EvpPkeyPtr pkey) {
  RL_ASSIGN_OR_RETURN(Suite suite, classify_key(pkey.get()));
  auto handle = std::make_shared<KeyHandle>();
  handle->pkey = std::move(pkey);
  return PublicKey(std::move(handle), suite);
}

Result<PrivateKey> wrap_private_key(EvpPkeyPtr pkey) {
  RL_ASSIGN_OR_RETURN(Suite suite, classify_key(pkey.get()));
  auto handle = std::make_shared<KeyHandle>();
  handle->pkey = std::move(pkey);
  return PrivateKey(std::move(handle), suite);
}

Result<DigestContext> make_digest_context(EVP_PKEY* pkey, Suite suite, DigestOp op) {
  DigestContext dc;
  dc.md_ctx.reset(EVP_MD_CTX_new());
  if (!dc.md_ctx) return ossl_error("crypto_internal", "EVP_MD_CTX_new failed");
  if (suite == Suite::kSm2Sm3) {
    // The ID enters the SM2 "Z" value, so signer and verifier must agree on it. OpenSSL 3.0
    // caches an ID set before the operation is initialised and applies it at DigestSignInit.
    dc.pkey_ctx.reset(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
    if (!dc.pkey_ctx) return ossl_error("crypto_internal", "EVP_PKEY_CTX_new_from_pkey failed");
    if (EVP_PKEY_CTX_set1_id(dc.pkey_ctx.get(), kSm2DistinguishingId.data(),
                             kSm2DistinguishingId.size()) <= 0) {
      return ossl_error("crypto_internal", "cannot set SM2 distinguishing ID");
    }
    EVP_MD_CTX_set_pkey_ctx(dc.md_ctx.get(), dc.pkey_ctx.get());
  }
  const EVP_MD* md = suite_md(suite);
  const int rc = op == DigestOp::kSign
                     ? EVP_DigestSignInit(dc.md_ctx.get(), nullptr, md, nullptr, pkey)
                     : EVP_DigestVerifyInit(dc.md_ctx.get(), nullptr, md, nullptr, pkey);
  if (rc != 1) return ossl_error("crypto_internal", "digest sign/verify init failed");
  return dc;
}

Asn1OctetStringPtr sm2_id_octets() {
  Asn1OctetStringPtr id(ASN1_OCTET_STRING_new());
  if (!id || ASN1_OCTET_STRING_set(
                 id.get(), reinterpret_cast<const unsigned char*>(kSm2DistinguishingId.data()),
                 static_cast<int>(kSm2DistinguishingId.size())) != 1) {
    fatal_openssl("ASN1_OCTET_STRING_set");
  }
  return id;
}

}  // namespace internal

namespace {

using internal::BioPtr;
using internal::EvpPkeyPtr;

// Refuses to prompt on a terminal for an encrypted PEM: we only load unencrypted keys.
int no_password(char*, int, int, void*) {
  return -1;
}

Bytes public_der(EVP_PKEY* pkey) {
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(pkey, &der);
  if (len <= 0 || der == nullptr) internal::fatal_openssl("i2d_PUBKEY");
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

}  // namespace

Result<PublicKey> PublicKey::from_der(ByteView der) {
  if (der.empty() || der.size() > 4096) {
    return make_error("invalid_public_key", "public key DER is empty or too large");
  }
  const unsigned char* p = der.data();
  EvpPkeyPtr pkey(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
  if (!pkey) return internal::ossl_error("invalid_public_key", "cannot parse public key DER");
  if (p != der.data() + der.size()) {
    return make_error("invalid_public_key", "trailing bytes after public key DER");
  }
  return internal::wrap_public_key(std::move(pkey));
}

Result<PublicKey> PublicKey::from_pem(std::string_view pem) {
  BioPtr bio = internal::read_only_bio(pem);
  EvpPkeyPtr pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, no_password, nullptr));
  if (!pkey) return internal::ossl_error("invalid_public_key", "cannot parse public key PEM");
  return internal::wrap_public_key(std::move(pkey));
}

Bytes PublicKey::to_der() const {
  std::call_once(handle_->der_once, [&] { handle_->der = public_der(handle_->pkey.get()); });
  return handle_->der;
}

std::string PublicKey::to_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), handle_->pkey.get()) != 1) {
    internal::fatal_openssl("PEM_write_bio_PUBKEY");
  }
  return internal::bio_to_string(bio.get());
}

Result<PrivateKey> PrivateKey::generate(Suite suite) {
  EvpPkeyPtr pkey(suite == Suite::kSm2Sm3 ? EVP_PKEY_Q_keygen(nullptr, nullptr, "SM2")
                                          : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!pkey) return internal::ossl_error("key_generation_failed", "key generation failed");
  return internal::wrap_private_key(std::move(pkey));
}

Result<PrivateKey> PrivateKey::from_pem(std::string_view pem) {
  BioPtr bio = internal::read_only_bio(pem);
  EvpPkeyPtr pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_password, nullptr));
  if (!pkey) return internal::ossl_error("invalid_private_key", "cannot parse private key PEM");
  return internal::wrap_private_key(std::move(pkey));
}

Result<PrivateKey> PrivateKey::from_raw_scalar(Suite suite, ByteView scalar) {
  using internal::ossl_error;
  while (!scalar.empty() && scalar.front() == 0) scalar = scalar.subspan(1);
  if (scalar.empty() || scalar.size() > 32) {
    return make_error("invalid_private_key", "private scalar is zero or longer than 32 bytes");
  }
  const int nid = suite == Suite::kSm2Sm3 ? NID_sm2 : NID_X9_62_prime256v1;
  internal::EcGroupPtr group(EC_GROUP_new_by_curve_name(nid));
  internal::BnCtxPtr bn_ctx(BN_CTX_new());
  internal::BnPtr priv(BN_bin2bn(scalar.data(), static_cast<int>(scalar.size()), nullptr));
  if (!group || !bn_ctx || !priv) return ossl_error("crypto_internal", "EC setup failed");
  if (BN_cmp(priv.get(), EC_GROUP_get0_order(group.get())) >= 0) {
    return make_error("invalid_private_key", "private scalar is not below the group order");
  }
  // The provider wants the public point alongside the scalar: Q = d * G.
  internal::EcPointPtr pub(EC_POINT_new(group.get()));
  if (!pub ||
      EC_POINT_mul(group.get(), pub.get(), priv.get(), nullptr, nullptr, bn_ctx.get()) != 1) {
    return ossl_error("crypto_internal", "EC_POINT_mul failed");
  }
  unsigned char pub_oct[65];
  const std::size_t pub_len = EC_POINT_point2oct(
      group.get(), pub.get(), POINT_CONVERSION_UNCOMPRESSED, pub_oct, sizeof pub_oct, bn_ctx.get());
  if (pub_len == 0) return ossl_error("crypto_internal", "EC_POINT_point2oct failed");

  internal::OsslParamBldPtr bld(OSSL_PARAM_BLD_new());
  const char* group_name = suite == Suite::kSm2Sm3 ? "SM2" : "prime256v1";
  if (!bld ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group_name, 0) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, priv.get()) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, pub_oct, pub_len) != 1) {
    return ossl_error("crypto_internal", "OSSL_PARAM_BLD failed");
  }
  internal::OsslParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  internal::EvpPkeyCtxPtr ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, suite == Suite::kSm2Sm3 ? "SM2" : "EC", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_KEYPAIR, params.get()) != 1) {
    return ossl_error("invalid_private_key", "cannot build key from scalar");
  }
  return internal::wrap_private_key(EvpPkeyPtr(raw));
}

std::string PrivateKey::to_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PKCS8PrivateKey(bio.get(), handle_->pkey.get(), nullptr, nullptr, 0,
                                            nullptr, nullptr) != 1) {
    internal::fatal_openssl("PEM_write_bio_PKCS8PrivateKey");
  }
  return internal::bio_to_string(bio.get());
}

PublicKey PrivateKey::public_key() const {
  // A separate public-only EVP_PKEY, so long-lived PublicKey objects never carry the scalar.
  auto pub = PublicKey::from_der(public_der(handle_->pkey.get()));
  if (!pub.ok()) internal::fatal_openssl("re-decoding our own public key");
  return std::move(pub).value();
}

Result<Bytes> sign(const PrivateKey& key, ByteView message) {
  RL_ASSIGN_OR_RETURN(internal::DigestContext dc,
                      internal::make_digest_context(key.handle().pkey.get(), key.suite(),
                                                    internal::DigestOp::kSign));
  std::size_t sig_len = 0;
  if (EVP_DigestSign(dc.md_ctx.get(), nullptr, &sig_len, message.data(), message.size()) != 1) {
    return internal::ossl_error("sign_failed", "cannot size signature");
  }
  Bytes sig(sig_len);
  if (EVP_DigestSign(dc.md_ctx.get(), sig.data(), &sig_len, message.data(), message.size()) != 1) {
    return internal::ossl_error("sign_failed", "signing failed");
  }
  sig.resize(sig_len);
  // Only the low-s form of an ECDSA signature is accepted where bytes identify a signed object
  // (crypto/signature_form.hpp), so it is the only form this function produces.
  if (signature_form(key.suite(), sig) == SignatureForm::kHighS) {
    return mirror_ecdsa_signature(key.suite(), sig);
  }
  return sig;
}

bool verify(const PublicKey& key, ByteView message, ByteView signature) {
  // Never throws in practice: only allocation failure could, and that is not a verdict.
  // A DER ECDSA/SM2 signature over a 256-bit curve is at most 72 bytes; anything much longer
  // is garbage and not worth handing to the parser.
  if (signature.empty() || signature.size() > 128) return false;
  auto dc = internal::make_digest_context(key.handle().pkey.get(), key.suite(),
                                          internal::DigestOp::kVerify);
  if (!dc.ok()) return false;
  const int rc = EVP_DigestVerify(dc->md_ctx.get(), signature.data(), signature.size(),
                                  message.data(), message.size());
  if (rc != 1) internal::drain_openssl_errors();
  return rc == 1;
}

namespace {
// OpenSSL 3.0's SM2 key manager offers signatures only, and its EC key manager refuses the SM2
// curve, so EVP_PKEY_derive cannot do ECDH on SM2 keys. Compute SEC 1 ECSVDP-DH directly:
// x(d * Q), with the non-deprecated EC_POINT API. SM2's cofactor is 1.
Result<Bytes> sm2_ecdh(EVP_PKEY* ours, EVP_PKEY* theirs) {
  using internal::ossl_error;
  BIGNUM* raw_d = nullptr;
  if (EVP_PKEY_get_bn_param(ours, OSSL_PKEY_PARAM_PRIV_KEY, &raw_d) != 1) {
    return ossl_error("ecdh_failed", "no private scalar in SM2 key");
  }
  internal::BnPtr d(raw_d);
  unsigned char q_oct[133];
  std::size_t q_len = 0;
  if (EVP_PKEY_get_octet_string_param(theirs, OSSL_PKEY_PARAM_PUB_KEY, q_oct, sizeof q_oct,
                                      &q_len) != 1) {
    return ossl_error("ecdh_failed", "no public point in SM2 key");
  }
  internal::EcGroupPtr group(EC_GROUP_new_by_curve_name(NID_sm2));
  internal::BnCtxPtr bn_ctx(BN_CTX_new());
  internal::EcPointPtr q(group ? EC_POINT_new(group.get()) : nullptr);
  internal::EcPointPtr shared(group ? EC_POINT_new(group.get()) : nullptr);
  internal::BnPtr x(BN_new());
  if (!group || !bn_ctx || !q || !shared || !x) return ossl_error("crypto_internal", "EC setup");
  if (EC_POINT_oct2point(group.get(), q.get(), q_oct, q_len, bn_ctx.get()) != 1 ||
      EC_POINT_is_on_curve(group.get(), q.get(), bn_ctx.get()) != 1 ||
      EC_POINT_is_at_infinity(group.get(), q.get())) {
    return ossl_error("ecdh_failed", "peer public key rejected");
  }
  if (EC_POINT_mul(group.get(), shared.get(), nullptr, q.get(), d.get(), bn_ctx.get()) != 1 ||
      EC_POINT_is_at_infinity(group.get(), shared.get()) ||
      EC_POINT_get_affine_coordinates(group.get(), shared.get(), x.get(), nullptr, bn_ctx.get()) !=
          1) {
    return ossl_error("ecdh_failed", "SM2 point multiplication failed");
  }
  Bytes secret(32);
  if (BN_bn2binpad(x.get(), secret.data(), static_cast<int>(secret.size())) != 32) {
    return ossl_error("ecdh_failed", "shared secret encoding failed");
  }
  return secret;
}
}  // namespace

Result<Bytes> ecdh(const PrivateKey& ours, const PublicKey& theirs) {
  if (ours.suite() != theirs.suite()) {
    return make_error("key_mismatch", "ECDH keys are on different curves");
  }
  EVP_PKEY* our_key = ours.handle().pkey.get();
  EVP_PKEY* their_key = theirs.handle().pkey.get();
  if (ours.suite() == Suite::kSm2Sm3) return sm2_ecdh(our_key, their_key);
  internal::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, our_key, nullptr));
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1) {
    return internal::ossl_error("ecdh_failed", "cannot initialise key derivation");
  }
  // validate_peer = 1: the peer point is checked to be on the curve and not the identity.
  if (EVP_PKEY_derive_set_peer_ex(ctx.get(), their_key, 1) != 1) {
    return internal::ossl_error("ecdh_failed", "peer public key rejected");
  }
  std::size_t len = 0;
  if (EVP_PKEY_derive(ctx.get(), nullptr, &len) != 1) {
    return internal::ossl_error("ecdh_failed", "cannot size shared secret");
  }
  Bytes secret(len);
  if (EVP_PKEY_derive(ctx.get(), secret.data(), &len) != 1) {
    return internal::ossl_error("ecdh_failed", "key derivation failed");
  }
  secret.resize(len);
  return secret;
}

}  // namespace rl::crypto
