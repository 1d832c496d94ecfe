#pragma once
// Ordering for byte-string keys of std::map / std::set. Out of line on purpose: GCC 12 at -O3
// emits a false -Wstringop-overread when std::vector's operator<=> is inlined into map code.

#include "common/bytes.hpp"

namespace rl::consensus {

struct BytesLess {
  bool operator()(const Bytes& a, const Bytes& b) const;
};

}  // namespace rl::consensus
