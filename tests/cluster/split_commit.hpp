#pragma once
// The split-commit adversary: a scheduler for a FaultNetwork of four validators, aimed at the
// rule that keeps Tendermint safe when one validator decides and the others do not see it: a
// validator that precommitted a value in a round stays locked on it.
//
// The links all get a fixed delay D, which makes the steps of a height D apart, and the
// adversary, watching the heights, times its stalls within a height. For height h it names
// Y = the proposer of round 0, W = the proposer of round 1, and X, Z the other two:
//   Y -> W is delayed past W's propose timeout: W prevotes nil in round 0 and never sees the
//     round-0 proposal with 2f+1 prevotes (so it has no valid value to re-propose);
//   X -> W stalls once X's precommit for h - 1 has passed and before X's prevote for h does;
//   X -> Y and X -> Z stall after X's prevote passed and before its precommit does.
// X sees the precommits of Y and Z and decides the round-0 value A. Y and Z precommitted A but
// never see a third precommit for it; with W's nil they time out into round 1, where W proposes
// a new block B. A validator that keeps its lock prevotes nil on B, and A is decided again later
// (the held bytes are dropped by a cut, but X serves A by sync once healed). A validator that
// ignores its lock prevotes B: Y, Z and W decide B at the height where X decided A.
// Timing is by wall clock, so an attempt can miss its window; it then does no harm.

#include <chrono>
#include <cstdint>
#include <random>
#include <string>

#include "tests/support/cluster.hpp"
#include "tests/support/fault_network.hpp"

namespace rl::testing {

struct SplitCommitTiming {
  std::chrono::milliseconds link_delay{600};      // D on every link
  std::chrono::milliseconds late_delay{3200};     // Y -> W: above W's propose timeout plus D
  std::chrono::milliseconds stall_x_to_w{900};    // after Y decided h - 1 (~1.5 D)
  std::chrono::milliseconds stall_x_to_yz{1550};  // after Y decided h - 1 (~2.5 D)
  std::chrono::milliseconds hold{11000};          // then X's held bytes are cut, links heal
};
// The node timeouts the timing above assumes (ClusterOptions).
inline constexpr std::uint64_t kSplitCommitProposeMs = 2000;
inline constexpr std::uint64_t kSplitCommitVoteMs = 500;
inline constexpr std::uint64_t kSplitCommitDeltaMs = 250;

struct SplitCommitAttempt {
  std::uint64_t height = 0;
  std::size_t x = 0, y = 0, z = 0, w = 0;
  std::string describe() const;
};

// One attempt (about 15 s): returns the height and roles it aimed at. Leaves every link healed.
SplitCommitAttempt play_split_commit(const Cluster& c, FaultNetwork& net, std::mt19937_64& rng,
                                     const SplitCommitTiming& t = {});

}  // namespace rl::testing
