#pragma once
// Exact decimal numbers for report cells (no floating point anywhere a validator decides): the
// text "-1234.50" is 123450 units at scale 2. Up to 38 significant digits, so a value and any
// sum the rules form fit in 128 bits or are reported as an overflow, never wrapped.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rl::ledger {

inline constexpr std::uint32_t kMaxDecimalDigits = 38;

struct Decimal {
  __int128 units = 0;                // value * 10^scale
  std::uint32_t scale = 0;           // digits after the point as written
  std::uint32_t integer_digits = 0;  // digits before the point, leading zeros not counted
};

// "-?[0-9]+(\.[0-9]+)?" with at most 38 digits in all; nullopt otherwise (no exponent, no '+',
// no spaces, no bare "." or "1.").
std::optional<Decimal> parse_decimal(std::string_view text);

// a and b at a common scale: -1, 0 or 1; nullopt when rescaling overflows.
std::optional<int> compare_decimals(const Decimal& a, const Decimal& b);
// a + b at the larger scale; nullopt on overflow.
std::optional<Decimal> add_decimals(const Decimal& a, const Decimal& b);
// The canonical text of a value ("-1234.50").
std::string decimal_text(const Decimal& d);

}  // namespace rl::ledger
