#pragma once
// What a validator must have on disk (fsync'ed) before any message it produced in a step leaves
// the process. Losing it after a crash could make an honest validator sign two different votes
// for one (height, round, type) or forget a lock, which is how BFT safety is lost in practice.

#include <optional>
#include <vector>

#include "consensus/messages.hpp"

namespace rl::consensus {

// The core's persistent state (Algorithm 1's h_p, round_p, step_p, lockedValue_p, lockedRound_p,
// validValue_p, validRound_p, plus what this validator last signed). Consensus holds exactly one
// of these and its rules read and write it directly, so persisting never copies field by field
// (decision 0071; etcd raft's HardState is the model).
struct PersistentState {
  Height height = 1;
  Round round = 0;
  Step step = Step::kPropose;
  Round locked_round = kNoRound;
  Bytes locked_value;
  Bytes locked_hash;
  Round valid_round = kNoRound;
  Bytes valid_value;
  Bytes valid_hash;
  // The last vote this validator signed; nothing at or below its (height, round, type) is ever
  // signed again unless it is byte-identical.
  std::optional<Vote> last_vote;
  // The last proposal this validator signed; a restarted proposer re-sends it instead of asking
  // the application for a second, different block in the same round.
  std::optional<Proposal> last_proposal;

  bool operator==(const PersistentState&) const = default;
};

// The persistent state plus the signed votes a restarted validator needs again. Those votes are
// derived from the core's tallies when it persists (they are not state the rules write), which
// is why they live here and not in PersistentState.
struct SafetyState : PersistentState {
  // Our own votes of this height in the current and the previous round. Re-sent after a restart:
  // a peer still in the previous round needs them to time out into ours.
  std::vector<Vote> recent_votes;
  // The 2f+1 prevotes for valid_value in valid_round (its proof-of-lock). Without them a
  // restarted validator keeps its lock but can no longer convince anyone to accept its
  // re-proposal, which can stall the height for good.
  std::vector<Vote> valid_pol;

  bool operator==(const SafetyState&) const = default;
};

}  // namespace rl::consensus
