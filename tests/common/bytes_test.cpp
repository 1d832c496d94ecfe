#include "common/bytes.hpp"

#include <gtest/gtest.h>

namespace rl {
namespace {

TEST(Hex, RoundTrip) {
  Bytes b{0x00, 0x01, 0xab, 0xff};
  EXPECT_EQ(to_hex(b), "0001abff");
  auto back = from_hex("0001ABff");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, b);
}

TEST(Hex, RejectsBadInput) {
  EXPECT_EQ(from_hex("abc").error().code, "bad_hex");
  EXPECT_EQ(from_hex("zz").error().code, "bad_hex");
}

TEST(Base64, Rfc4648Vectors) {
  const std::pair<const char*, const char*> cases[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (auto [plain, enc] : cases) {
    EXPECT_EQ(to_base64(as_bytes(plain)), enc);
    auto dec = from_base64(enc);
    ASSERT_TRUE(dec.ok()) << enc;
    EXPECT_EQ(to_string(*dec), plain);
  }
}

TEST(Base64, RejectsMalformed) {
  for (const char* bad : {"Zg=", "Z===", "Zm9v!A==", "Zg==Zg==", "=Zg="}) {
    auto r = from_base64(bad);
    EXPECT_FALSE(r.ok()) << bad;
  }
}

TEST(BigEndian, OrderPreserving) {
  Bytes a, b;
  append_u64_be(a, 255);
  append_u64_be(b, 256);
  EXPECT_LT(a, b);
  EXPECT_EQ(read_u64_be(a), 255u);
}

}  // namespace
}  // namespace rl
