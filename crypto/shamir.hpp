#pragma once
// Shamir's secret sharing over GF(2^8) (the AES field, polynomial x^8 + x^4 + x^3 + x + 1), one
// polynomial per secret byte: the data keys of sealed reports are split t of n among key
// services (docs/sealed.md). Any t shares recover the secret; t - 1 shares are consistent with
// every secret, so they reveal nothing about it.

#include <cstdint>
#include <vector>

#include "common/bytes.hpp"

namespace rl::crypto::shamir {

struct Share {
  std::uint8_t x = 0;  // 1-255
  Bytes y;             // one byte per secret byte
};

inline constexpr std::size_t kMaxSecretBytes = 64;

// n shares with x = 1..n. 1 <= t <= n <= 255, 1..64 secret bytes; the random coefficients come
// from crypto::random_bytes and are wiped after use. Code: invalid_argument.
Result<std::vector<Share>> split(ByteView secret, std::size_t t, std::size_t n);

// Lagrange interpolation at x = 0. Shares need distinct non-zero x and equal, non-empty y of at
// most 64 bytes; 1-255 of them. Code: invalid_argument. With fewer than t shares the result is
// some other byte string, not an error: callers compare it with a key check.
Result<Bytes> combine(const std::vector<Share>& shares);

// GF(2^8) multiplication, constant time (exposed for its known-answer tests).
std::uint8_t gf_mul(std::uint8_t a, std::uint8_t b);

}  // namespace rl::crypto::shamir
