#pragma once
// A value whose every write goes through mut(), which counts it. Consensus keeps its persistent
// state in one of these: it persists (and checks its invariants) exactly when the count moved
// since the last time, and no write can slip past the count, because the only non-const access
// is mut(). Comparing the whole state instead would read the locked and valid block values
// (megabytes) on every step.

#include <cstdint>

namespace rl::consensus {

template <class T>
class Tracked {
 public:
  const T& operator*() const { return value_; }
  const T* operator->() const { return &value_; }

  // Call only to write: even a write of the same value counts as a change (a spurious persist,
  // never a missed one).
  T& mut() {
    ++generation_;
    return value_;
  }
  std::uint64_t generation() const { return generation_; }

 private:
  T value_{};
  std::uint64_t generation_ = 0;
};

}  // namespace rl::consensus
