#pragma once
// The wall clock, read in one place: Unix time in milliseconds or seconds. Session expiries,
// block-time proposals, certificate validity windows and export stamps compare against it. Code
// whose tests must set the time takes it as a parameter (or a std::function) instead of calling
// these directly.

#include <chrono>
#include <cstdint>

namespace rl {

inline std::int64_t wall_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline std::int64_t wall_now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace rl
