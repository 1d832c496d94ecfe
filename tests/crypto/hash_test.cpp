#include "crypto/hash.hpp"

#include <gtest/gtest.h>

#include <string>

#include "crypto/suite.hpp"
#include "test_util.hpp"

namespace rl::crypto {
namespace {

using testing::hex;

TEST(SuiteTest, ParsesAndNamesSuites) {
  EXPECT_EQ(parse_suite("p256-sha256").value(), Suite::kP256Sha256);
  EXPECT_EQ(parse_suite("sm2-sm3").value(), Suite::kSm2Sm3);
  auto bad = parse_suite("rsa");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "unknown_suite");
  EXPECT_EQ(suite_name(Suite::kP256Sha256), "p256-sha256");
  EXPECT_EQ(suite_name(Suite::kSm2Sm3), "sm2-sm3");
  EXPECT_EQ(hash_size(Suite::kP256Sha256), 32u);
  EXPECT_EQ(hash_size(Suite::kSm2Sm3), 32u);
}

TEST(HashTest, Sha256NistAbc) {
  EXPECT_EQ(sha256(as_bytes("abc")),
            hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
  EXPECT_EQ(sha256({}), hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
}

TEST(HashTest, Sm3GbT32905Examples) {
  EXPECT_EQ(sm3(as_bytes("abc")),
            hex("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"));
  std::string abcd16;
  for (int i = 0; i < 16; ++i) abcd16 += "abcd";
  EXPECT_EQ(sm3(as_bytes(abcd16)),
            hex("debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"));
}

TEST(HashTest, SuiteHashDispatches) {
  EXPECT_EQ(hash(Suite::kP256Sha256, as_bytes("abc")), sha256(as_bytes("abc")));
  EXPECT_EQ(hash(Suite::kSm2Sm3, as_bytes("abc")), sm3(as_bytes("abc")));
}

TEST(HashTest, HasherMatchesOneShotForEverySplit) {
  using namespace std::string_literals;
  const std::string msg = "domain-tag\x00 body bytes of some length"s;
  ASSERT_EQ(msg.size(), 37u);
  for (Suite suite : {Suite::kP256Sha256, Suite::kSm2Sm3}) {
    const Bytes expected = hash(suite, as_bytes(msg));
    for (std::size_t split = 0; split <= msg.size(); ++split) {
      Hasher h(suite);
      h.update(as_bytes(std::string_view(msg).substr(0, split)))
          .update(as_bytes(std::string_view(msg).substr(split)));
      EXPECT_EQ(h.finish(), expected) << "split " << split;
    }
  }
}

TEST(HashTest, HasherMoveAndMisuse) {
  Hasher a(Suite::kSm2Sm3);
  a.update(as_bytes("ab"));
  Hasher b(std::move(a));
  b.update(as_bytes("c"));
  EXPECT_EQ(b.finish(), sm3(as_bytes("abc")));
  // Finishing twice is a programmer error, reported by exception rather than a wrong digest.
  EXPECT_THROW(b.finish(), std::logic_error);
}

}  // namespace
}  // namespace rl::crypto
