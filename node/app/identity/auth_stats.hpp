#pragma once
// Login outcomes for /metrics (docs/operations.md "Metrics"): successes, and failures by the
// factor that failed. Counted with relaxed atomics on the login path, read at scrape time.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace rl::node::identity {

// What a refused login failed on. Password, then certificate and the signature over the
// challenge, are the two factors; the rest is what comes before or around them.
enum class LoginFactor : std::uint8_t {
  kAccount,      // unknown, suspended or locked account
  kChallenge,    // unknown, used, expired or another account's challenge
  kPassword,     // bad_password
  kCertificate,  // certificate_* (invalid, untrusted, expired, not bound, revoked)
  kSignature,    // bad_login_signature
  kOther,        // too_many_sessions and anything not above
  kCount
};
inline constexpr std::size_t kLoginFactors = static_cast<std::size_t>(LoginFactor::kCount);

std::string_view login_factor_name(LoginFactor f);
// The factor a login refusal code (AuthService::login) names.
LoginFactor login_factor_for(std::string_view code);

struct AuthStats {
  std::atomic<std::uint64_t> logins_ok{0};
  std::array<std::atomic<std::uint64_t>, kLoginFactors> login_failures{};  // by LoginFactor
  std::atomic<std::uint64_t> lockouts{0};  // accounts locked after repeated failures

  void count_failure(std::string_view code) {
    login_failures[static_cast<std::size_t>(login_factor_for(code))].fetch_add(
        1, std::memory_order_relaxed);
  }
};

}  // namespace rl::node::identity
