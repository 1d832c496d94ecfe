#include "ledger/filing_calendar.hpp"

#include <algorithm>
#include <optional>
#include <string>

#include "common/civil_time.hpp"

namespace rl::ledger::filing {
namespace {

Error bad_period(std::string_view frequency, std::string_view period) {
  return make_error("bad_period", "period '" + std::string(period) + "' is not a " +
                                      std::string(frequency) + " period (" +
                                      std::string(period_format(frequency)) + ")");
}

// The first day after the period, or nullopt when `period` is not one of `frequency`.
std::optional<CivilDate> day_after(std::string_view frequency, std::string_view p) {
  const int year = fixed_digits(p, 0, 4);
  if (year < 1970) return std::nullopt;
  if (frequency == "annual") {
    if (p.size() != 4) return std::nullopt;
    return CivilDate{year + 1, 1, 1};
  }
  if (p.size() < 7 || p[4] != '-') return std::nullopt;
  if (frequency == "quarterly" || frequency == "semiannual") {
    const bool q = frequency == "quarterly";
    const int n = fixed_digits(p, 6, 1);
    if (p.size() != 7 || p[5] != (q ? 'Q' : 'H') || n < 1 || n > (q ? 4 : 2)) return std::nullopt;
    const int next_month = n * (q ? 3 : 6) + 1;
    return next_month > 12 ? CivilDate{year + 1, 1, 1} : CivilDate{year, next_month, 1};
  }
  const int month = fixed_digits(p, 5, 2);
  if (month < 1 || month > 12) return std::nullopt;
  if (frequency == "monthly") {
    if (p.size() != 7) return std::nullopt;
    return month == 12 ? CivilDate{year + 1, 1, 1} : CivilDate{year, month + 1, 1};
  }
  if (frequency == "daily") {
    const int day = p.size() == 10 && p[7] == '-' ? fixed_digits(p, 8, 2) : -1;
    if (day < 1 || day > days_in_month(year, month)) return std::nullopt;
    if (day < days_in_month(year, month)) return CivilDate{year, month, day + 1};
    return month == 12 ? CivilDate{year + 1, 1, 1} : CivilDate{year, month + 1, 1};
  }
  return std::nullopt;
}

}  // namespace

std::string_view period_format(std::string_view frequency) {
  if (frequency == "daily") return "YYYY-MM-DD";
  if (frequency == "monthly") return "YYYY-MM";
  if (frequency == "quarterly") return "YYYY-Qn, n 1-4";
  if (frequency == "semiannual") return "YYYY-Hn, n 1-2";
  if (frequency == "annual") return "YYYY";
  return "unknown frequency";
}

Status check_calendar(const pb::FilingCalendar& c) {
  const auto& f = c.frequency();
  if (f != "daily" && f != "monthly" && f != "quarterly" && f != "semiannual" && f != "annual") {
    return make_error("bad_field",
                      "calendar frequency must be daily, monthly, quarterly, semiannual or annual");
  }
  if (c.deadline_days() > kMaxCalendarDays || c.grace_days() > kMaxCalendarDays) {
    return make_error("bad_field", "calendar deadline_days and grace_days must be 0-366");
  }
  if (c.utc_offset_minutes() < kMinUtcOffsetMinutes ||
      c.utc_offset_minutes() > kMaxUtcOffsetMinutes) {
    return make_error("bad_field", "calendar utc_offset_minutes must be -720..840");
  }
  return {};
}

Result<std::int64_t> deadline_ms(const pb::FilingCalendar& c, std::string_view period) {
  const auto end = day_after(c.frequency(), period);
  if (!end) return bad_period(c.frequency(), period);
  const std::int64_t day = days_from_civil(*end) + c.deadline_days();
  return day * kDayMs - std::int64_t{c.utc_offset_minutes()} * 60'000;
}

std::int64_t lock_ms(const pb::FilingCalendar& c, std::int64_t deadline,
                     std::int64_t extension_until) {
  return std::max(deadline + std::int64_t{c.grace_days()} * kDayMs, extension_until);
}

}  // namespace rl::ledger::filing
