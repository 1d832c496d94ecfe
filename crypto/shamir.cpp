#include "crypto/shamir.hpp"

#include <set>

#include "crypto/symmetric.hpp"

namespace rl::crypto::shamir {
namespace {

// a^254 = a^-1 in GF(2^8) (and 0 for 0), by square-and-multiply with a fixed sequence.
std::uint8_t gf_inv(std::uint8_t a) {
  std::uint8_t result = 1;
  std::uint8_t base = a;
  for (int bit = 0; bit < 8; ++bit) {
    // 254 = 0b11111110: every bit but the lowest.
    if (bit != 0) result = gf_mul(result, base);
    base = gf_mul(base, base);
  }
  return result;
}

}  // namespace

std::uint8_t gf_mul(std::uint8_t a, std::uint8_t b) {
  // Shift-and-add with masks instead of branches or tables: no secret-dependent memory access or
  // branch (the operands are key bytes).
  std::uint8_t p = 0;
  for (int i = 0; i < 8; ++i) {
    p ^= static_cast<std::uint8_t>(-(b & 1) & a);
    const auto carry = static_cast<std::uint8_t>(-(a >> 7));
    a = static_cast<std::uint8_t>((a << 1) ^ (carry & 0x1b));
    b >>= 1;
  }
  return p;
}

Result<std::vector<Share>> split(ByteView secret, std::size_t t, std::size_t n) {
  if (secret.empty() || secret.size() > kMaxSecretBytes) {
    return make_error("invalid_argument", "a secret is 1-64 bytes");
  }
  if (t < 1 || t > n || n > 255) return make_error("invalid_argument", "need 1 <= t <= n <= 255");
  std::vector<Share> shares(n);
  for (std::size_t i = 0; i < n; ++i) {
    shares[i].x = static_cast<std::uint8_t>(i + 1);
    shares[i].y.resize(secret.size());
  }
  // coefficients[j * (t - 1) + k]: coefficient of x^(k+1) for byte j.
  Bytes coefficients = random_bytes(secret.size() * (t - 1));
  for (std::size_t j = 0; j < secret.size(); ++j) {
    for (auto& s : shares) {
      // Horner: ((c_{t-1} x + c_{t-2}) x + ... + c_1) x + secret_j.
      std::uint8_t acc = 0;
      for (std::size_t k = t - 1; k > 0; --k) {
        acc = gf_mul(static_cast<std::uint8_t>(acc ^ coefficients[j * (t - 1) + (k - 1)]), s.x);
      }
      s.y[j] = static_cast<std::uint8_t>(acc ^ secret[j]);
    }
  }
  cleanse(coefficients);
  return shares;
}

Result<Bytes> combine(const std::vector<Share>& shares) {
  if (shares.empty() || shares.size() > 255) {
    return make_error("invalid_argument", "combine needs 1-255 shares");
  }
  const std::size_t len = shares.front().y.size();
  if (len == 0 || len > kMaxSecretBytes) {
    return make_error("invalid_argument", "shares are 1-64 bytes");
  }
  std::set<std::uint8_t> xs;
  for (const auto& s : shares) {
    if (s.x == 0 || !xs.insert(s.x).second) {
      return make_error("invalid_argument", "share x values must be distinct and non-zero");
    }
    if (s.y.size() != len) return make_error("invalid_argument", "shares differ in length");
  }
  Bytes secret(len, 0);
  for (std::size_t i = 0; i < shares.size(); ++i) {
    // Lagrange basis at 0: prod_{m != i} x_m / (x_m - x_i); subtraction is xor.
    std::uint8_t num = 1;
    std::uint8_t den = 1;
    for (std::size_t m = 0; m < shares.size(); ++m) {
      if (m == i) continue;
      num = gf_mul(num, shares[m].x);
      den = gf_mul(den, static_cast<std::uint8_t>(shares[m].x ^ shares[i].x));
    }
    const std::uint8_t basis = gf_mul(num, gf_inv(den));
    for (std::size_t j = 0; j < len; ++j) {
      secret[j] = static_cast<std::uint8_t>(secret[j] ^ gf_mul(shares[i].y[j], basis));
    }
  }
  return secret;
}

}  // namespace rl::crypto::shamir
