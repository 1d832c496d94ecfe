#pragma once
// Limits of the login flow (config.json "identity", config/node_config.hpp).

#include <cstddef>
#include <cstdint>

namespace rl::node::identity {

struct AuthConfig {
  std::int64_t challenge_ttl_ms = 60'000;
  std::int64_t session_ttl_ms = 900'000;
  std::uint32_t max_failures = 5;  // failed logins before the account is locked
  std::int64_t lockout_ms = 300'000;
  std::size_t max_challenges = 10'000;  // outstanding, node-wide
  std::size_t max_sessions = 10'000;
};

}  // namespace rl::node::identity
