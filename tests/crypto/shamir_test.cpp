// Shamir's scheme over GF(2^8) (crypto/shamir.hpp): any t shares recover the secret, t - 1 are
// consistent with every secret, and malformed shares are refused.
#include "crypto/shamir.hpp"

#include <gtest/gtest.h>

#include <set>

#include "crypto/symmetric.hpp"

namespace rl::crypto::shamir {
namespace {

// Every subset of `shares` of size k, as index lists.
void subsets(std::size_t n, std::size_t k, std::size_t from, std::vector<std::size_t>& cur,
             std::vector<std::vector<std::size_t>>& out) {
  if (cur.size() == k) {
    out.push_back(cur);
    return;
  }
  for (std::size_t i = from; i < n; ++i) {
    cur.push_back(i);
    subsets(n, k, i + 1, cur, out);
    cur.pop_back();
  }
}

std::vector<Share> pick(const std::vector<Share>& all, const std::vector<std::size_t>& idx) {
  std::vector<Share> out;
  for (auto i : idx) out.push_back(all[i]);
  return out;
}

// FIPS-197 section 4.2: {57} . {83} = {c1}, {57} . {13} = {fe}.
TEST(ShamirTest, FieldMultiplicationMatchesFips197) {
  EXPECT_EQ(gf_mul(0x57, 0x83), 0xc1);
  EXPECT_EQ(gf_mul(0x57, 0x13), 0xfe);
  EXPECT_EQ(gf_mul(0x00, 0xff), 0x00);
  EXPECT_EQ(gf_mul(0x01, 0xab), 0xab);
  // Every non-zero element has an inverse: a . b = 1 for exactly one b.
  for (int a = 1; a < 256; ++a) {
    int inverses = 0;
    for (int b = 1; b < 256; ++b) {
      inverses += gf_mul(static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b)) == 1;
    }
    EXPECT_EQ(inverses, 1) << a;
  }
}

TEST(ShamirTest, AnyThresholdSubsetRecoversTheSecret) {
  const Bytes secret = random_bytes(32);
  for (std::size_t n = 1; n <= 6; ++n) {
    for (std::size_t t = 1; t <= n; ++t) {
      auto shares = split(secret, t, n);
      ASSERT_TRUE(shares.ok());
      ASSERT_EQ(shares->size(), n);
      for (std::size_t k = t; k <= n; ++k) {
        std::vector<std::vector<std::size_t>> all;
        std::vector<std::size_t> cur;
        subsets(n, k, 0, cur, all);
        for (const auto& idx : all) {
          auto got = combine(pick(*shares, idx));
          ASSERT_TRUE(got.ok());
          EXPECT_EQ(*got, secret) << "t=" << t << " n=" << n << " k=" << k;
        }
      }
    }
  }
}

TEST(ShamirTest, FewerThanThresholdSharesDoNotRecoverTheSecret) {
  const Bytes secret = random_bytes(32);
  auto shares = split(secret, 3, 4).value();
  std::vector<std::vector<std::size_t>> pairs;
  std::vector<std::size_t> cur;
  subsets(4, 2, 0, cur, pairs);
  for (const auto& idx : pairs) EXPECT_NE(combine(pick(shares, idx)).value(), secret);
}

// t - 1 shares reveal nothing: with t = 2, one share (x, y) lies on a line through (0, s) for
// every possible secret byte s.
TEST(ShamirTest, OneShareOfTwoIsConsistentWithEverySecret) {
  auto shares = split(Bytes{0x42}, 2, 3).value();
  const Share& one = shares[0];
  std::set<int> secrets;
  for (int s = 0; s < 256; ++s) {
    // The line through (0, s) and (x, y) has slope (y - s) / x; its value at another x' gives a
    // second share which, with `one`, recovers s.
    Share other{static_cast<std::uint8_t>(one.x + 1), {0}};
    for (int y2 = 0; y2 < 256; ++y2) {
      other.y[0] = static_cast<std::uint8_t>(y2);
      if (combine({one, other}).value()[0] == s) {
        secrets.insert(s);
        break;
      }
    }
  }
  EXPECT_EQ(secrets.size(), 256u);
}

TEST(ShamirTest, SharesAreFreshEachTime) {
  const Bytes secret(16, 0x11);
  EXPECT_NE(split(secret, 2, 2).value()[0].y, split(secret, 2, 2).value()[0].y);
}

TEST(ShamirTest, BadParametersAreRefused) {
  const Bytes secret(32, 1);
  EXPECT_EQ(split(secret, 0, 3).error().code, "invalid_argument");
  EXPECT_EQ(split(secret, 4, 3).error().code, "invalid_argument");
  EXPECT_EQ(split(secret, 2, 256).error().code, "invalid_argument");
  EXPECT_EQ(split(Bytes{}, 1, 1).error().code, "invalid_argument");
  EXPECT_EQ(split(Bytes(65, 1), 1, 1).error().code, "invalid_argument");
  EXPECT_TRUE(split(Bytes(64, 1), 2, 255).ok());
}

TEST(ShamirTest, MalformedSharesAreRefused) {
  auto shares = split(Bytes(32, 7), 2, 3).value();
  EXPECT_EQ(combine({}).error().code, "invalid_argument");
  EXPECT_EQ(combine({shares[0], shares[0]}).error().code, "invalid_argument");  // same x
  auto zero = shares[1];
  zero.x = 0;
  EXPECT_EQ(combine({shares[0], zero}).error().code, "invalid_argument");
  auto shorter = shares[1];
  shorter.y.pop_back();
  EXPECT_EQ(combine({shares[0], shorter}).error().code, "invalid_argument");
  auto empty = shares[1];
  empty.y.clear();
  EXPECT_EQ(combine({empty}).error().code, "invalid_argument");
}

}  // namespace
}  // namespace rl::crypto::shamir
