// Does the fault-network checker bite on the real stack? The split-commit adversary
// (split_commit.hpp) plays against four validators, several attempts in a row, and FaultRun's
// checks run after each. Against regledgerd the checks must stay clean; against
// regledgerd_unsafe_nolock, a test-only build whose validators ignore their lock when
// prevoting, they must report the fork the adversary aims at.
//   RL_FAULT_SEED=S   the seed for the roles (X and Z) of every attempt; printed on every run
//   RL_BITE_ATTEMPTS=N
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include "tests/cluster/cluster_checks.hpp"
#include "tests/cluster/fault_run.hpp"
#include "tests/cluster/split_commit.hpp"

namespace rl::testing {
namespace {

#ifdef RL_BITE_DEFAULT_ATTEMPTS
constexpr int kDefaultAttempts = RL_BITE_DEFAULT_ATTEMPTS;
#else
constexpr int kDefaultAttempts = 4;
#endif

// The round in which `node` decided height `h`, from its log ("block committed height=H
// round=R"); -1 when it did not log one (it synced the block, or has not reached it).
int decided_round(const Cluster& c, std::size_t node, std::uint64_t h) {
  std::ifstream log(c.dir() + "/node" + std::to_string(node) + ".log");
  const auto rounds = committed_rounds({std::istreambuf_iterator<char>(log), {}});
  const auto it = rounds.find(h);
  return it == rounds.end() ? -1 : static_cast<int>(it->second);
}

// The adversary landed when X decided in round 0 and Y, Z and W did not decide in round 0:
// what the bite needs, whichever block they then decided.
bool landed(const Cluster& c, const SplitCommitAttempt& a) {
  if (decided_round(c, a.x, a.height) != 0) return false;
  for (std::size_t other : {a.y, a.z, a.w}) {
    if (decided_round(c, other, a.height) == 0) return false;
  }
  return true;
}

struct BiteOutcome {
  int attempts = 0;
  std::size_t violations = 0;
  std::size_t forks = 0;
  int landed = 0;  // attempts in which X alone decided in round 0
  std::string first;
};

BiteOutcome run_adversary(const std::string& binary, const std::string& label) {
  std::uint64_t seed = std::random_device{}();
  if (const char* s = std::getenv("RL_FAULT_SEED"); s != nullptr && *s != '\0') {
    seed = std::strtoull(s, nullptr, 10);
  }
  int attempts = kDefaultAttempts;
  if (const char* a = std::getenv("RL_BITE_ATTEMPTS"); a != nullptr && std::atoi(a) > 0) {
    attempts = std::atoi(a);
  }
  std::printf(
      "[bite] %s: split-commit adversary, seed=%llu, up to %d attempts (RL_FAULT_SEED=%llu"
      " replays the roles)\n",
      label.c_str(), static_cast<unsigned long long>(seed), attempts,
      static_cast<unsigned long long>(seed));
  ClusterOptions o;
  o.validators = 4;
  o.name = "faultbite";
  o.binary = binary;
  o.timeout_propose_ms = kSplitCommitProposeMs;
  o.timeout_vote_ms = kSplitCommitVoteMs;
  o.timeout_delta_ms = kSplitCommitDeltaMs;
  FaultRun run(o, seed);
  Cluster& c = run.cluster();
  EXPECT_TRUE(c.wait_height({0, 1, 2, 3}, 2, std::chrono::seconds(60))) << c.all_logs_tail();
  run.start_load(seed);
  std::mt19937_64 rng(seed);
  BiteOutcome out;
  while (out.attempts < attempts) {
    ++out.attempts;
    const SplitCommitAttempt a = play_split_commit(c, run.net(), rng);
    const CheckResult check = run.check_after_heal();
    const bool hit = landed(c, a);
    out.landed += hit ? 1 : 0;
    std::printf("[bite] %s attempt %d at %s | %s | %s\n", label.c_str(), out.attempts,
                a.describe().c_str(), hit ? "landed: X alone decided in round 0" : "missed",
                check.summary.c_str());
    for (const auto& v : check.violations) std::printf("[bite]   VIOLATION %s\n", v.c_str());
    std::fflush(stdout);
    out.violations += check.violations.size();
    for (const auto& v : check.violations) out.forks += v.starts_with("fork:") ? 1 : 0;
    if (!check.violations.empty()) {
      out.first = check.violations.front();
      break;
    }
  }
  std::printf("[bite] %s: %zu violation(s), %zu of them forks, in %d attempt(s), %d landed\n",
              label.c_str(), out.violations, out.forks, out.attempts, out.landed);
  return out;
}

// Only in the default binary: ctest names tests by suite and name, so the same test in the soak
// binary would be one ctest entry labelled soak, and make test (-LE soak) would skip it.
#ifndef RL_BITE_UNSAFE
TEST(FaultNetworkBite, HonestValidatorsKeepOneChainUnderTheSplitCommitAdversary) {
  const auto out = run_adversary(std::string(RL_BINARY_DIR) + "/node/regledgerd", "regledgerd");
  EXPECT_EQ(out.violations, 0u) << out.first;
  // Timing decides whether an attempt lands; a run in which none did showed nothing about the
  // lock, and says so instead of passing.
  if (out.landed == 0) GTEST_SKIP() << "the adversary missed its window in every attempt";
}
#endif  // RL_BITE_UNSAFE

// Only in the soak binary (make soak): a landed split commit does not always fork lock-less
// validators (a make test run saw 4 landed attempts and no fork), so in the default suite this
// bite would fail by chance. The soak gives it more attempts.
#ifdef RL_BITE_UNSAFE
TEST(FaultNetworkBite, TheCheckerReportsTheForkOfValidatorsThatIgnoreTheirLock) {
  const auto out = run_adversary(
      std::string(RL_BINARY_DIR) + "/tests/cluster/regledgerd_unsafe_nolock", "unsafe-nolock");
  // As for the honest run: an attempt the timing made miss shows nothing either way, so a run
  // in which none landed is skipped (printed with its seed), not failed.
  if (out.forks == 0 && out.landed == 0) {
    GTEST_SKIP() << "the adversary missed its window in every attempt";
  }
  EXPECT_GT(out.forks, 0u) << "no fork reported in " << out.attempts << " attempts (" << out.landed
                           << " landed) against validators that ignore their lock";
}
#endif  // RL_BITE_UNSAFE

}  // namespace
}  // namespace rl::testing
