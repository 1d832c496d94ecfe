#pragma once
// The device's clock, injected so tests (and simulated devices) control time.

#include <cstdint>
#include <ctime>

namespace rl::offline {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::int64_t now() = 0;  // unix seconds
};

class SystemClock final : public Clock {
 public:
  std::int64_t now() override { return static_cast<std::int64_t>(std::time(nullptr)); }
};

// A clock that only moves when told to (tests, simulations).
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t t) : t_(t) {}
  std::int64_t now() override { return t_; }
  void set(std::int64_t t) { t_ = t; }
  void advance(std::int64_t s) { t_ += s; }

 private:
  std::int64_t t_;
};

}  // namespace rl::offline
