#pragma once
// What every bench reports: the median of its runs (mean of the middle two for an even count),
// and for latency samples a percentile (nearest rank).

#include <algorithm>
#include <cassert>
#include <cmath>
#include <vector>

namespace rl::bench {

inline double median(std::vector<double> v) {
  assert(!v.empty());
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// The nearest-rank percentile `p` (0 < p <= 100) of `sorted`, which is sorted ascending: the
// smallest sample that at least p% of the samples are at or below.
inline double percentile_of_sorted(const std::vector<double>& sorted, double p) {
  assert(!sorted.empty() && p > 0 && p <= 100);
  const auto rank =
      static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size(), std::max<std::size_t>(rank, 1)) - 1];
}

}  // namespace rl::bench
