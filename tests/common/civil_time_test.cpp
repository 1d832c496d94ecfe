// Calendar arithmetic without the C library: round trips over four centuries, leap years, and the
// time formats the CLI accepts (anything else is refused, never guessed).

#include "common/civil_time.hpp"

#include <gtest/gtest.h>

namespace rl {
namespace {

TEST(CivilTime, DaysRoundTripAndKnownDates) {
  EXPECT_EQ(days_from_civil({1970, 1, 1}), 0);
  EXPECT_EQ(days_from_civil({2000, 3, 1}), 11017);
  EXPECT_EQ(days_from_civil({1969, 12, 31}), -1);
  for (std::int64_t d = -1000; d < 150000; d += 7) {
    const auto c = civil_from_days(d);
    ASSERT_EQ(days_from_civil(c), d);
    ASSERT_GE(c.day, 1);
    ASSERT_LE(c.day, days_in_month(c.year, c.month));
  }
  EXPECT_TRUE(is_leap_year(2000));
  EXPECT_FALSE(is_leap_year(2100));
  EXPECT_TRUE(is_leap_year(2028));
  EXPECT_EQ(days_in_month(2028, 2), 29);
  EXPECT_EQ(days_in_month(2027, 2), 28);
}

TEST(CivilTime, FormatsAndParses) {
  EXPECT_EQ(format_utc_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_utc_ms(-1), "1969-12-31T23:59:59.999Z");
  const std::int64_t t = days_from_civil({2026, 12, 5}) * 86'400'000 + 37'558'123;
  EXPECT_EQ(format_utc_ms(t), "2026-12-05T10:25:58.123Z");
  EXPECT_EQ(parse_utc_ms(format_utc_ms(t)), t);
  EXPECT_EQ(parse_utc_ms("2026-12-05"), days_from_civil({2026, 12, 5}) * 86'400'000);
  EXPECT_EQ(parse_utc_ms("2026-12-05T18:00+08:00"),
            days_from_civil({2026, 12, 5}) * 86'400'000 + 10 * 3'600'000);
  EXPECT_EQ(parse_utc_ms("2026-12-05T00:00:00-05:00"),
            days_from_civil({2026, 12, 5}) * 86'400'000 + 5 * 3'600'000);
  EXPECT_EQ(parse_utc_ms("1764930000000"), 1764930000000);
  for (const char* bad : {"", "2026-13-01", "2026-02-29", "2026-12-05T24:00Z", "2026-12-05T10:00",
                          "2026-12-05 10:00Z", "yesterday", "-5", "12345678901234",
                          "2026-12-05T10:00:00.12Z", "2026-12-05T10:00+15:00"}) {
    EXPECT_FALSE(parse_utc_ms(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace rl
