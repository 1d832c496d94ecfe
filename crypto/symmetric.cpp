#include "crypto/symmetric.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <climits>
#include <string>

#include "crypto/internal_ossl.hpp"

namespace rl::crypto {
namespace {

using internal::ossl_error;

Result<Bytes> run_mac(const char* mac_name, const OSSL_PARAM* params, ByteView key, ByteView data) {
  internal::EvpMacPtr mac(EVP_MAC_fetch(nullptr, mac_name, nullptr));
  if (!mac) return ossl_error("crypto_internal", std::string("cannot fetch MAC ") + mac_name);
  internal::EvpMacCtxPtr ctx(EVP_MAC_CTX_new(mac.get()));
  if (!ctx || EVP_MAC_init(ctx.get(), key.data(), key.size(), params) != 1 ||
      EVP_MAC_update(ctx.get(), data.data(), data.size()) != 1) {
    return ossl_error("mac_failed", std::string(mac_name) + " init/update failed");
  }
  Bytes out(EVP_MAX_MD_SIZE);
  std::size_t len = 0;
  if (EVP_MAC_final(ctx.get(), out.data(), &len, out.size()) != 1) {
    return ossl_error("mac_failed", std::string(mac_name) + " final failed");
  }
  out.resize(len);
  return out;
}

const char* gcm_cipher_name(std::size_t key_len) {
  switch (key_len) {
    case 16:
      return "AES-128-GCM";
    case 24:
      return "AES-192-GCM";
    case 32:
      return "AES-256-GCM";
    default:
      return nullptr;
  }
}

// Shared argument checks for seal and open.
Status check_gcm_args(ByteView key, ByteView iv, std::size_t tag_len) {
  if (gcm_cipher_name(key.size()) == nullptr) {
    return make_error("invalid_key_length", "AES-GCM key must be 16, 24 or 32 bytes");
  }
  // 128 bytes is the largest IV OpenSSL 3.0's GCM implementation accepts (GCM_IV_MAX_SIZE).
  if (iv.empty() || iv.size() > 128) {
    return make_error("invalid_iv_length", "AES-GCM IV must be 1..128 bytes");
  }
  if (tag_len < 12 || tag_len > 16) {
    return make_error("invalid_tag_length", "AES-GCM tag must be 12..16 bytes");
  }
  return {};
}

// Cipher context initialised for AES-GCM with key and IV, and the AAD absorbed.
Result<internal::EvpCipherCtxPtr> gcm_context(ByteView key, ByteView iv, ByteView aad,
                                              bool encrypt) {
  internal::EvpCipherPtr cipher(EVP_CIPHER_fetch(nullptr, gcm_cipher_name(key.size()), nullptr));
  internal::EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!cipher || !ctx) return ossl_error("crypto_internal", "cannot create AES-GCM context");
  const int enc = encrypt ? 1 : 0;
  // Key and IV are set after the IV length: GCM's default IV length is 12 bytes.
  if (EVP_CipherInit_ex(ctx.get(), cipher.get(), nullptr, nullptr, nullptr, enc) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(iv.size()),
                          nullptr) != 1 ||
      EVP_CipherInit_ex(ctx.get(), nullptr, nullptr, key.data(), iv.data(), enc) != 1) {
    return ossl_error("aead_failed", "AES-GCM initialisation failed");
  }
  int out_len = 0;
  if (!aad.empty() &&
      (aad.size() > INT_MAX || EVP_CipherUpdate(ctx.get(), nullptr, &out_len, aad.data(),
                                                static_cast<int>(aad.size())) != 1)) {
    return ossl_error("aead_failed", "AES-GCM AAD processing failed");
  }
  return ctx;
}

}  // namespace

Result<Bytes> hmac(std::string_view digest, ByteView key, ByteView data) {
  if (digest != "SHA2-256" && digest != "SM3") {
    return make_error("invalid_argument", "unsupported HMAC digest '" + std::string(digest) + "'");
  }
  std::string digest_name(digest);
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name.data(), 0),
      OSSL_PARAM_construct_end()};
  // HMAC accepts any key length, including empty; OpenSSL wants a non-null pointer.
  static const unsigned char kEmptyKey = 0;
  return run_mac("HMAC", params, key.empty() ? ByteView(&kEmptyKey, 0) : key, data);
}

void cleanse(Bytes& secret) {
  OPENSSL_cleanse(secret.data(), secret.size());
}

void cleanse(std::string& secret) {
  OPENSSL_cleanse(secret.data(), secret.size());
}

Bytes hmac_sha256(ByteView key, ByteView data) {
  // HMAC-SHA256 accepts any key, so failure means OpenSSL is broken.
  auto mac = hmac("SHA2-256", key, data);
  if (!mac.ok()) internal::fatal_openssl(mac.error().message);
  return std::move(mac).value();
}

Result<Bytes> scrypt(ByteView password, ByteView salt, std::uint64_t n, std::uint32_t r,
                     std::uint32_t p, std::size_t length) {
  // N must be a power of two greater than 1 (RFC 7914 section 2).
  if (n < 2 || (n & (n - 1)) != 0) {
    return make_error("invalid_argument", "scrypt N must be a power of two > 1");
  }
  if (r == 0 || p == 0 || length == 0) {
    return make_error("invalid_argument", "scrypt r, p and output length must be positive");
  }
  // Memory is about 128 * r * N bytes; allow up to 1 GiB, above OpenSSL's 32 MiB default.
  constexpr std::uint64_t kMaxMem = 1ull << 30;
  Bytes out(length);
  if (EVP_PBE_scrypt(reinterpret_cast<const char*>(password.data()), password.size(), salt.data(),
                     salt.size(), n, r, p, kMaxMem, out.data(), out.size()) != 1) {
    return ossl_error("kdf_failed", "scrypt derivation failed (parameters too large?)");
  }
  return out;
}

Result<Bytes> aes_gcm_seal(ByteView key, ByteView iv, ByteView aad, ByteView plaintext,
                           std::size_t tag_len) {
  RL_TRY(check_gcm_args(key, iv, tag_len));
  if (plaintext.size() > INT_MAX - 16) {
    return make_error("invalid_argument", "AES-GCM plaintext too large");
  }
  RL_ASSIGN_OR_RETURN(internal::EvpCipherCtxPtr ctx, gcm_context(key, iv, aad, true));
  Bytes out(plaintext.size() + tag_len);
  int len = 0;
  int total = 0;
  if (!plaintext.empty() && EVP_EncryptUpdate(ctx.get(), out.data(), &len, plaintext.data(),
                                              static_cast<int>(plaintext.size())) != 1) {
    return ossl_error("aead_failed", "AES-GCM encryption failed");
  }
  total = len;
  if (EVP_EncryptFinal_ex(ctx.get(), out.data() + total, &len) != 1) {
    return ossl_error("aead_failed", "AES-GCM finalisation failed");
  }
  total += len;
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(tag_len),
                          out.data() + total) != 1) {
    return ossl_error("aead_failed", "cannot read AES-GCM tag");
  }
  out.resize(static_cast<std::size_t>(total) + tag_len);
  return out;
}

Result<Bytes> aes_gcm_open(ByteView key, ByteView iv, ByteView aad, ByteView ciphertext_and_tag,
                           std::size_t tag_len) {
  RL_TRY(check_gcm_args(key, iv, tag_len));
  if (ciphertext_and_tag.size() < tag_len) {
    return make_error("aead_auth_failed", "AES-GCM input shorter than the tag");
  }
  if (ciphertext_and_tag.size() > INT_MAX) {
    return make_error("invalid_argument", "AES-GCM ciphertext too large");
  }
  const ByteView ciphertext = ciphertext_and_tag.first(ciphertext_and_tag.size() - tag_len);
  const ByteView tag = ciphertext_and_tag.last(tag_len);
  RL_ASSIGN_OR_RETURN(internal::EvpCipherCtxPtr ctx, gcm_context(key, iv, aad, false));
  Bytes out(ciphertext.size() + 16);
  int len = 0;
  int total = 0;
  if (!ciphertext.empty() && EVP_DecryptUpdate(ctx.get(), out.data(), &len, ciphertext.data(),
                                               static_cast<int>(ciphertext.size())) != 1) {
    return ossl_error("aead_failed", "AES-GCM decryption failed");
  }
  total = len;
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag_len),
                          const_cast<std::uint8_t*>(tag.data())) != 1) {
    return ossl_error("aead_failed", "cannot set AES-GCM tag");
  }
  if (EVP_DecryptFinal_ex(ctx.get(), out.data() + total, &len) != 1) {
    internal::drain_openssl_errors();
    // Release nothing unauthenticated to the caller.
    OPENSSL_cleanse(out.data(), out.size());
    return make_error("aead_auth_failed", "AES-GCM tag does not verify");
  }
  total += len;
  out.resize(static_cast<std::size_t>(total));
  return out;
}

Bytes random_bytes(std::size_t n) {
  Bytes out(n);
  if (n > INT_MAX || (n > 0 && RAND_bytes(out.data(), static_cast<int>(n)) != 1)) {
    // Without randomness nothing secure can continue (keys, nonces, serials).
    internal::fatal_openssl("RAND_bytes");
  }
  return out;
}

bool equal_ct(ByteView a, ByteView b) {
  // The length is not secret; only the contents are compared in constant time.
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace rl::crypto
