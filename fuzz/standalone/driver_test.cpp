// The standalone fuzz driver's dictionary parser and mutator (the bite tests in CMakeLists.txt
// cover the driver as a whole).
#include <gtest/gtest.h>

#include <set>

#include "fuzz/standalone/dictionary.hpp"
#include "fuzz/standalone/mutator.hpp"

namespace rl::fuzz_smoke {
namespace {

Input bytes(std::string_view s) {
  return Input(s.begin(), s.end());
}

TEST(FuzzSmokeDictionary, ParsesTheLibFuzzerFormat) {
  const auto d = parse_dictionary(
      "# comment\n\n\"{\"\nkw_and=\" and \"\n  \"\\\"\\\\\"  \r\n\"\\x0d\\x0A\"\n\"\"\n");
  ASSERT_EQ(d.error, "");
  ASSERT_EQ(d.tokens.size(), 5u);
  EXPECT_EQ(d.tokens[0], bytes("{"));
  EXPECT_EQ(d.tokens[1], bytes(" and "));
  EXPECT_EQ(d.tokens[2], bytes("\"\\"));
  EXPECT_EQ(d.tokens[3], bytes("\r\n"));
  EXPECT_EQ(d.tokens[4], bytes(""));
}

TEST(FuzzSmokeDictionary, RefusesAMalformedLineByNumber) {
  EXPECT_EQ(parse_dictionary("\"ok\"\nnot quoted\n").error, "line 2: not a \"token\": not quoted");
  EXPECT_NE(parse_dictionary("\"\\x4\"\n").error, "");  // short escape
  EXPECT_NE(parse_dictionary("\"\\q\"\n").error, "");   // unknown escape
  EXPECT_NE(parse_dictionary("\"open\n").error, "");
}

TEST(FuzzSmokeMutator, TheSameSeedGivesTheSameMutants) {
  Mutator a(42, {bytes("TOKEN")}, 256);
  Mutator b(42, {bytes("TOKEN")}, 256);
  Mutator c(43, {bytes("TOKEN")}, 256);
  const Input base = bytes("hello, fuzzer");
  const Input other = bytes("0123456789");
  bool differs = false;
  for (int i = 0; i < 1000; ++i) {
    const Input ma = a.mutate(base, other);
    EXPECT_EQ(ma, b.mutate(base, other));
    differs |= ma != c.mutate(base, other);
  }
  EXPECT_TRUE(differs);
}

TEST(FuzzSmokeMutator, MutantsVaryStayBoundedAndUseTheDictionary) {
  Mutator m(7, {bytes("TOKEN")}, 32);
  const Input base = bytes("0123456789abcdef0123456789abcdef");  // at the limit already
  std::set<Input> seen;
  bool token = false;
  for (int i = 0; i < 2000; ++i) {
    const Input out = m.mutate(base, bytes("xyz"));
    EXPECT_LE(out.size(), 32u);
    token |=
        std::string_view(reinterpret_cast<const char*>(out.data()), out.size()).find("TOKEN") !=
        std::string_view::npos;
    seen.insert(out);
  }
  EXPECT_TRUE(token);
  EXPECT_GT(seen.size(), 1500u);  // blind, but not stuck
}

// Targets without seeds start from the empty input alone.
TEST(FuzzSmokeMutator, GrowsAnEmptyInput) {
  Mutator m(1, {}, 64);
  std::set<Input> seen;
  int empty = 0;
  for (int i = 0; i < 1000; ++i) {
    const Input out = m.mutate({}, {});
    empty += out.empty() ? 1 : 0;
    seen.insert(out);
  }
  EXPECT_LT(empty, 100);  // only an insert followed by an erase gives nothing back
  EXPECT_GT(seen.size(), 500u);
}

}  // namespace
}  // namespace rl::fuzz_smoke
