#include "consensus/bytes_less.hpp"

#include <cstring>

namespace rl::consensus {

bool BytesLess::operator()(const Bytes& a, const Bytes& b) const {
  const std::size_t n = a.size() < b.size() ? a.size() : b.size();
  const int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
  return c != 0 ? c < 0 : a.size() < b.size();
}

}  // namespace rl::consensus
