// The simulator seed sweep per (n, fault mix), and single-seed replay. Built three times
// (consensus_sim_test, the ASan smoke and the soak), each binary able to replay its own seeds.
//
// Every run draws a fresh base seed (std::random_device), so CI covers new seeds each time; a
// case's seeds derive from the base seed, n and the mix. Each case prints its base seed with the
// command that reruns the whole case, and each failing seed with the one-line command that
// replays it alone (verbose trace and all):
//   RL_SIM_SEEDS=N       seeds per sweep case (default RL_SIM_DEFAULT_SEEDS)
//   RL_SIM_BASE_SEED=B   use this base seed instead of a fresh one (reruns a printed case)
//   RL_SIM_SEED=S        replay one seed (with RL_SIM_N, RL_SIM_MIX; see sim/replay.hpp), e.g.
//     RL_SIM_SEED=1234 RL_SIM_N=4 RL_SIM_MIX=all ./consensus_sim_test
//       --gtest_filter='*Replay.FromEnvironment'   (one line)

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "tests/consensus/sim/prng.hpp"
#include "tests/consensus/sim/replay.hpp"
#include "tests/consensus/sim/simulator.hpp"

#ifndef RL_SIM_DEFAULT_SEEDS
#define RL_SIM_DEFAULT_SEEDS 1000
#endif
// Distinct per executable (default / smoke / soak) so ctest names, and hence labels, never clash.
#ifndef RL_SIM_SUITE
#define RL_SIM_SUITE Sweep
#endif
#define RL_SIM_CAT2(a, b) a##b
#define RL_SIM_CAT(a, b) RL_SIM_CAT2(a, b)

namespace rl::consensus::sim {
namespace {

std::uint64_t env_u64(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v ? std::strtoull(v, nullptr, 10) : fallback;
}

// One per process (ctest runs every case as a process of its own), fresh unless pinned: fixed
// seeds would test the same 15,000 runs in every CI run forever.
std::uint64_t base_seed() {
  static const std::uint64_t seed = []() -> std::uint64_t {
    if (const char* v = std::getenv("RL_SIM_BASE_SEED")) return std::strtoull(v, nullptr, 10);
    std::random_device rd;
    return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  }();
  return seed;
}

class SimSweep : public ::testing::TestWithParam<std::tuple<int, int>> {};

TEST_P(SimSweep, AllInvariantsHoldAndLivenessAfterHealing) {
  const int n = std::get<0>(GetParam());
  const Mix& mix = kMixes[std::get<1>(GetParam())];
  const std::uint64_t seeds = env_u64("RL_SIM_SEEDS", RL_SIM_DEFAULT_SEEDS);
  const std::uint64_t base = base_seed();
  const std::uint64_t case_seed =
      mix64(base, static_cast<std::uint64_t>(n) * 100 +
                      static_cast<std::uint64_t>(std::get<1>(GetParam())));
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  std::printf(
      "[sim] n=%d mix=%s base_seed=%llu (reproduce the whole case: RL_SIM_BASE_SEED=%llu "
      "RL_SIM_SEEDS=%llu %s --gtest_filter='%s.%s')\n",
      n, mix.name, static_cast<unsigned long long>(base), static_cast<unsigned long long>(base),
      static_cast<unsigned long long>(seeds), self_path("./consensus_sim_test").c_str(),
      test->test_suite_name(), test->name());
  std::fflush(stdout);  // before a long case, so a CI log shows it even if the case hangs
  const auto started = std::chrono::steady_clock::now();
  std::uint64_t violations = 0, heights = 0, events = 0, worst_liveness = 0, evidence = 0;
  std::uint64_t garbage = 0, rejected = 0;
  for (std::uint64_t i = 0; i < seeds; ++i) {
    SimOptions o;
    o.n = n;
    o.faults = mix.faults;
    o.seed = mix64(case_seed, i);
    const SimResult r = run_simulation(o);
    heights += r.max_height;
    events += r.events;
    evidence += r.evidence;
    garbage += r.garbage;
    rejected += r.rejected;
    worst_liveness = std::max(worst_liveness, r.liveness_ms);
    if (!r.violations.empty()) {
      ++violations;
      ADD_FAILURE() << "seed " << o.seed << " n=" << n << " mix=" << mix.name << ": "
                    << r.violations.front() << "\n  replay: " << replay_command(o, mix.name);
      if (violations >= 3) break;
    }
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf(
      "[sim] n=%d mix=%s seeds=%llu violations=%llu heights=%llu events=%llu evidence=%llu "
      "garbage_rejected=%llu inputs_rejected=%llu worst_liveness_ms=%llu time=%.1fs\n",
      n, mix.name, static_cast<unsigned long long>(seeds),
      static_cast<unsigned long long>(violations), static_cast<unsigned long long>(heights),
      static_cast<unsigned long long>(events), static_cast<unsigned long long>(evidence),
      static_cast<unsigned long long>(garbage), static_cast<unsigned long long>(rejected),
      static_cast<unsigned long long>(worst_liveness), secs);
  EXPECT_EQ(violations, 0u);
}

INSTANTIATE_TEST_SUITE_P(RL_SIM_SUITE, SimSweep,
                         ::testing::Combine(::testing::Values(4, 5, 7),
                                            ::testing::Range(0,
                                                             static_cast<int>(std::size(kMixes)))),
                         [](const auto& info) {
                           // Appended piecewise: GCC 12 misfires -Wrestrict on operator+ here.
                           std::string name = "n";
                           name.append(std::to_string(std::get<0>(info.param)));
                           name.append("_");
                           name.append(kMixes[std::get<1>(info.param)].name);
                           return name;
                         });

// In every sweep binary (named after its suite, so ctest names stay distinct), so the command a
// failing seed prints runs the same build that found it (the ASan smoke included).
TEST(RL_SIM_CAT(RL_SIM_SUITE, Replay), FromEnvironment) {
  if (!std::getenv("RL_SIM_SEED"))
    GTEST_SKIP() << "set RL_SIM_SEED (and RL_SIM_N, RL_SIM_MIX) to replay a seed";
  std::string mix, error;
  const auto o = options_from_environment(mix, error);
  ASSERT_TRUE(o.has_value()) << error;
  const SimResult r = run_simulation(*o);
  std::printf("seed=%llu n=%d mix=%s faults=%s events=%llu max_height=%llu trace=%016llx\n",
              static_cast<unsigned long long>(o->seed), o->n, mix.c_str(),
              describe_faults(o->faults).c_str(), static_cast<unsigned long long>(r.events),
              static_cast<unsigned long long>(r.max_height),
              static_cast<unsigned long long>(r.trace_hash));
  for (const auto& v : r.violations) std::printf("VIOLATION: %s\n", v.c_str());
  EXPECT_TRUE(r.violations.empty());
}

}  // namespace
}  // namespace rl::consensus::sim
