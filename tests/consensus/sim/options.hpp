#pragma once
// What one simulator run does (SimOptions) and what it found (SimResult).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rl::consensus::sim {

// Fault kinds, combined into a mix per test case.
enum Fault : std::uint32_t {
  kNetwork = 1u << 0,          // delay spikes (reordering), loss, duplication
  kPartition = 1u << 1,        // symmetric and asymmetric partitions
  kIsolateProposer = 1u << 2,  // cut the proposer off once its proposal reached exactly 2f+1
  kClog = 1u << 3,             // links that hold their traffic for a while
  kCrash = 1u << 4,            // crash (at any point of handling a Ready) and restart
  kPause = 1u << 5,            // process stopped and resumed with its inputs queued
  kWipe = 1u << 6,             // disk wiped; the node rejoins through catch-up
  kByzantine = 1u << 7,        // up to f Byzantine validators
  kSkew = 1u << 8,             // large per-node clock-rate skew (small skew is always on)
  kAllFaults = (1u << 9) - 1,
};

// The named fault mixes of the sweeps; replay commands name a mix, not a bit set.
struct Mix {
  const char* name;
  std::uint32_t faults;
};

inline constexpr Mix kMixes[] = {
    {"network", kNetwork | kClog | kSkew},
    {"partition", kNetwork | kPartition | kIsolateProposer},
    {"crash", kNetwork | kCrash | kPause | kWipe},
    {"byzantine", kNetwork | kByzantine},
    {"all", kAllFaults},
};

inline std::optional<std::uint32_t> mix_faults(std::string_view name) {
  for (const Mix& m : kMixes)
    if (name == m.name) return m.faults;
  return std::nullopt;
}

// What a crash does to the node's SafetyState on disk. Anything but kIntact is a planted bug
// for the bite tests, which show that the checker notices what the bug leads to.
enum class RestartDisk {
  kIntact,         // the contract of ready.hpp: the restarted node resumes from its state
  kNoSafetyState,  // the state is lost: the node may sign a second value for a slot
  kNoLock,         // the lock fields are lost: the node's lock goes back within a height
};

struct SimOptions {
  std::uint64_t seed = 1;
  int n = 4;
  std::uint32_t faults = kAllFaults;
  int byzantine = -1;  // -1: f when kByzantine is set, else 0; more than f only in bite tests
  bool disable_locking = false;  // the test-only switch of consensus::Config
  // Test only (bite tests); the sweeps leave these alone, so their traces do not change.
  RestartDisk restart_disk = RestartDisk::kIntact;
  int stop_at_heal = 0;      // honest nodes (highest index first) stopped for good at healing
  bool equal_power = false;  // every validator has power 1, so "f + 1 down" is a third or more
  bool verbose = false;      // print the trace
  std::uint64_t max_fault_phase_ms = 8000;
  // After healing, every honest node must decide `liveness_heights` new heights within this.
  std::uint64_t liveness_bound_ms = 30000;
  std::uint64_t liveness_heights = 2;
  std::uint64_t max_events = 3'000'000;
};

struct SimResult {
  std::vector<std::string> violations;  // empty = all invariants held
  bool agreement_violated = false;
  std::uint64_t trace_hash = 0;
  std::uint64_t events = 0;
  std::uint64_t max_height = 0;  // highest height decided by an honest node
  std::uint64_t heal_time_ms = 0;
  std::uint64_t liveness_ms = 0;  // time from healing to the liveness target
  std::uint64_t evidence = 0;     // duplicate-vote evidence produced by honest nodes
  std::uint64_t rejected = 0;     // inputs the cores rejected
  std::uint64_t garbage = 0;      // packets the decoder rejected
};

std::string describe_faults(std::uint32_t faults);

}  // namespace rl::consensus::sim
