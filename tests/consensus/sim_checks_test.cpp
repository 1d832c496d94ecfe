// The simulator checks itself: a seed replays to the same trace, and the agreement checker
// catches the forks that f + 1 Byzantine validators, or a core without its locking rule, cause.

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "tests/consensus/sim/prng.hpp"
#include "tests/consensus/sim/simulator.hpp"

namespace rl::consensus::sim {
namespace {

TEST(SimDeterminism, SameSeedSameTraceHash) {
  for (std::uint64_t seed : {7ull, 1234567ull}) {
    SimOptions o;
    o.n = 4;
    o.seed = seed;
    const SimResult a = run_simulation(o);
    const SimResult b = run_simulation(o);
    EXPECT_GT(a.events, 100u);
    EXPECT_EQ(a.trace_hash, b.trace_hash) << "seed " << seed << " did not replay identically";
    EXPECT_EQ(a.events, b.events);
    EXPECT_EQ(a.max_height, b.max_height);
    o.seed = seed + 1;
    EXPECT_NE(run_simulation(o).trace_hash, a.trace_hash);
  }
}

struct BiteOutcome {
  std::uint64_t seeds_run = 0;
  std::uint64_t forks = 0;
  std::uint64_t first_seed = 0;
};

BiteOutcome hunt_forks(SimOptions base, std::uint64_t max_seeds, std::uint64_t tag) {
  BiteOutcome out;
  for (std::uint64_t i = 0; i < max_seeds; ++i) {
    base.seed = mix64(tag, i);
    const SimResult r = run_simulation(base);
    ++out.seeds_run;
    if (r.agreement_violated) {
      if (out.forks++ == 0) out.first_seed = base.seed;
      if (out.forks >= 3) break;  // proven; keep the test short
    }
  }
  return out;
}

TEST(CheckerBites, FPlusOneByzantineValidatorsForkAndAreCaught) {
  for (int n : {4, 7}) {
    SimOptions o;
    o.n = n;
    o.faults = kByzantine;
    o.byzantine = (n - 1) / 3 + 1;
    const BiteOutcome b = hunt_forks(o, 300, 0xB17E0000u + static_cast<std::uint64_t>(n));
    std::printf(
        "[bite] f+1 byzantine n=%d: %llu agreement violations in %llu seeds (first seed %llu)\n", n,
        static_cast<unsigned long long>(b.forks), static_cast<unsigned long long>(b.seeds_run),
        static_cast<unsigned long long>(b.first_seed));
    EXPECT_GT(b.forks, 0u) << "the checker missed forks by f+1 Byzantine validators (n=" << n
                           << ")";
  }
}

TEST(CheckerBites, DisabledLockingForksAndIsCaught) {
  SimOptions o;
  o.n = 4;
  o.faults = kByzantine | kNetwork | kPartition;
  o.disable_locking = true;
  const BiteOutcome b = hunt_forks(o, 2000, 0x10C40000u);
  std::printf(
      "[bite] locking disabled n=4: %llu agreement violations in %llu seeds (first seed %llu)\n",
      static_cast<unsigned long long>(b.forks), static_cast<unsigned long long>(b.seeds_run),
      static_cast<unsigned long long>(b.first_seed));
  EXPECT_GT(b.forks, 0u) << "the checker missed the forks a lock-less Tendermint allows";
}

TEST(SimReplay, FromEnvironment) {
  const char* seed = std::getenv("RL_SIM_SEED");
  if (!seed) GTEST_SKIP() << "set RL_SIM_SEED (and RL_SIM_N, RL_SIM_MIX) to replay a seed";
  SimOptions o;
  o.seed = std::strtoull(seed, nullptr, 10);
  o.n = std::getenv("RL_SIM_N") ? std::atoi(std::getenv("RL_SIM_N")) : 4;
  const std::string mix = std::getenv("RL_SIM_MIX") ? std::getenv("RL_SIM_MIX") : "all";
  o.faults = mix == "network"     ? (kNetwork | kClog | kSkew)
             : mix == "partition" ? (kNetwork | kPartition | kIsolateProposer)
             : mix == "crash"     ? (kNetwork | kCrash | kPause | kWipe)
             : mix == "byzantine" ? (kNetwork | kByzantine)
                                  : static_cast<std::uint32_t>(kAllFaults);
  if (std::getenv("RL_SIM_BYZANTINE")) o.byzantine = std::atoi(std::getenv("RL_SIM_BYZANTINE"));
  o.disable_locking = std::getenv("RL_SIM_NO_LOCK") != nullptr;
  o.verbose = std::getenv("RL_SIM_QUIET") == nullptr;
  const SimResult r = run_simulation(o);
  std::printf("seed=%llu n=%d mix=%s faults=%s events=%llu max_height=%llu trace=%016llx\n",
              static_cast<unsigned long long>(o.seed), o.n, mix.c_str(),
              describe_faults(o.faults).c_str(), static_cast<unsigned long long>(r.events),
              static_cast<unsigned long long>(r.max_height),
              static_cast<unsigned long long>(r.trace_hash));
  for (const auto& v : r.violations) std::printf("VIOLATION: %s\n", v.c_str());
  EXPECT_TRUE(r.violations.empty());
}

}  // namespace
}  // namespace rl::consensus::sim
