#pragma once
// The payload cipher of sealed reports (docs/sealed.md): the suite's authenticated cipher under a
// 32-byte key, for payloads up to 16 MiB. The same construction as seal_value
// (crypto/storage_cipher.hpp): AES-256-GCM in P-256 networks, SM4-CTR then HMAC-SM3 in SM2
// networks; the output carries its own random IV.

#include <cstddef>

#include "common/bytes.hpp"
#include "crypto/suite.hpp"

namespace rl::crypto {

inline constexpr std::size_t kMaxDocumentBytes = 16 * 1024 * 1024;

// Codes: invalid_key_length, invalid_argument (over the limit), cipher_failed.
Result<Bytes> seal_document(Suite suite, ByteView key, ByteView aad, ByteView plaintext);
// Codes: aead_auth_failed (wrong key or aad, any byte changed), bad_sealed_value (malformed).
Result<Bytes> open_document(Suite suite, ByteView key, ByteView aad, ByteView sealed);

}  // namespace rl::crypto
