#pragma once
// Private to crypto/*.cpp: what a KeyHandle holds, and the signing/verifying contexts shared by
// keys.cpp (raw signatures) and the x509 code (certificate, CSR and CRL signatures).

#include <mutex>
#include <string_view>

#include "crypto/internal_ossl.hpp"
#include "crypto/keys.hpp"

namespace rl::crypto {

// The EVP_PKEY is never mutated after construction; OpenSSL 3 allows concurrent sign/verify
// operations on one EVP_PKEY, so a KeyHandle is shared freely between threads.
struct KeyHandle {
  internal::EvpPkeyPtr pkey;
  // SubjectPublicKeyInfo DER, encoded on first use: OpenSSL 3.0's encoder framework makes
  // i2d_PUBKEY cost about as much as a signature check, and keys are named by their DER hash
  // (key ids, memo keys) again and again.
  mutable std::once_flag der_once;
  mutable Bytes der;
};

namespace internal {

// GM/T 0009-2012 default distinguishing ID, used on both the signing and the verifying side.
inline constexpr std::string_view kSm2DistinguishingId = "1234567812345678";

// P-256 (EC keymgmt, group prime256v1) -> kP256Sha256; SM2 keymgmt on the SM2 curve ->
// kSm2Sm3; anything else -> "unsupported_key_type".
Result<Suite> classify_key(const EVP_PKEY* pkey);

// Classifies and wraps an EVP_PKEY (takes ownership).
Result<PublicKey> wrap_public_key(EvpPkeyPtr pkey);
Result<PrivateKey> wrap_private_key(EvpPkeyPtr pkey);

// A DigestSign/DigestVerify context ready for data. For SM2 the EVP_PKEY_CTX carries the
// distinguishing ID; EVP_MD_CTX_set_pkey_ctx does not transfer ownership, so `pkey_ctx` is
// declared first to be destroyed after `md_ctx`.
struct DigestContext {
  EvpPkeyCtxPtr pkey_ctx;
  EvpMdCtxPtr md_ctx;
};
enum class DigestOp { kSign, kVerify };
Result<DigestContext> make_digest_context(EVP_PKEY* pkey, Suite suite, DigestOp op);

// A fresh ASN1_OCTET_STRING holding the SM2 distinguishing ID (for X509_set0_distinguishing_id).
Asn1OctetStringPtr sm2_id_octets();

}  // namespace internal
}  // namespace rl::crypto
