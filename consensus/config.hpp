#pragma once
// Static configuration of one Consensus instance.

#include <string>

#include "common/bytes.hpp"
#include "consensus/types.hpp"

namespace rl::consensus {

// timeout(step, r) = base + r * delta: timeouts grow with the round so that, after the network
// stabilises, some round is long enough for the honest validators to finish it (paper, section 3).
struct TimeoutConfig {
  std::uint64_t propose_base_ms = 3000;
  std::uint64_t propose_delta_ms = 500;
  std::uint64_t prevote_base_ms = 1000;
  std::uint64_t prevote_delta_ms = 500;
  std::uint64_t precommit_base_ms = 1000;
  std::uint64_t precommit_delta_ms = 500;

  std::uint64_t delay_ms(TimeoutKind kind, Round round) const;
};

struct Config {
  std::string chain_id;
  // This node's identity in the validator sets; empty (or absent from a set) = observer at
  // that height: follows and decides but never signs.
  Bytes self_id;
  TimeoutConfig timeouts;
  // Never sign a proposal or vote below this height. A validator whose disk was wiped sets it
  // above any height it may have signed at before (the operator's double-sign guard).
  Height sign_from_height = 1;
  // Messages for rounds further ahead than this are dropped (bounds memory per Byzantine peer).
  Round max_rounds_ahead = 1000;
  // Distinct proposals kept per round (more only happen when the proposer equivocates).
  std::size_t max_proposals_per_round = 4;
  // TEST ONLY: ignore the lock when prevoting. Exists so the simulator can prove its agreement
  // checker catches the resulting forks. Never set outside tests.
  bool unsafe_disable_locking = false;
};

}  // namespace rl::consensus
