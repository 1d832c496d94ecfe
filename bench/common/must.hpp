#pragma once
// Benchmarks stop at the first failed setup step: a figure measured after one would be
// meaningless. `program` names the bench in the message.

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "common/result.hpp"

namespace rl::bench {

template <typename T>
T must(const char* program, Result<T> r, const char* what) {
  if (!r.ok()) {
    std::fprintf(stderr, "%s: %s: %s\n", program, what, r.error().to_string().c_str());
    std::exit(1);
  }
  return std::move(r).value();
}

inline void must(const char* program, const Status& st, const char* what) {
  if (!st.ok()) {
    std::fprintf(stderr, "%s: %s: %s\n", program, what, st.error().to_string().c_str());
    std::exit(1);
  }
}

}  // namespace rl::bench
