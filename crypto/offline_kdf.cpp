#include "crypto/offline_kdf.hpp"

#include <openssl/core_names.h>

#include <array>
#include <string>

#include "crypto/internal_ossl.hpp"
#include "crypto/symmetric.hpp"

namespace rl::crypto {
namespace {

using internal::ossl_error;

// OSSL_PARAM octet strings take a non-const pointer even when only read.
void* mutable_ptr(ByteView b) {
  static unsigned char empty = 0;
  return b.empty() ? &empty : const_cast<std::uint8_t*>(b.data());
}

struct CipherInfo {
  std::string_view name;
  std::size_t key_size;
};

// Only the CBC ciphers CMAC is used with here; anything else is refused before OpenSSL sees it.
constexpr std::array<CipherInfo, 4> kCmacCiphers = {{
    {"AES-128-CBC", 16},
    {"AES-192-CBC", 24},
    {"AES-256-CBC", 32},
    {"SM4-CBC", 16},
}};

Result<CipherInfo> lookup_cipher(std::string_view name) {
  for (const CipherInfo& c : kCmacCiphers) {
    if (c.name == name) return c;
  }
  return make_error("invalid_argument", "unsupported CMAC cipher '" + std::string(name) + "'");
}

Status check_digest(std::string_view digest) {
  if (digest == "SHA2-256" || digest == "SM3") return {};
  return make_error("invalid_argument", "unsupported HKDF digest '" + std::string(digest) + "'");
}

}  // namespace

Result<Bytes> cmac(std::string_view cbc_cipher, ByteView key, ByteView data) {
  RL_ASSIGN_OR_RETURN(const CipherInfo info, lookup_cipher(cbc_cipher));
  if (key.size() != info.key_size) {
    return make_error("invalid_key_length", std::string(info.name) + "-CMAC key must be " +
                                                std::to_string(info.key_size) + " bytes");
  }
  internal::EvpMacPtr mac(EVP_MAC_fetch(nullptr, "CMAC", nullptr));
  if (!mac) return ossl_error("crypto_internal", "cannot fetch CMAC");
  internal::EvpMacCtxPtr ctx(EVP_MAC_CTX_new(mac.get()));
  std::string cipher(info.name);
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher.data(), 0),
      OSSL_PARAM_construct_end()};
  if (!ctx || EVP_MAC_init(ctx.get(), key.data(), key.size(), params) != 1 ||
      EVP_MAC_update(ctx.get(), data.data(), data.size()) != 1) {
    return ossl_error("mac_failed", cipher + " CMAC init/update failed");
  }
  Bytes out(EVP_MAX_BLOCK_LENGTH);
  std::size_t len = 0;
  if (EVP_MAC_final(ctx.get(), out.data(), &len, out.size()) != 1) {
    return ossl_error("mac_failed", cipher + " CMAC final failed");
  }
  out.resize(len);
  return out;
}

Result<Bytes> hkdf(std::string_view digest, ByteView ikm, ByteView salt, ByteView info,
                   std::size_t length) {
  RL_TRY(check_digest(digest));
  // RFC 5869: L <= 255 * HashLen; both digests have HashLen 32.
  if (length == 0 || length > 255 * 32) {
    return make_error("invalid_length", "HKDF output must be 1..8160 bytes");
  }
  internal::EvpKdfPtr kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
  internal::EvpKdfCtxPtr ctx(kdf ? EVP_KDF_CTX_new(kdf.get()) : nullptr);
  if (!ctx) return ossl_error("crypto_internal", "cannot fetch HKDF");
  std::string digest_name(digest);
  OSSL_PARAM params[5];
  std::size_t n = 0;
  params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest_name.data(), 0);
  params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, mutable_ptr(ikm), ikm.size());
  // An absent salt means HashLen zero bytes (RFC 5869 2.2); OpenSSL does that when omitted.
  if (!salt.empty()) {
    params[n++] =
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, mutable_ptr(salt), salt.size());
  }
  if (!info.empty()) {
    params[n++] =
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, mutable_ptr(info), info.size());
  }
  params[n] = OSSL_PARAM_construct_end();
  Bytes out(length);
  if (EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1) {
    return ossl_error("kdf_failed", "HKDF-" + digest_name + " derivation failed");
  }
  return out;
}

Result<Bytes> hkdf_sm3(ByteView ikm, ByteView salt, ByteView info, std::size_t length) {
  return hkdf("SM3", ikm, salt, info, length);
}

Result<Bytes> kdf_counter_cmac(std::string_view cbc_cipher, ByteView key, ByteView label,
                               ByteView context, std::size_t length) {
  RL_ASSIGN_OR_RETURN(const CipherInfo info, lookup_cipher(cbc_cipher));
  if (key.size() != info.key_size) {
    return make_error("invalid_key_length", "KDF key must be " + std::to_string(info.key_size) +
                                                " bytes for " + std::string(info.name));
  }
  // Keys are what this derives; 1..1024 bytes covers every use and keeps [L]_32 far from wrap.
  if (length == 0 || length > 1024) {
    return make_error("invalid_length", "counter-mode KDF output must be 1..1024 bytes");
  }
  internal::EvpKdfPtr kdf(EVP_KDF_fetch(nullptr, "KBKDF", nullptr));
  internal::EvpKdfCtxPtr ctx(kdf ? EVP_KDF_CTX_new(kdf.get()) : nullptr);
  if (!ctx) return ossl_error("crypto_internal", "cannot fetch KBKDF");
  char mode[] = "COUNTER";
  char mac_name[] = "CMAC";
  std::string cipher(info.name);
  // OpenSSL's KBKDF calls the SP 800-108 Label "salt" and the Context "info"; the 0x00
  // separator and [L]_32 are on by default, the counter is 32 bits.
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_MODE, mode, 0),
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_MAC, mac_name, 0),
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_CIPHER, cipher.data(), 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, mutable_ptr(key), key.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, mutable_ptr(label), label.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, mutable_ptr(context), context.size()),
      OSSL_PARAM_construct_end()};
  Bytes out(length);
  if (EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1) {
    return ossl_error("kdf_failed", "counter-mode CMAC KDF failed");
  }
  return out;
}

std::string_view suite_cmac_cipher(Suite suite) {
  return suite == Suite::kSm2Sm3 ? "SM4-CBC" : "AES-256-CBC";
}

std::size_t suite_cmac_key_size(Suite suite) {
  return suite == Suite::kSm2Sm3 ? 16 : 32;
}

Result<Bytes> suite_cmac(Suite suite, ByteView key, ByteView data) {
  return cmac(suite_cmac_cipher(suite), key, data);
}

Result<Bytes> suite_hmac(Suite suite, ByteView key, ByteView data) {
  // An empty key is legal HMAC but never what a caller of this means: refuse it.
  if (key.empty()) return make_error("invalid_key_length", "HMAC key must not be empty");
  return hmac(suite == Suite::kSm2Sm3 ? "SM3" : "SHA2-256", key, data);
}

Result<Bytes> suite_hkdf(Suite suite, ByteView ikm, ByteView salt, ByteView info,
                         std::size_t length) {
  return hkdf(suite == Suite::kSm2Sm3 ? "SM3" : "SHA2-256", ikm, salt, info, length);
}

Result<Bytes> suite_kdf_counter_cmac(Suite suite, ByteView key, ByteView label, ByteView context,
                                     std::size_t length) {
  return kdf_counter_cmac(suite_cmac_cipher(suite), key, label, context, length);
}

}  // namespace rl::crypto
