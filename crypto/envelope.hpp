#pragma once
// Public-key encryption of small secrets to a P-256 or SM2 key (ECIES): the shares of sealed
// reports' data keys, sealed to key services and re-sealed to readers (docs/sealed.md). An
// ephemeral key on the recipient's curve, ECDH, HKDF with the suite's hash (SHA-256 or SM3) over
// the shared secret with both public keys in its info, then the suite's authenticated cipher
// (seal_value: AES-256-GCM, or SM4-CTR + HMAC-SM3) bound to the caller's aad.
//
// Output: u16 big-endian length || ephemeral SPKI DER || sealed value.

#include <cstddef>

#include "common/bytes.hpp"
#include "crypto/keys.hpp"

namespace rl::crypto {

inline constexpr std::size_t kMaxEnvelopePlaintext = 4096;

// Codes: invalid_argument (plaintext or aad over 4 KiB), cipher_failed.
Result<Bytes> encrypt_to(const PublicKey& recipient, ByteView aad, ByteView plaintext);
// Codes: bad_envelope (malformed, or its ephemeral key is not on the recipient's curve),
// aead_auth_failed (another key or aad, any byte changed).
Result<Bytes> decrypt_with(const PrivateKey& own, ByteView aad, ByteView envelope);

}  // namespace rl::crypto
