#include "node/validator/inbox_bound.hpp"

namespace rl::node {

bool InboxBound::try_admit(std::size_t bytes) {
  // Reserve first, then check: concurrent callers can never overshoot by more than their own
  // frames, and a refused reservation is undone at once.
  const std::size_t frames = frames_.fetch_add(1, std::memory_order_relaxed);
  const std::size_t queued = bytes_.fetch_add(bytes, std::memory_order_relaxed);
  if (frames > 0 && (frames >= max_frames_ || queued + bytes > max_bytes_)) {
    frames_.fetch_sub(1, std::memory_order_relaxed);
    bytes_.fetch_sub(bytes, std::memory_order_relaxed);
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  return true;
}

void InboxBound::release(std::size_t bytes) {
  frames_.fetch_sub(1, std::memory_order_relaxed);
  bytes_.fetch_sub(bytes, std::memory_order_relaxed);
}

bool InboxBound::should_log(std::chrono::steady_clock::time_point now,
                            std::chrono::steady_clock::duration interval) {
  std::lock_guard lock(log_mu_);
  if (logged_ && now - last_log_ < interval) return false;
  logged_ = true;
  last_log_ = now;
  return true;
}

}  // namespace rl::node
