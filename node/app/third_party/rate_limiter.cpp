#include "node/app/third_party/rate_limiter.hpp"

#include <algorithm>

namespace rl::node::third_party {

void RateLimiter::refill(Bucket& b, std::int64_t now_ms) {
  // A clock that steps back refills nothing (and never takes tokens away).
  const auto elapsed = std::max<std::int64_t>(0, now_ms - b.updated_ms);
  b.tokens = std::min<double>(b.per_minute,
                              b.tokens + static_cast<double>(elapsed) * b.per_minute / 60'000.0);
  b.updated_ms = std::max(b.updated_ms, now_ms);
}

void RateLimiter::forget_full_buckets(std::int64_t now_ms) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    refill(it->second, now_ms);
    it = it->second.tokens >= it->second.per_minute ? buckets_.erase(it) : std::next(it);
  }
}

bool RateLimiter::try_acquire(const std::string& grant_id, std::uint32_t per_minute,
                              std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  auto it = buckets_.find(grant_id);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_grants_) forget_full_buckets(now_ms);
    if (buckets_.size() >= max_grants_) return false;
    it = buckets_.emplace(grant_id, Bucket{static_cast<double>(per_minute), now_ms, per_minute})
             .first;
  }
  Bucket& b = it->second;
  // Grants are immutable on the ledger, but a bucket must not outlive a change of its rate.
  if (b.per_minute != per_minute) {
    b.per_minute = per_minute;
    b.tokens = std::min<double>(b.tokens, per_minute);
  }
  refill(b, now_ms);
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

std::size_t RateLimiter::tracked() const {
  std::lock_guard lock(mu_);
  return buckets_.size();
}

}  // namespace rl::node::third_party
