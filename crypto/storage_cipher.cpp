#include "crypto/storage_cipher.hpp"

#include "crypto/document_cipher.hpp"

#include <openssl/crypto.h>

#include <array>
#include <climits>

#include "crypto/internal_ossl.hpp"
#include "crypto/offline_kdf.hpp"
#include "crypto/symmetric.hpp"

namespace rl::crypto {
namespace {

using internal::ossl_error;

constexpr std::size_t kMaxSealedPlaintext = 64 * 1024;
constexpr std::uint8_t kSealedGcm = 1;
constexpr std::uint8_t kSealedSm4CtrHmacSm3 = 2;
constexpr std::size_t kGcmIvSize = 12;
constexpr std::size_t kGcmTagSize = 16;
constexpr std::size_t kSm3MacSize = 32;

// Fetched once: an implicit fetch on every EVP_CipherInit would search the provider tables on
// each RocksDB block read. EVP_CIPHER objects are immutable and safe to share across threads.
const EVP_CIPHER* ctr_cipher(StorageCipher c) {
  static const internal::EvpCipherPtr aes(EVP_CIPHER_fetch(nullptr, "AES-256-CTR", nullptr));
  static const internal::EvpCipherPtr sm4(EVP_CIPHER_fetch(nullptr, "SM4-CTR", nullptr));
  return c == StorageCipher::kSm4Ctr ? sm4.get() : aes.get();
}

// counter = iv + blocks, as 128-bit big-endian numbers (wrapping, like OpenSSL's CTR mode).
std::array<std::uint8_t, kCtrIvSize> counter_at(ByteView iv, std::uint64_t blocks) {
  std::array<std::uint8_t, kCtrIvSize> ctr{};
  std::copy(iv.begin(), iv.end(), ctr.begin());
  unsigned carry = 0;
  for (int i = static_cast<int>(kCtrIvSize) - 1; i >= 0; --i) {
    const unsigned add = static_cast<unsigned>(blocks & 0xff) + carry;
    blocks >>= 8;
    const unsigned sum = ctr[static_cast<std::size_t>(i)] + add;
    ctr[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(sum);
    carry = sum >> 8;
  }
  return ctr;
}

// The SM2 networks' authenticated cipher: encryption and MAC subkeys from one 32-byte key.
struct Sm4Subkeys {
  Bytes enc;
  Bytes mac;
};
Result<Sm4Subkeys> sm4_subkeys(ByteView key) {
  RL_ASSIGN_OR_RETURN(
      Bytes okm, hkdf_sm3(key, {}, as_bytes("regledger sealed value sm4+hmac"), 16 + kSm3MacSize));
  Sm4Subkeys k{Bytes(okm.begin(), okm.begin() + 16), Bytes(okm.begin() + 16, okm.end())};
  OPENSSL_cleanse(okm.data(), okm.size());
  return k;
}

// HMAC-SM3 over len(aad) || aad || iv || ciphertext: the length keeps aad and iv apart.
Result<Bytes> sm4_mac(ByteView mac_key, ByteView aad, ByteView iv, ByteView ciphertext) {
  Bytes msg;
  append_u64_be(msg, aad.size());
  msg.insert(msg.end(), aad.begin(), aad.end());
  msg.insert(msg.end(), iv.begin(), iv.end());
  msg.insert(msg.end(), ciphertext.begin(), ciphertext.end());
  return hmac("SM3", mac_key, msg);
}

}  // namespace

StorageCipher storage_cipher_for(Suite suite) {
  return suite == Suite::kSm2Sm3 ? StorageCipher::kSm4Ctr : StorageCipher::kAes256Ctr;
}

std::string_view storage_cipher_name(StorageCipher c) {
  return c == StorageCipher::kSm4Ctr ? "sm4-ctr" : "aes-256-ctr";
}

std::size_t storage_key_size(StorageCipher c) {
  return c == StorageCipher::kSm4Ctr ? 16 : 32;
}

Status ctr_xor(StorageCipher c, ByteView key, ByteView iv, std::uint64_t offset, std::uint8_t* data,
               std::size_t n) {
  if (key.size() != storage_key_size(c)) {
    return make_error("invalid_key_length", std::string(storage_cipher_name(c)) + " needs a " +
                                                std::to_string(storage_key_size(c)) + "-byte key");
  }
  if (iv.size() != kCtrIvSize) return make_error("invalid_iv_length", "CTR IV must be 16 bytes");
  if (n == 0) return {};
  const EVP_CIPHER* cipher = ctr_cipher(c);
  if (cipher == nullptr) return ossl_error("crypto_internal", "CTR cipher not available");
  // One context per thread, re-keyed per call: RocksDB reads one file from several threads.
  thread_local internal::EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return ossl_error("crypto_internal", "cannot create cipher context");
  const auto counter = counter_at(iv, offset / 16);
  if (EVP_EncryptInit_ex2(ctx.get(), cipher, key.data(), counter.data(), nullptr) != 1) {
    return ossl_error("cipher_failed", "CTR initialisation failed");
  }
  int len = 0;
  // Discard the keystream before `offset` within its first block.
  if (const std::size_t skip = offset % 16; skip != 0) {
    std::array<std::uint8_t, 16> scratch{};
    if (EVP_EncryptUpdate(ctx.get(), scratch.data(), &len, scratch.data(),
                          static_cast<int>(skip)) != 1) {
      return ossl_error("cipher_failed", "CTR keystream skip failed");
    }
  }
  // CTR allows in == out. EVP takes int lengths: go in chunks.
  constexpr std::size_t kChunk = std::size_t{1} << 30;
  for (std::size_t done = 0; done < n;) {
    const std::size_t part = std::min(kChunk, n - done);
    if (EVP_EncryptUpdate(ctx.get(), data + done, &len, data + done, static_cast<int>(part)) != 1) {
      return ossl_error("cipher_failed", "CTR encryption failed");
    }
    done += part;
  }
  return {};
}

namespace {

// The one authenticated construction behind seal_value and seal_document; `max` bounds the
// plaintext and the aad.
Result<Bytes> seal_bounded(StorageCipher c, ByteView key, ByteView aad, ByteView plaintext,
                           std::size_t max, const char* what) {
  if (key.size() != kValueKeySize) {
    return make_error("invalid_key_length", std::string(what) + " use a 32-byte key");
  }
  if (plaintext.size() > max || aad.size() > max) {
    return make_error("invalid_argument",
                      std::string(what) + " are at most " + std::to_string(max / 1024) + " KiB");
  }
  if (c == StorageCipher::kAes256Ctr) {
    const Bytes iv = random_bytes(kGcmIvSize);
    RL_ASSIGN_OR_RETURN(Bytes ct, aes_gcm_seal(key, iv, aad, plaintext, kGcmTagSize));
    Bytes out{kSealedGcm};
    out.insert(out.end(), iv.begin(), iv.end());
    out.insert(out.end(), ct.begin(), ct.end());
    return out;
  }
  RL_ASSIGN_OR_RETURN(Sm4Subkeys k, sm4_subkeys(key));
  const Bytes iv = random_bytes(kCtrIvSize);
  Bytes ct(plaintext.begin(), plaintext.end());
  RL_TRY(ctr_xor(StorageCipher::kSm4Ctr, k.enc, iv, 0, ct.data(), ct.size()));
  RL_ASSIGN_OR_RETURN(Bytes tag, sm4_mac(k.mac, aad, iv, ct));
  Bytes out{kSealedSm4CtrHmacSm3};
  out.insert(out.end(), iv.begin(), iv.end());
  out.insert(out.end(), ct.begin(), ct.end());
  out.insert(out.end(), tag.begin(), tag.end());
  return out;
}

Result<Bytes> open_bounded(StorageCipher c, ByteView key, ByteView aad, ByteView sealed,
                           std::size_t max, const char* what) {
  if (key.size() != kValueKeySize) {
    return make_error("invalid_key_length", std::string(what) + " use a 32-byte key");
  }
  if (sealed.size() > max + 64) {
    return make_error("bad_sealed_value", std::string(what) + ": input too large");
  }
  if (c == StorageCipher::kAes256Ctr) {
    if (sealed.size() < 1 + kGcmIvSize + kGcmTagSize || sealed[0] != kSealedGcm) {
      return make_error("bad_sealed_value", "not an AES-256-GCM sealed value");
    }
    return aes_gcm_open(key, sealed.subspan(1, kGcmIvSize), aad, sealed.subspan(1 + kGcmIvSize),
                        kGcmTagSize);
  }
  if (sealed.size() < 1 + kCtrIvSize + kSm3MacSize || sealed[0] != kSealedSm4CtrHmacSm3) {
    return make_error("bad_sealed_value", "not an SM4-CTR+HMAC-SM3 sealed value");
  }
  const ByteView iv = sealed.subspan(1, kCtrIvSize);
  const ByteView ct = sealed.subspan(1 + kCtrIvSize, sealed.size() - 1 - kCtrIvSize - kSm3MacSize);
  const ByteView tag = sealed.last(kSm3MacSize);
  RL_ASSIGN_OR_RETURN(Sm4Subkeys k, sm4_subkeys(key));
  RL_ASSIGN_OR_RETURN(Bytes expect, sm4_mac(k.mac, aad, iv, ct));
  if (!equal_ct(expect, tag)) {
    return make_error("aead_auth_failed", "SM4-CTR+HMAC-SM3 tag does not verify");
  }
  Bytes out(ct.begin(), ct.end());
  RL_TRY(ctr_xor(StorageCipher::kSm4Ctr, k.enc, iv, 0, out.data(), out.size()));
  return out;
}

}  // namespace

Result<Bytes> seal_value(StorageCipher c, ByteView key, ByteView aad, ByteView plaintext) {
  return seal_bounded(c, key, aad, plaintext, kMaxSealedPlaintext, "sealed values");
}

Result<Bytes> open_value(StorageCipher c, ByteView key, ByteView aad, ByteView sealed) {
  return open_bounded(c, key, aad, sealed, kMaxSealedPlaintext, "sealed values");
}

Result<Bytes> seal_document(Suite suite, ByteView key, ByteView aad, ByteView plaintext) {
  return seal_bounded(storage_cipher_for(suite), key, aad, plaintext, kMaxDocumentBytes,
                      "sealed documents");
}

Result<Bytes> open_document(Suite suite, ByteView key, ByteView aad, ByteView sealed) {
  return open_bounded(storage_cipher_for(suite), key, aad, sealed, kMaxDocumentBytes,
                      "sealed documents");
}

}  // namespace rl::crypto
