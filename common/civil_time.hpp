#pragma once
// Calendar dates and UTC instants without the C library's time zone state: pure arithmetic on
// the proleptic Gregorian calendar (H. Hinnant's algorithms), so that ledger rules that depend on
// dates give the same answer on every machine.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rl {

struct CivilDate {
  int year = 1970;
  int month = 1;  // 1-12
  int day = 1;    // 1-31
};

bool is_leap_year(int year);
int days_in_month(int year, int month);
// Days since 1970-01-01 (negative before it).
std::int64_t days_from_civil(CivilDate d);
CivilDate civil_from_days(std::int64_t days);
// Exactly `n` ASCII digits of `s` at `pos` as a number, or -1.
int fixed_digits(std::string_view s, std::size_t pos, std::size_t n);
// "YYYY-MM-DD" naming a real date (year 0001-9999).
std::optional<CivilDate> parse_iso_date(std::string_view text);
// "2026-12-05T10:45:58.123Z" for a unix-millisecond instant.
std::string format_utc_ms(std::int64_t unix_ms);
// "2026-12-31" (midnight UTC), "2026-12-31T18:00:00Z", "2026-12-31T18:00:00+08:00" (seconds
// and fractions optional) or unix milliseconds; nullopt for anything else.
std::optional<std::int64_t> parse_utc_ms(std::string_view text);

}  // namespace rl
