#include "crypto/suite.hpp"

namespace rl::crypto {

Result<Suite> parse_suite(std::string_view name) {
  if (name == "p256-sha256") return Suite::kP256Sha256;
  if (name == "sm2-sm3") return Suite::kSm2Sm3;
  return make_error("unknown_suite", "unknown crypto suite '" + std::string(name) +
                                         "' (expected p256-sha256 or sm2-sm3)");
}

std::string_view suite_name(Suite s) {
  switch (s) {
    case Suite::kP256Sha256:
      return "p256-sha256";
    case Suite::kSm2Sm3:
      return "sm2-sm3";
  }
  return "unknown";
}

std::size_t hash_size(Suite) {
  return 32;
}

}  // namespace rl::crypto
