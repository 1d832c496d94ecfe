#pragma once
// What one simulator run does (SimOptions) and what it found (SimResult).

#include <cstdint>
#include <string>
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

struct SimOptions {
  std::uint64_t seed = 1;
  int n = 4;
  std::uint32_t faults = kAllFaults;
  int byzantine = -1;  // -1: f when kByzantine is set, else 0; more than f only in bite tests
  bool disable_locking = false;  // the test-only switch of consensus::Config
  bool verbose = false;          // print the trace
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
