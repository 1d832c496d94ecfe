#pragma once
// The rate limit of third-party grants (decision 0060): a token bucket per grant, in this node's
// memory. Each node counts its own calls, so a third party that spreads its calls over n nodes
// gets up to n times the grant's rate; the grant's rate is per node, and docs/protection.md says
// so. Thread-safe.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace rl::node::third_party {

class RateLimiter {
 public:
  // At most `max_grants` buckets are tracked. A full bucket (an idle grant) is forgotten when room
  // is needed, which loses nothing: a forgotten grant starts again with a full bucket.
  explicit RateLimiter(std::size_t max_grants = 10'000) : max_grants_(max_grants) {}

  // Takes one call from `grant_id`'s bucket (capacity `per_minute`, refilled at per_minute / 60 s).
  // False when the bucket is empty, or when no bucket can be tracked for a new grant (fail
  // closed: every tracked bucket is in use).
  bool try_acquire(const std::string& grant_id, std::uint32_t per_minute, std::int64_t now_ms);
  std::size_t tracked() const;

 private:
  struct Bucket {
    double tokens = 0;
    std::int64_t updated_ms = 0;
    std::uint32_t per_minute = 0;
  };
  static void refill(Bucket& b, std::int64_t now_ms);
  void forget_full_buckets(std::int64_t now_ms);

  const std::size_t max_grants_;
  mutable std::mutex mu_;
  std::map<std::string, Bucket, std::less<>> buckets_;
};

}  // namespace rl::node::third_party
