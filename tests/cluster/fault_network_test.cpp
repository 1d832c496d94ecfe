// Real regledgerd validators whose every P2P link runs through a FaultProxy
// (docs/fault-testing.md). For each seed a random schedule of delays, one-way stalls,
// partitions and connection cuts plays while a client submits reports to random nodes; then
// every link heals and FaultRun checks for forks, lost txs and liveness.
// The seeds are drawn fresh on every run and printed with the command that replays one:
//   RL_FAULT_SEED=S    run only seed S      RL_FAULT_SEEDS=N   run N fresh seeds
// Built twice (tests/cluster/CMakeLists.txt): the short suite of make test and the soak of
// make soak (more seeds, longer schedules).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "tests/cluster/fault_driver.hpp"
#include "tests/cluster/fault_run.hpp"
#include "tests/cluster/fault_schedule.hpp"
#include "tests/cluster/fault_seeds.hpp"

#ifndef RL_FAULT_SUITE
#define RL_FAULT_SUITE FaultNetworkTest
#endif
#ifndef RL_FAULT_SEEDS_4
#define RL_FAULT_SEEDS_4 3
#endif
#ifndef RL_FAULT_SEEDS_7
#define RL_FAULT_SEEDS_7 1
#endif
#ifndef RL_FAULT_SPAN_MS
#define RL_FAULT_SPAN_MS 5000
#endif

namespace rl::testing {
namespace {

#define RL_STR2(x) #x
#define RL_STR(x) RL_STR2(x)

// Every seed on one network: starting a network costs more than a seed, and each seed begins
// from a healed, checked network, which is also what a replay starts from.
void run_seeds(std::size_t validators, int default_seeds, const std::string& test_name) {
  const auto seeds = fault_seeds_from_env(default_seeds);
  std::printf("[faultnet] %s: %zu validators, %zu seed(s), %d ms of faults each\n",
              test_name.c_str(), validators, seeds.size(), RL_FAULT_SPAN_MS);
  ClusterOptions o;
  o.validators = static_cast<std::uint32_t>(validators);
  o.name = "faultnet";
  o.part_bytes = 4096;  // non-empty proposals travel in parts, as large blocks do
  FaultRun run(o, seeds.front());
  Cluster& c = run.cluster();
  std::vector<std::size_t> all;
  for (std::size_t i = 0; i < c.size(); ++i) all.push_back(i);
  ASSERT_TRUE(c.wait_height(all, 2, std::chrono::seconds(60))) << c.all_logs_tail();
  run.start_load(seeds.front());
  FaultTally total;
  for (std::uint64_t seed : seeds) {
    std::ostringstream replay;
    replay << "RL_FAULT_SEED=" << seed << " " << RL_BINARY_DIR << "/tests/cluster/"
           << RL_STR(RL_FAULT_BINARY) << " --gtest_filter='" << RL_STR(RL_FAULT_SUITE) << "."
           << test_name << "'";
    const auto steps =
        make_fault_schedule(seed, validators, std::chrono::milliseconds(RL_FAULT_SPAN_MS));
    std::printf("[faultnet] seed=%llu nodes=%zu faults=%zu heights=%s\n[faultnet]   replay: %s\n",
                static_cast<unsigned long long>(seed), validators, steps.size(),
                run.heights().c_str(), replay.str().c_str());
    const auto proxy_before = run.net().totals();
    const FaultTally tally = play_faults(run.net(), steps, [](const FaultStep& s) {
      std::printf("[faultnet]   %s\n", s.describe().c_str());
    });
    const CheckResult check = run.check_after_heal();
    const auto proxy = run.net().totals();
    for (std::size_t k = 0; k < kFaultKinds; ++k) total.steps[k] += tally.steps[k];
    total.connections_reset += tally.connections_reset;
    std::printf(
        "[faultnet] seed=%llu faults: %s | proxy: connections=%llu refused=%llu "
        "delayed_chunks=%llu | %s\n",
        static_cast<unsigned long long>(seed), tally.summary().c_str(),
        static_cast<unsigned long long>(proxy.accepted - proxy_before.accepted),
        static_cast<unsigned long long>(proxy.refused - proxy_before.refused),
        static_cast<unsigned long long>(proxy.delayed[0] + proxy.delayed[1] -
                                        proxy_before.delayed[0] - proxy_before.delayed[1]),
        check.summary.c_str());
    std::fflush(stdout);
    for (const auto& v : check.violations) ADD_FAILURE() << "seed " << seed << ": " << v;
    if (!check.violations.empty()) {
      ADD_FAILURE() << "replay: " << replay.str() << "\n" << c.all_logs_tail(1500);
      return;  // the network is no longer one worth running more seeds on
    }
  }
  std::printf("[faultnet] %s: %zu seed(s) passed, faults in all: %s\n", test_name.c_str(),
              seeds.size(), total.summary().c_str());
}

TEST(RL_FAULT_SUITE, FourValidators) {
  run_seeds(4, RL_FAULT_SEEDS_4, "FourValidators");
}

TEST(RL_FAULT_SUITE, SevenValidators) {
  run_seeds(7, RL_FAULT_SEEDS_7, "SevenValidators");
}

}  // namespace
}  // namespace rl::testing
