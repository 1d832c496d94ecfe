#pragma once
// Overflow-checked int64 arithmetic for minor-unit amounts (never floating point).

#include <cstdint>
#include <optional>

namespace rl::offline {

inline std::optional<std::int64_t> checked_add(std::int64_t a, std::int64_t b) {
  std::int64_t out = 0;
  if (__builtin_add_overflow(a, b, &out)) return std::nullopt;
  return out;
}

}  // namespace rl::offline
