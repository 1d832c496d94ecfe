#pragma once
// White-box access to a Consensus for the invariant tests: each test plants the bug an invariant
// exists for (a write between steps, or code run inside a step) and shows the core stops with
// that invariant's name. Nothing outside tests/ includes this.

#include <functional>

#include "consensus/core.hpp"

namespace rl::consensus {

class ConsensusTestPeer {
 public:
  // The core's state, written between two steps as a bug elsewhere in the core would.
  static PersistentState& state(Consensus& c) { return c.state_.mut(); }
  // Runs `bug` inside a step (where the rules run), then the step's checks.
  static Ready step_with(Consensus& c, const std::function<void()>& bug) { return c.run_step(bug); }
  // The core's own actions, for `bug` to call out of turn.
  static void sign_vote(Consensus& c, VoteType type, const Bytes& value_hash) {
    c.sign_and_send_vote(type, value_hash);
  }
  static void decide(Consensus& c, Decision d) {
    c.decide(d.height, d.round, std::move(d.value), std::move(d.value_hash),
             std::move(d.certificate));
  }
};

}  // namespace rl::consensus
