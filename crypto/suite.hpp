#pragma once
// The cryptographic suite is fixed per network by the genesis file.

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace rl::crypto {

enum class Suite {
  kP256Sha256,  // ECDSA P-256 with SHA-256 (default)
  kSm2Sm3,      // SM2 signatures (distinguishing ID "1234567812345678") with SM3 hashes
};

Result<Suite> parse_suite(std::string_view name);  // "p256-sha256" | "sm2-sm3"
std::string_view suite_name(Suite s);
std::size_t hash_size(Suite s);  // 32 for both suites

}  // namespace rl::crypto
