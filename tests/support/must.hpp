#pragma once
// Test-setup helpers: unwrap a Result or throw with context. For set-up steps whose failure
// means the test cannot run at all (gtest reports the exception with its message).

#include <stdexcept>
#include <string>

#include "common/result.hpp"

namespace rl::testing {

template <typename T>
T must(Result<T> r, const char* what = "setup") {
  if (!r.ok()) throw std::runtime_error(std::string(what) + ": " + r.error().to_string());
  return std::move(r).value();
}

inline void must(const Status& s, const char* what = "setup") {
  if (!s.ok()) throw std::runtime_error(std::string(what) + ": " + s.error().to_string());
}

}  // namespace rl::testing
