// Large consensus messages in parts: any order and duplicates reassemble to the exact bytes;
// spliced, inconsistent, oversized or tampered parts are refused; memory stays bounded.
#include "node/validator/message_parts.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace rl::node {
namespace {

constexpr auto kSuite = crypto::Suite::kP256Sha256;

Bytes message(std::size_t n, std::uint8_t seed) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 31 + seed);
  b[0] = 0x01;  // a codec message starts with its version
  return b;
}

TEST(MessageParts, SmallMessagesGoWhole) {
  Bytes m = message(1000, 1);
  auto parts = split_message(kSuite, m, 1000);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0], m);
  EXPECT_FALSE(is_part(parts[0]));
}

TEST(MessageParts, AnyOrderWithDuplicatesReassemblesExactly) {
  Bytes m = message(10'000, 2);
  auto parts = split_message(kSuite, m, 1024);
  ASSERT_EQ(parts.size(), 10u);
  std::mt19937 rng(5);
  std::shuffle(parts.begin(), parts.end(), rng);
  parts.push_back(parts[3]);  // a retransmitted part
  PartAssembler a(kSuite, 1 << 20);
  std::optional<Bytes> whole;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    ASSERT_TRUE(is_part(parts[i]));
    auto r = a.add(parts[i]);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    if (*r) {
      EXPECT_FALSE(whole.has_value()) << "delivered twice";
      whole = **r;
    }
  }
  ASSERT_TRUE(whole.has_value());
  EXPECT_EQ(*whole, m);
  EXPECT_EQ(a.pending(), 0u);
}

TEST(MessageParts, SplicedOrTamperedPartsAreRefused) {
  Bytes m1 = message(5000, 3);
  auto p1 = split_message(kSuite, m1, 1000);
  // Tampered data in one part: everything arrives, but the digest check refuses the result.
  {
    PartAssembler a(kSuite, 1 << 20);
    auto bad = p1;
    bad[2].back() ^= 0x01;
    Result<std::optional<Bytes>> last = std::optional<Bytes>();
    for (const auto& p : bad) last = a.add(p);
    ASSERT_FALSE(last.ok());
    EXPECT_EQ(last.error().code, "bad_part");
  }
  // A part claiming another layout for the same digest.
  {
    PartAssembler a(kSuite, 1 << 20);
    ASSERT_TRUE(a.add(p1[0]).ok());
    Bytes other = p1[1];
    other[2 + 32 + 3] ^= 0x01;  // total_len
    EXPECT_FALSE(a.add(other).ok());
  }
  // Malformed headers.
  PartAssembler a(kSuite, 1 << 20);
  EXPECT_FALSE(a.add(Bytes{kPartMagic}).ok());
  Bytes short_part(p1[0].begin(), p1[0].begin() + 20);
  EXPECT_FALSE(a.add(short_part).ok());
  Bytes wrong_len = p1[0];
  wrong_len.pop_back();
  EXPECT_FALSE(a.add(wrong_len).ok());
  Bytes zero_digest = p1[0];
  zero_digest[1] = 0;
  EXPECT_FALSE(a.add(zero_digest).ok());
}

TEST(MessageParts, SizeAndPendingAreBounded) {
  Bytes big = message(10'000, 4);
  auto parts = split_message(kSuite, big, 1000);
  PartAssembler small_limit(kSuite, 5000);
  EXPECT_FALSE(small_limit.add(parts[0]).ok()) << "accepted a message above the limit";

  PartAssembler a(kSuite, 1 << 20, /*max_pending=*/2);
  for (std::uint8_t s = 10; s < 15; ++s) {
    auto p = split_message(kSuite, message(3000, s), 1000);
    ASSERT_TRUE(a.add(p[0]).ok());
    EXPECT_LE(a.pending(), 2u);
  }
}

}  // namespace
}  // namespace rl::node
