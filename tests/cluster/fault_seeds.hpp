#pragma once
// The seeds of a fault test: fresh on every run, or the one to replay.
//   RL_FAULT_SEED=S    only seed S      RL_FAULT_SEEDS=N   N fresh seeds (else default_count)
// Every test prints each seed with the command that replays it.

#include <cstdint>
#include <vector>

namespace rl::testing {

std::vector<std::uint64_t> fault_seeds_from_env(int default_count);

}  // namespace rl::testing
