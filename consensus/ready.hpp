#pragma once
// Outputs of one Consensus::step. The shell MUST act on them in this order:
//   1. if `decided`: commit the block and its certificate durably (one atomic, synced write);
//   2. if `persist`: write the SafetyState and fsync it;
//   3. only then broadcast `broadcast`, schedule `timers`, and pass `build_proposal`,
//      `check_proposals` and `evidence` to the application.
// "Persist before send" is what makes "never sign twice" survive a crash (docs/consensus.md,
// decision 0004).
// A Ready with `fatal` set carries nothing else: the core found its own state impossible and has
// stopped. The shell must halt the node loudly (decision 0071) instead of acting on anything.

#include <optional>
#include <vector>

#include "common/result.hpp"
#include "consensus/invariant_violation.hpp"
#include "consensus/messages.hpp"
#include "consensus/safety_state.hpp"

namespace rl::consensus {

struct TimerRequest {
  TimeoutKind kind = TimeoutKind::kPropose;
  Height height = 0;
  Round round = 0;
  std::uint64_t delay_ms = 0;
  bool operator==(const TimerRequest&) const = default;
};

// We are the proposer of (height, round) and hold no valid value: build a block and answer with
// ProposalReady.
struct BuildProposal {
  Height height = 0;
  Round round = 0;
};

// Decide whether `value` is a valid block for `height` and answer with ProposalChecked.
struct CheckProposal {
  Height height = 0;
  Round round = 0;
  Bytes value;
  Bytes value_hash;
};

struct Decision {
  Height height = 0;
  Round round = 0;
  Bytes value;
  Bytes value_hash;
  CommitCertificate certificate;
};

struct Ready {
  std::optional<Decision> decided;
  std::optional<SafetyState> persist;
  std::vector<Message> broadcast;
  std::vector<TimerRequest> timers;
  std::optional<BuildProposal> build_proposal;
  std::vector<CheckProposal> check_proposals;
  std::vector<DuplicateVoteEvidence> evidence;
  // Why inputs of this step were ignored (for logs and metrics); a rejected input changes no state.
  std::vector<Error> rejected;
  // The invariant this step (or an earlier one) found broken; see the note at the top.
  std::optional<InvariantViolation> fatal;
};

}  // namespace rl::consensus
