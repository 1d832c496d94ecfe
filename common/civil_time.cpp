#include "common/civil_time.hpp"

#include <array>
#include <cstdio>

namespace rl {

bool is_leap_year(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m) {
  static constexpr std::array<int, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap_year(y) ? 29 : kDays[static_cast<std::size_t>(m - 1)];
}

std::int64_t days_from_civil(CivilDate d) {
  const std::int64_t y = d.month <= 2 ? d.year - 1 : d.year;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t mp = (d.month + 9) % 12;
  const std::int64_t doy = (153 * mp + 2) / 5 + d.day - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return {static_cast<int>(y), static_cast<int>(m), static_cast<int>(d)};
}

std::string format_utc_ms(std::int64_t unix_ms) {
  constexpr std::int64_t kDayMs = 86'400'000;
  std::int64_t days = unix_ms / kDayMs;
  std::int64_t rem = unix_ms % kDayMs;
  if (rem < 0) {
    rem += kDayMs;
    --days;
  }
  const CivilDate d = civil_from_days(days);
  std::array<char, 40> buf{};
  std::snprintf(buf.data(), buf.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", d.year, d.month,
                d.day, static_cast<int>(rem / 3'600'000), static_cast<int>(rem / 60'000 % 60),
                static_cast<int>(rem / 1000 % 60), static_cast<int>(rem % 1000));
  return buf.data();
}

int fixed_digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return -1;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

std::optional<CivilDate> parse_iso_date(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  const int y = fixed_digits(t, 0, 4), m = fixed_digits(t, 5, 2), d = fixed_digits(t, 8, 2);
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return std::nullopt;
  return CivilDate{y, m, d};
}

std::optional<std::int64_t> parse_utc_ms(std::string_view t) {
  if (!t.empty() && t.size() <= 13 && t.find_first_not_of("0123456789") == std::string_view::npos) {
    std::int64_t v = 0;
    for (char c : t) v = v * 10 + (c - '0');
    return v;
  }
  const auto date = parse_iso_date(t.substr(0, 10));
  if (!date || date->year < 1970) return std::nullopt;
  std::int64_t ms = days_from_civil(*date) * 86'400'000;
  if (t.size() == 10) return ms;
  if (t[10] != 'T' || t.size() < 17 || t[13] != ':') return std::nullopt;
  const int h = fixed_digits(t, 11, 2), mi = fixed_digits(t, 14, 2);
  if (h < 0 || h > 23 || mi < 0 || mi > 59) return std::nullopt;
  ms += (h * 60LL + mi) * 60'000;
  std::size_t pos = 16;
  if (pos < t.size() && t[pos] == ':') {
    const int sec = fixed_digits(t, pos + 1, 2);
    if (sec < 0 || sec > 59) return std::nullopt;
    ms += sec * 1000LL;
    pos += 3;
    if (pos < t.size() && t[pos] == '.') {
      const int frac = fixed_digits(t, pos + 1, 3);
      if (frac < 0) return std::nullopt;
      ms += frac;
      pos += 4;
    }
  }
  if (pos + 1 == t.size() && t[pos] == 'Z') return ms;
  if (pos + 6 == t.size() && (t[pos] == '+' || t[pos] == '-') && t[pos + 3] == ':') {
    const int oh = fixed_digits(t, pos + 1, 2), om = fixed_digits(t, pos + 4, 2);
    if (oh < 0 || oh > 14 || om < 0 || om > 59) return std::nullopt;
    const std::int64_t offset = (oh * 60LL + om) * 60'000;
    return t[pos] == '+' ? ms - offset : ms + offset;
  }
  return std::nullopt;
}

}  // namespace rl
