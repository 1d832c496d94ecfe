#pragma once
// The phases of byzantine_validator_test: a cluster whose last validators run
// regledgerd_byzantine, restarted with the modes of each phase in turn, and what each phase
// checks once the honest nodes have committed its heights.

#include <cstdint>
#include <string>
#include <vector>

namespace rl::testing {

struct Phase {
  std::string modes;          // REGLEDGER_BYZANTINE: mode names, or "all"
  std::uint64_t heights = 0;  // the honest nodes commit this many while it runs
  // With lying_status: the last honest node is down while the others commit this many heights
  // (0: it is not), then must catch up although the liar claims to be far ahead.
  std::uint64_t lag = 0;
};

std::string byzantine_binary();
// RL_BYZ_SEED, or a fresh seed: the Byzantine tests' one number to print and replay.
std::uint64_t byzantine_seed_from_env();

// `validators` nodes, of which the last `byzantine` run regledgerd_byzantine; the phases in
// order on one cluster, each with a seed derived from `seed` (printed).
void run_phases(std::size_t validators, std::size_t byzantine, const std::vector<Phase>& phases,
                std::uint64_t seed);

}  // namespace rl::testing
