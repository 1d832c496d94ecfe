#pragma once
// MACs, key derivation, AEAD and randomness.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/bytes.hpp"

namespace rl::crypto {

Bytes hmac_sha256(ByteView key, ByteView data);
// HMAC with the named digest ("SHA2-256" or "SM3"; any key, even empty).
// Codes: invalid_argument (another digest), mac_failed.
Result<Bytes> hmac(std::string_view digest, ByteView key, ByteView data);
// scrypt (RFC 7914).
Result<Bytes> scrypt(ByteView password, ByteView salt, std::uint64_t n, std::uint32_t r,
                     std::uint32_t p, std::size_t length);

// AES-GCM with a 16/24/32-byte key, an IV of 1..128 bytes (12 recommended; OpenSSL 3.0's
// provider refuses longer IVs), tag of `tag_len` bytes (12..16).
// seal returns ciphertext || tag; open takes ciphertext || tag and fails with "aead_auth_failed"
// when the tag does not verify.
Result<Bytes> aes_gcm_seal(ByteView key, ByteView iv, ByteView aad, ByteView plaintext,
                           std::size_t tag_len = 16);
Result<Bytes> aes_gcm_open(ByteView key, ByteView iv, ByteView aad, ByteView ciphertext_and_tag,
                           std::size_t tag_len = 16);

// Cryptographically secure random bytes (OpenSSL RAND_bytes).
Bytes random_bytes(std::size_t n);

// Overwrites a secret with zeros in a way the compiler may not drop (OPENSSL_cleanse).
void cleanse(Bytes& secret);
void cleanse(std::string& secret);

// Constant-time comparison.
bool equal_ct(ByteView a, ByteView b);

}  // namespace rl::crypto
