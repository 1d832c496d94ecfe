#pragma once
// A random fault schedule for a FaultNetwork, drawn from one seed: which faults start when, on
// which links, for how long. Pure (no clocks, no sockets): the same seed and node count give the
// same schedule, which is what a printed seed replays. The interleaving with the nodes' own
// timers is not reproduced; a replay runs the same faults against new processes.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace rl::testing {

enum class FaultKind : std::uint8_t {
  kDelay,      // traffic from -> to delayed by fixed + U[0, jitter]
  kStall,      // traffic from -> to stops (one-way)
  kPartition,  // groups cannot talk (two-way): open connections reset, new ones refused
  kCut,        // the connections of a pair reset once; the nodes redial at once
};
inline constexpr std::size_t kFaultKinds = 4;
const char* fault_kind_name(FaultKind k);

struct FaultStep {
  std::chrono::milliseconds at{0};        // from the start of the faulty phase
  std::chrono::milliseconds duration{0};  // until undone (0 for a cut)
  FaultKind kind = FaultKind::kDelay;
  std::size_t from = 0;  // delay, stall: the sending node; cut: one of the pair
  std::size_t to = 0;
  std::chrono::milliseconds fixed{0};  // delay
  std::chrono::milliseconds jitter{0};
  std::vector<std::vector<std::size_t>> groups;  // partition: every node in exactly one group
  std::string describe() const;
};

// Steps starting within [0, span), each ending by span + its duration (at most 5 s).
std::vector<FaultStep> make_fault_schedule(std::uint64_t seed, std::size_t nodes,
                                           std::chrono::milliseconds span);

}  // namespace rl::testing
