#pragma once
// Plays a fault schedule against a FaultNetwork in real time. Faults overlap freely: at every
// start and end the driver works out what each link should be from all faults active then (the
// longest delay, any stall, any partition that separates the pair) and sets what changed, so
// ending one fault never undoes another.

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "tests/cluster/fault_schedule.hpp"
#include "tests/support/fault_network.hpp"

namespace rl::testing {

struct FaultTally {
  std::array<std::uint64_t, kFaultKinds> steps{};  // by FaultKind
  std::uint64_t connections_reset = 0;             // by cuts and partition starts
  std::string summary() const;                     // "delay=3 stall=1 partition=2 cut=1 ..."
};

// Blocks until the last fault has ended, then heals every link. `on_step` (may be empty) is
// called as each fault starts.
FaultTally play_faults(FaultNetwork& net, const std::vector<FaultStep>& steps,
                       const std::function<void(const FaultStep&)>& on_step = {});

}  // namespace rl::testing
