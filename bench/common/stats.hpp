#pragma once
// What every bench reports: the median of its runs (mean of the middle two for an even count).

#include <algorithm>
#include <cassert>
#include <vector>

namespace rl::bench {

inline double median(std::vector<double> v) {
  assert(!v.empty());
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace rl::bench
