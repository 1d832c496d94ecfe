#pragma once
// Filing calendars (docs/reporting.md "Deadlines"): which periods a template is filed for, when
// each is due, and when it locks. Pure functions of the calendar, the period and the block time,
// so admission and every validator agree on whether a report is late or refused.

#include <cstdint>
#include <string_view>

#include "common/result.hpp"
#include "regledger.pb.h"

namespace rl::ledger {
namespace pb = ::regledger::v1;  // as in ledger/tx.hpp
}  // namespace rl::ledger

namespace rl::ledger::filing {

inline constexpr std::int64_t kDayMs = 86'400'000;
inline constexpr std::uint32_t kMaxCalendarDays = 366;
inline constexpr std::int32_t kMinUtcOffsetMinutes = -720;
inline constexpr std::int32_t kMaxUtcOffsetMinutes = 840;

// An absent calendar (no frequency) means: no deadline, never late, never locked.
inline bool has_calendar(const pb::FilingCalendar& c) {
  return !c.frequency().empty();
}

// The calendar rules: a known frequency, day counts 0-366, an offset -720..840 minutes.
// Code: bad_field.
Status check_calendar(const pb::FilingCalendar& c);

// The period format of a frequency, as shown in errors ("YYYY-MM" for monthly).
std::string_view period_format(std::string_view frequency);

// The deadline of `period` (unix ms): midnight (UTC + utc_offset_minutes) after the period's
// last day, plus deadline_days days. Code: bad_period (the period does not name a period of
// the calendar's frequency, e.g. "2026-13" monthly).
Result<std::int64_t> deadline_ms(const pb::FilingCalendar& c, std::string_view period);

// The last instant a report for the period is accepted: the deadline plus grace_days days, or
// an extension's `until` when later (0: none).
std::int64_t lock_ms(const pb::FilingCalendar& c, std::int64_t deadline,
                     std::int64_t extension_until);

}  // namespace rl::ledger::filing
