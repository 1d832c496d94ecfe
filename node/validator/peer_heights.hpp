#pragma once
// Which peer-announced height a validator may believe when deciding that it is behind.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

namespace rl::node {

// The highest height announced by at least f + 1 of the given peers, i.e. by at least one honest
// peer; 0 when fewer than f + 1 peers are heard from. Deciding "catching up" (which stops a
// validator from voting) on the maximum instead would let one lying peer silence it.
inline std::uint64_t vouched_height(std::vector<std::uint64_t> heights, std::size_t f) {
  if (heights.size() < f + 1) return 0;
  std::nth_element(heights.begin(), heights.begin() + static_cast<std::ptrdiff_t>(f), heights.end(),
                   std::greater<>());
  return heights[f];
}

}  // namespace rl::node
