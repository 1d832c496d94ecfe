// The pieces under table checking: exact decimals, the pattern language, the RFC 4180 reader.

#include <gtest/gtest.h>

#include "ledger/csv_reader.hpp"
#include "ledger/decimal.hpp"
#include "ledger/text_pattern.hpp"

namespace rl::ledger {
namespace {

TEST(Decimal, ParsesExactlyAndRefusesEverythingElse) {
  auto d = parse_decimal("-1234.50").value();
  EXPECT_EQ(static_cast<long long>(d.units), -123450);
  EXPECT_EQ(d.scale, 2u);
  EXPECT_EQ(d.integer_digits, 4u);
  EXPECT_EQ(parse_decimal("0007.1")->integer_digits, 1u);
  EXPECT_EQ(parse_decimal("0.001")->integer_digits, 0u);
  EXPECT_TRUE(parse_decimal(std::string(38, '9')).has_value());
  EXPECT_FALSE(parse_decimal(std::string(39, '9')).has_value());
  for (const char* bad : {"", "-", "+1", "1.", ".5", "1e5", "1,5", " 1", "1 ", "0x10", "--1",
                          "1.2.3", "NaN", "Infinity"}) {
    EXPECT_FALSE(parse_decimal(bad).has_value()) << bad;
  }
  EXPECT_EQ(decimal_text(*parse_decimal("-0.05")), "-0.05");
  EXPECT_EQ(decimal_text(*parse_decimal("120")), "120");
}

TEST(Decimal, ComparesAndAddsAcrossScalesAndReportsOverflow) {
  EXPECT_EQ(compare_decimals(*parse_decimal("1.10"), *parse_decimal("1.1")), 0);
  EXPECT_EQ(compare_decimals(*parse_decimal("-2"), *parse_decimal("1.999")), -1);
  EXPECT_EQ(decimal_text(*add_decimals(*parse_decimal("0.1"), *parse_decimal("0.25"))), "0.35");
  const auto big = *parse_decimal(std::string(38, '9'));
  EXPECT_FALSE(add_decimals(big, *parse_decimal("1")).has_value());
  // Rescaling 38 integer digits to one decimal place does not fit: refused, not wrapped.
  EXPECT_FALSE(compare_decimals(big, *parse_decimal("0.1")).has_value());
}

TEST(TextPattern, MatchesWholeCellsWithClassesAndRepeats) {
  auto p = TextPattern::compile("[A-Z]{2}[0-9]{4,6}-?x*").value();
  EXPECT_TRUE(p.matches("AB1234"));
  EXPECT_TRUE(p.matches("AB123456-xxx"));
  EXPECT_FALSE(p.matches("AB123"));
  EXPECT_FALSE(p.matches("AB1234567"));
  EXPECT_FALSE(p.matches("ab1234"));
  EXPECT_FALSE(p.matches("AB1234 "));
  EXPECT_TRUE(TextPattern::compile("[^,]+").value().matches("a b"));
  EXPECT_FALSE(TextPattern::compile("[^,]+").value().matches("a,b"));
  EXPECT_TRUE(TextPattern::compile("\\.\\[x\\]").value().matches(".[x]"));
  EXPECT_TRUE(TextPattern::compile(".*").value().matches(""));
  // The adversarial case for backtracking matchers stays linear: a*a*a*...b on a long "aaaa".
  std::string evil;
  for (int i = 0; i < 30; ++i) evil += "a*";
  EXPECT_FALSE(TextPattern::compile(evil + "b").value().matches(std::string(5000, 'a')));
}

TEST(TextPattern, BadPatternsNameThePosition) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"[A-Z", "position 0: unclosed class"},
      {"ab{3", "position 2"},
      {"a{5,2}", "m <= n"},
      {"a{1001}", "n <= 1000"},
      {"[z-a]", "backwards"},
      {"ab\\", "escapes nothing"},
      {"*a", "needs a backslash"},
      {"", "1-256 bytes"},
      {std::string(257, 'a'), "1-256 bytes"},
      {std::string(65, 'a'), "more than 64 atoms"}};
  for (const auto& [pattern, want] : bad) {
    auto r = TextPattern::compile(pattern);
    ASSERT_FALSE(r.ok()) << pattern;
    EXPECT_EQ(r.error().code, "bad_pattern");
    EXPECT_NE(r.error().message.find(want), std::string::npos) << r.error().message;
  }
}

std::vector<std::vector<std::string>> read_csv(std::string_view text, std::size_t chunk,
                                               Status* status = nullptr) {
  std::vector<std::vector<std::string>> out;
  CsvReader r([&](std::uint64_t, std::uint64_t, std::span<const std::string> f) {
    out.emplace_back(f.begin(), f.end());
    return true;
  });
  Status st;
  for (std::size_t i = 0; i < text.size() && st.ok(); i += chunk)
    st = r.feed(text.substr(i, chunk));
  if (st.ok()) st = r.finish();
  if (status) *status = st;
  return out;
}

TEST(CsvReader, Rfc4180FieldsInAnyChunking) {
  const std::string text =
      "\xEF\xBB\xBFid,note,amount\r\n"
      "1,\"a, \"\"quoted\"\"\nnote\",10.5\r\n"
      "2,,\n"
      "3,plain,7";
  const std::vector<std::vector<std::string>> want = {{"id", "note", "amount"},
                                                      {"1", "a, \"quoted\"\nnote", "10.5"},
                                                      {"2", "", ""},
                                                      {"3", "plain", "7"}};
  for (std::size_t chunk : {1u, 2u, 7u, 1000u}) {
    Status st;
    EXPECT_EQ(read_csv(text, chunk, &st), want) << chunk;
    EXPECT_TRUE(st.ok()) << chunk;
  }
}

TEST(CsvReader, MalformedInputIsRefusedWithItsLine) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"a,b\n1,\"open", "line 2: unterminated quoted field"},
      {"a,b\n1,x\"y\n", "line 2: a quote inside an unquoted field"},
      {"a,b\n\"q\"x,1\n", "line 2: text after a closing quote"},
      {"a,b\n1,\xff\n", "line 2: invalid UTF-8"},
      {"a,b\n1,\xc0\x80\n", "invalid UTF-8"},
      {"a,b\n1,\xed\xa0\x80\n", "invalid UTF-8"},
      {std::string("a,b\n1,\0\n", 8), "NUL byte"},
      {"a\rb\n", "CRLF"},
      {"a\n" + std::string(64 * 1024 + 1, 'x') + "\n", "over 65536 bytes"},
      {std::string(1025, ',') + "\n", "more than 1024 fields"}};
  for (const auto& [text, want] : bad) {
    for (std::size_t chunk : {1u, 1000000u}) {
      Status st;
      read_csv(text, chunk, &st);
      ASSERT_FALSE(st.ok()) << want;
      EXPECT_EQ(st.error().code, "bad_csv");
      EXPECT_NE(st.error().message.find(want), std::string::npos) << st.error().message;
    }
  }
}

}  // namespace
}  // namespace rl::ledger
