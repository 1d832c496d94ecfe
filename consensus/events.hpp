#pragma once
// Inputs of the state machine. The shell (node or simulator) turns sockets, timers, the
// application and block sync into these values and feeds them to Consensus::step one at a time.

#include <variant>

#include "consensus/messages.hpp"
#include "consensus/validator_set.hpp"

namespace rl::consensus {

// First event after construction: starts (or, from a restored SafetyState, resumes) the height.
struct Start {};

// Periodic nudge (e.g. every second): the core re-sends its own messages of the current round and
// the prevotes that justify its valid value, which is how it survives message loss.
struct Tick {};

// A timer requested in Ready::timers expired (the shell uses its own clock for the delay).
struct TimeoutFired {
  TimeoutKind kind = TimeoutKind::kPropose;
  Height height = 0;
  Round round = 0;
};

// A message decoded from a peer. The core verifies its signature with the injected Verifier
// against the validator set it holds for the message's height.
struct Received {
  Message message;
};

// The application built the block the core asked for in Ready::build_proposal.
struct ProposalReady {
  Height height = 0;
  Round round = 0;
  Bytes value;
  Bytes value_hash;
};

// The application's verdict on a value the core asked about in Ready::check_proposals.
struct ProposalChecked {
  Height height = 0;
  Round round = 0;
  Bytes value_hash;
  bool valid = false;
};

// A decided value and its commit certificate, from block sync. Accepted for any height at or
// above the current one; the certificate is verified against the set in force at that height.
struct SyncedBlock {
  Bytes value;
  CommitCertificate certificate;
};

// The application decided (at height effective_height - 2) that `set` governs from
// effective_height on. Must be fed right after the block that decided it has been applied.
struct ValidatorSetChange {
  Height effective_height = 0;
  ValidatorSet set;
};

using Event = std::variant<Start, Tick, TimeoutFired, Received, ProposalReady, ProposalChecked,
                           SyncedBlock, ValidatorSetChange>;

}  // namespace rl::consensus
