#pragma once
// The ciphers of encryption at rest (docs/protection.md): a CTR keystream that can start at any
// byte offset, for RocksDB's encrypted file system (files are read and written at arbitrary
// offsets), and an authenticated cipher for small values such as wrapped keys.
// AES-256 in P-256 networks, SM4 in SM2 networks. OpenSSL 3.0 has no SM4-GCM, so the SM2
// networks' authenticated cipher is SM4-CTR then HMAC-SM3 over what was encrypted.

#include <cstdint>
#include <string_view>

#include "common/bytes.hpp"
#include "crypto/suite.hpp"

namespace rl::crypto {

// The byte values are stored in every encrypted file's header: never renumber.
enum class StorageCipher : std::uint8_t { kAes256Ctr = 1, kSm4Ctr = 2 };

inline constexpr std::size_t kCtrIvSize = 16;

StorageCipher storage_cipher_for(Suite suite);
std::string_view storage_cipher_name(StorageCipher c);  // "aes-256-ctr" | "sm4-ctr"
std::size_t storage_key_size(StorageCipher c);          // 32 (AES-256) or 16 (SM4)

// XORs the keystream of (key, iv) from byte `offset` of the stream into data[0, n): encryption
// and decryption are the same operation. The 16-byte counter block is iv + offset / 16 (a
// 128-bit big-endian sum), so any range can be processed independently of the others.
// Thread-safe. Codes: invalid_key_length, invalid_iv_length, cipher_failed.
Status ctr_xor(StorageCipher c, ByteView key, ByteView iv, std::uint64_t offset, std::uint8_t* data,
               std::size_t n);

// Authenticated encryption of a small value (at most 64 KiB) under a 32-byte key, bound to
// `aad`. AES-256-GCM, or SM4-CTR + HMAC-SM3 with subkeys derived from the key by HKDF-SM3.
// The output carries its own random IV. open_value fails with aead_auth_failed when the key,
// the aad or any byte differs, and with bad_sealed_value when the input is malformed.
inline constexpr std::size_t kValueKeySize = 32;
Result<Bytes> seal_value(StorageCipher c, ByteView key, ByteView aad, ByteView plaintext);
Result<Bytes> open_value(StorageCipher c, ByteView key, ByteView aad, ByteView sealed);

}  // namespace rl::crypto
