#pragma once
// Small helpers shared by the crypto tests.

#include <string>
#include <string_view>

#include "common/bytes.hpp"

namespace rl::crypto::testing {

// Hex literal to bytes; a malformed literal is a bug in the test itself.
inline Bytes hex(std::string_view h) {
  return from_hex(h).value();
}

inline Bytes repeat(std::uint8_t byte, std::size_t n) {
  return Bytes(n, byte);
}

// Bytes first, first+1, ..., last (inclusive).
inline Bytes counting(std::uint8_t first, std::uint8_t last) {
  Bytes out;
  for (unsigned v = first; v <= last; ++v) out.push_back(static_cast<std::uint8_t>(v));
  return out;
}

inline std::string data_path(std::string_view relative) {
  return std::string(RL_SOURCE_DIR) + "/tests/data/" + std::string(relative);
}

}  // namespace rl::crypto::testing
