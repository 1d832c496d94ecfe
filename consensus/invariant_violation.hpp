#pragma once
// The invariants the core checks on its own state (consensus/invariants.hpp) and what it reports
// when one does not hold. A violation means a bug (or a corrupted disk), never bad input from a
// peer: the core stops and the shell halts the node (docs/consensus.md "Invariants").

#include <cstdint>
#include <string>

#include "common/result.hpp"

namespace rl::consensus {

enum class Invariant : std::uint8_t {
  // The state alone (after every step that changed it, and the state restored from disk).
  kHeightPositive,
  kRoundInRange,
  kLockedRoundNotAboveRound,
  kValidRoundNotAboveRound,
  kLockedRoundNotAboveValidRound,
  kLockComplete,
  kValidComplete,
  kLastVoteNotAhead,
  kLastProposalNotAhead,
  kScheduleCoversHeight,
  // The restored SafetyState's derived votes.
  kRestoredVotesMatchState,
  // The change between two consecutive checked states.
  kHeightNeverDecreases,
  kRoundNeverDecreases,
  kStepNeverDecreases,
  kLockNeverRegresses,
  kValidNeverRegresses,
  kLastVoteNeverRegresses,
  kOneVotePerSlot,
  kOneProposalPerRound,
  // The decision a step returns.
  kOneDecisionPerStep,
  kDecisionFollowsHeight,
  kDecisionCertificateMatches,
};

// Stable lower_snake_case names: they appear in logs, alerts and the docs.
const char* invariant_name(Invariant i);

// The error code of every violation; the message names the invariant.
inline constexpr const char* kInvariantViolatedCode = "consensus_invariant_violated";

struct InvariantViolation {
  Invariant invariant = Invariant::kHeightPositive;
  std::string detail;

  const char* name() const { return invariant_name(invariant); }
  Error to_error() const {
    return make_error(kInvariantViolatedCode,
                      std::string("invariant ") + name() + " violated: " + detail);
  }
  bool operator==(const InvariantViolation&) const = default;
};

}  // namespace rl::consensus
