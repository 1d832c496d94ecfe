#include "ledger/decimal.hpp"

#include <algorithm>
#include <array>

namespace rl::ledger {
namespace {

// 10^38 - 1: the largest magnitude a Decimal holds; sums stay below it or fail.
constexpr __int128 kMaxUnits = [] {
  __int128 v = 1;
  for (int i = 0; i < 38; ++i) v *= 10;
  return v - 1;
}();

std::optional<__int128> rescale(__int128 units, std::uint32_t from, std::uint32_t to) {
  for (std::uint32_t s = from; s < to; ++s) {
    if (units > kMaxUnits / 10 || units < -kMaxUnits / 10) return std::nullopt;
    units *= 10;
  }
  return units;
}

}  // namespace

std::optional<Decimal> parse_decimal(std::string_view t) {
  const bool negative = !t.empty() && t.front() == '-';
  if (negative) t.remove_prefix(1);
  const auto dot = t.find('.');
  const std::string_view whole = t.substr(0, dot);
  const std::string_view frac =
      dot == std::string_view::npos ? std::string_view{} : t.substr(dot + 1);
  if (whole.empty() || (dot != std::string_view::npos && frac.empty())) return std::nullopt;
  if (whole.size() + frac.size() > kMaxDecimalDigits + 40) return std::nullopt;
  Decimal d;
  std::uint32_t significant = 0;
  bool leading = true;
  for (char c : whole) {
    if (c < '0' || c > '9') return std::nullopt;
    if (leading && c == '0') continue;
    leading = false;
    ++d.integer_digits;
  }
  for (char c : frac) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  significant = d.integer_digits + static_cast<std::uint32_t>(frac.size());
  if (significant > kMaxDecimalDigits) return std::nullopt;
  for (char c : whole) d.units = d.units * 10 + (c - '0');
  for (char c : frac) d.units = d.units * 10 + (c - '0');
  d.scale = static_cast<std::uint32_t>(frac.size());
  if (negative) d.units = -d.units;
  return d;
}

std::optional<int> compare_decimals(const Decimal& a, const Decimal& b) {
  const std::uint32_t s = std::max(a.scale, b.scale);
  auto x = rescale(a.units, a.scale, s);
  auto y = rescale(b.units, b.scale, s);
  if (!x || !y) return std::nullopt;
  return *x < *y ? -1 : (*x > *y ? 1 : 0);
}

std::optional<Decimal> add_decimals(const Decimal& a, const Decimal& b) {
  const std::uint32_t s = std::max(a.scale, b.scale);
  auto x = rescale(a.units, a.scale, s);
  auto y = rescale(b.units, b.scale, s);
  if (!x || !y) return std::nullopt;
  const __int128 sum = *x + *y;  // each below 10^38 in magnitude: no wrap in 128 bits
  if (sum > kMaxUnits || sum < -kMaxUnits) return std::nullopt;
  Decimal d;
  d.units = sum;
  d.scale = s;
  return d;
}

std::string decimal_text(const Decimal& d) {
  unsigned __int128 mag = d.units < 0 ? static_cast<unsigned __int128>(-d.units)
                                      : static_cast<unsigned __int128>(d.units);
  // Filled from the end: 38 digits, a point, leading zeros up to the scale and a sign fit.
  std::array<char, 48> buf{};
  std::size_t pos = buf.size();
  std::uint32_t written = 0;
  do {
    if (written == d.scale && d.scale > 0) buf[--pos] = '.';
    buf[--pos] = static_cast<char>('0' + static_cast<int>(mag % 10));
    mag /= 10;
    ++written;
  } while (mag != 0 || written <= d.scale);
  if (d.units < 0) buf[--pos] = '-';
  return std::string(buf.data() + pos, buf.size() - pos);
}

}  // namespace rl::ledger
