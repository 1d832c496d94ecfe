// Frame-level faults on real validators (docs/fault-testing.md, "Frame-level faults"): four
// regledgerd_frame_faults processes, each dropping, duplicating, reordering and delaying the P2P
// data frames it receives from a PRNG seeded per node, and every link through a FaultProxy.
// For each run seed S:
//   1. frame faults alone for RL_FRAME_ONLY_MS under a report load, then FaultRun's checks
//      (fork, lost tx, liveness: commits go on while frames are still being faulted);
//   2. a random proxy schedule from S on top (delays, stalls, partitions, cuts), healed, the
//      checks again;
//   3. every tx a node accepted is committed on every node;
//   4. the nodes stop (SIGTERM, exit 0) and log what they did to frames; the counts are printed
//      and every kind of fault must have happened.
// The node seeds are drawn from S, so one number replays a run (the faults each node draws for
// its n-th frame from a peer, the schedule, the load; not the interleaving with real clocks):
//   RL_FAULT_SEED=S   replay S      RL_FAULT_SEEDS=N   N fresh seeds
//   RL_FRAME_FAULTS=spec   other rates (node/p2p/frame_fault_settings.hpp)
// Built twice (tests/cluster/CMakeLists.txt): make test (two seeds, 5% of each fault) and make
// soak (more seeds, higher rates, longer phases).
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/cluster/fault_driver.hpp"
#include "tests/cluster/fault_run.hpp"
#include "tests/cluster/fault_schedule.hpp"
#include "tests/cluster/fault_seeds.hpp"
#include "tests/cluster/frame_fault_log.hpp"

#ifndef RL_FRAME_SUITE
#define RL_FRAME_SUITE FrameFaultTest
#endif
#ifndef RL_FRAME_BINARY
#define RL_FRAME_BINARY frame_fault_test
#endif
#ifndef RL_FRAME_SEEDS
#define RL_FRAME_SEEDS 1
#endif
// Each of drop, dup, reorder and delay, per received data frame.
#ifndef RL_FRAME_RATE
#define RL_FRAME_RATE 0.05
#endif
#ifndef RL_FRAME_DELAY_MAX_MS
#define RL_FRAME_DELAY_MAX_MS 300
#endif
#ifndef RL_FRAME_ONLY_MS
#define RL_FRAME_ONLY_MS 8000
#endif
#ifndef RL_FAULT_SPAN_MS
#define RL_FAULT_SPAN_MS 5000
#endif

namespace rl::testing {
namespace {

#define RL_STR2(x) #x
#define RL_STR(x) RL_STR2(x)

constexpr std::size_t kValidators = 4;
constexpr std::array<const char*, 4> kKinds = {"dropped", "duplicated", "reordered", "delayed"};

std::string default_spec() {
  std::ostringstream s;
  s << "drop=" << RL_FRAME_RATE << ",dup=" << RL_FRAME_RATE << ",reorder=" << RL_FRAME_RATE
    << ",delay=" << RL_FRAME_RATE << ",delay_ms=5-" << RL_FRAME_DELAY_MAX_MS;
  return s.str();
}

struct Totals {
  std::uint64_t frames = 0;
  std::array<std::uint64_t, kKinds.size()> kinds{};
  std::string text() const {
    std::ostringstream s;
    s << "frames=" << frames;
    for (std::size_t k = 0; k < kKinds.size(); ++k) s << " " << kKinds[k] << "=" << kinds[k];
    return s.str();
  }
};

class FrameFaultRun {
 public:
  FrameFaultRun(std::uint64_t seed, std::string spec, bool spec_from_env)
      : seed_(seed), spec_(std::move(spec)) {
    std::mt19937_64 gen(seed);
    for (std::size_t i = 0; i < kValidators; ++i) node_seeds_.push_back(gen());
    std::ostringstream replay;
    replay << "RL_FAULT_SEED=" << seed << " ";
    if (spec_from_env) replay << "RL_FRAME_FAULTS='" << spec_ << "' ";
    replay << RL_BINARY_DIR << "/tests/cluster/" << RL_STR(RL_FRAME_BINARY) << " --gtest_filter='"
           << RL_STR(RL_FRAME_SUITE) << ".FourValidators'";
    replay_ = replay.str();
  }

  // Runs the four steps; returns what the nodes did to frames (zero when it stopped early).
  Totals run() {
    std::ostringstream seeds;
    for (std::size_t i = 0; i < kValidators; ++i) seeds << (i ? "," : "") << node_seeds_[i];
    std::printf("[framefaults] seed=%llu nodes=%zu frame_faults=%s node_seeds=%s\n",
                static_cast<unsigned long long>(seed_), kValidators, spec_.c_str(),
                seeds.str().c_str());
    std::printf("[framefaults]   replay: %s\n", replay_.c_str());
    std::fflush(stdout);
    ClusterOptions o;
    o.validators = static_cast<std::uint32_t>(kValidators);
    o.name = "framefaults";
    o.part_bytes = 4096;  // non-empty proposals travel in parts: more frames to fault
    o.binary = std::string(RL_BINARY_DIR) + "/tests/cluster/regledgerd_frame_faults";
    for (std::size_t i = 0; i < kValidators; ++i) {
      o.node_env.push_back({"REGLEDGER_FRAME_FAULTS=" + spec_,
                            "REGLEDGER_FRAME_FAULTS_SEED=" + std::to_string(node_seeds_[i])});
    }
    FaultRun run(o, seed_);
    Cluster& c = run.cluster();
    std::vector<std::size_t> all;
    for (std::size_t i = 0; i < c.size(); ++i) all.push_back(i);
    if (!c.wait_height(all, 2, std::chrono::seconds(60))) {
      fail("the network did not reach height 2 within 60 s", c);
      return {};
    }
    run.start_load(seed_);

    std::this_thread::sleep_for(std::chrono::milliseconds(RL_FRAME_ONLY_MS));
    if (!report("frame faults alone", run.check_after_heal(), c)) return {};

    const auto steps =
        make_fault_schedule(seed_, kValidators, std::chrono::milliseconds(RL_FAULT_SPAN_MS));
    std::printf("[framefaults]   proxy schedule: %zu faults over %d ms\n", steps.size(),
                RL_FAULT_SPAN_MS);
    const FaultTally tally = play_faults(run.net(), steps, [](const FaultStep& s) {
      std::printf("[framefaults]     %s\n", s.describe().c_str());
    });
    std::printf("[framefaults]   proxy faults: %s\n", tally.summary().c_str());
    if (!report("frame faults + proxy schedule, healed", run.check_after_heal(), c)) return {};
    if (!report("every accepted tx", run.check_every_tx_committed(), c)) return {};

    // SIGTERM: each node logs its final counts as its P2P network stops.
    Totals totals;
    for (std::size_t i = 0; i < c.size(); ++i) {
      const int rc = c.stop(i);
      if (rc != 0) ADD_FAILURE() << "node" << i << " exited with status " << rc << " on SIGTERM";
      const auto s = read_frame_fault_summary(c.dir() + "/node" + std::to_string(i) + ".log");
      if (!s.found || !s.final || s.get("seed") != node_seeds_[i]) {
        ADD_FAILURE() << "node" << i << " logged no final frame-fault summary with seed "
                      << node_seeds_[i] << "\n"
                      << c.log_tail(i);
        continue;
      }
      Totals n;
      n.frames = s.get("frames");
      for (std::size_t k = 0; k < kKinds.size(); ++k) n.kinds[k] = s.get(kKinds[k]);
      std::printf("[framefaults]   node%zu seed=%llu %s reorder_released_by_timer=%llu\n", i,
                  static_cast<unsigned long long>(node_seeds_[i]), n.text().c_str(),
                  static_cast<unsigned long long>(s.get("reorder_released_by_timer")));
      totals.frames += n.frames;
      for (std::size_t k = 0; k < kKinds.size(); ++k) totals.kinds[k] += n.kinds[k];
    }
    std::printf("[framefaults] seed=%llu frame faults on all nodes: %s\n",
                static_cast<unsigned long long>(seed_), totals.text().c_str());
    std::fflush(stdout);
    return totals;
  }

 private:
  bool report(const char* phase, const CheckResult& check, const Cluster& c) {
    std::printf("[framefaults]   %s: %s\n", phase, check.summary.c_str());
    std::fflush(stdout);
    for (const auto& v : check.violations) ADD_FAILURE() << "seed " << seed_ << ": " << v;
    if (check.violations.empty()) return true;
    fail(phase, c);
    return false;
  }

  void fail(const std::string& what, const Cluster& c) {
    ADD_FAILURE() << "seed " << seed_ << ": " << what << "\nreplay: " << replay_ << "\n"
                  << c.all_logs_tail(1500);
  }

  const std::uint64_t seed_;
  const std::string spec_;
  std::vector<std::uint64_t> node_seeds_;
  std::string replay_;
};

TEST(RL_FRAME_SUITE, FourValidators) {
  const char* env_spec = std::getenv("RL_FRAME_FAULTS");
  const bool from_env = env_spec != nullptr && *env_spec != '\0';
  const std::string spec = from_env ? env_spec : default_spec();
  const auto seeds = fault_seeds_from_env(RL_FRAME_SEEDS);
  std::printf(
      "[framefaults] %zu seed(s), %zu validators, frame faults %s, %d ms of them alone, then "
      "%d ms of proxy faults\n",
      seeds.size(), kValidators, spec.c_str(), RL_FRAME_ONLY_MS, RL_FAULT_SPAN_MS);
  Totals all;
  for (std::uint64_t seed : seeds) {
    const Totals t = FrameFaultRun(seed, spec, from_env).run();
    if (::testing::Test::HasFailure()) return;
    all.frames += t.frames;
    for (std::size_t k = 0; k < kKinds.size(); ++k) all.kinds[k] += t.kinds[k];
  }
  std::printf("[framefaults] %zu seed(s) passed, frame faults in all: %s\n", seeds.size(),
              all.text().c_str());
  // Without faults the checks above prove nothing: every kind must have happened (thousands of
  // frames at the default rates; a spec of one's own may leave kinds out).
  EXPECT_GT(all.frames, 0u);
  if (!from_env) {
    for (std::size_t k = 0; k < kKinds.size(); ++k) {
      EXPECT_GT(all.kinds[k], 0u) << "no frame was " << kKinds[k];
    }
  }
}

}  // namespace
}  // namespace rl::testing
