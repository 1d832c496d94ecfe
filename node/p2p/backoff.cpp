#include "node/p2p/backoff.hpp"

#include <algorithm>

namespace rl::p2p {

std::chrono::milliseconds backoff_delay(std::chrono::milliseconds backoff_min,
                                        std::chrono::milliseconds backoff_max, unsigned failures,
                                        std::mt19937_64& rng) {
  using std::chrono::milliseconds;
  milliseconds base = backoff_min;
  // Doubling stops at the cap, so a long outage cannot overflow the count.
  for (unsigned i = 0; i < failures && base < backoff_max; ++i) base *= 2;
  base = std::min(base, backoff_max);
  const milliseconds low = std::max(base / 2, backoff_min);
  if (low >= base) return base;
  std::uniform_int_distribution<milliseconds::rep> pick(low.count(), base.count());
  return milliseconds(pick(rng));
}

}  // namespace rl::p2p
