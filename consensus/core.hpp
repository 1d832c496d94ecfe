#pragma once
// Tendermint (Buchman, Kwon, Milosevic: "The latest gossip on BFT consensus", 2018, Algorithm 1)
// as a pure state machine: `Ready step(const Event&)`. No sockets, threads, clocks or randomness;
// signing, verification and value hashing are injected (crypto_hooks.hpp). Deterministic: the
// same sequence of events always yields the same sequence of Ready values.
//
// Driving it (see docs/consensus.md):
//   auto c = Consensus::create(config, schedule, last_committed + 1, safety_state_from_disk,
//   hooks); handle(c->step(Start{}));   then, for every input, handle(c->step(event));
// where handle() follows the order documented in ready.hpp: commit decided block, persist the
// SafetyState (fsync), then send / schedule / ask the application. A Ready with `fatal` set means
// the core found its own state impossible (consensus/invariants.hpp): it has stopped, and the
// shell must halt the node.

#include <functional>
#include <optional>
#include <set>
#include <tuple>
#include <vector>

#include "common/result.hpp"
#include "consensus/config.hpp"
#include "consensus/crypto_hooks.hpp"
#include "consensus/events.hpp"
#include "consensus/invariant_violation.hpp"
#include "consensus/ready.hpp"
#include "consensus/tracked.hpp"
#include "consensus/validator_set.hpp"
#include "consensus/vote_tally.hpp"

namespace rl::consensus {

class Consensus {
 public:
  // `start_height` is the first height the application has not committed (last committed + 1).
  // `schedule` must hold the sets in force at start_height and start_height + 1. `restored` is the
  // SafetyState last persisted; it is resumed when it is for start_height and ignored when older.
  // A restored state that breaks an invariant is refused with consensus_invariant_violated.
  static Result<Consensus> create(Config config, ValidatorSchedule schedule, Height start_height,
                                  std::optional<SafetyState> restored, CryptoHooks crypto);

  Ready step(const Event& event);

  Height height() const { return state_->height; }
  Round round() const { return state_->round; }
  Step current_step() const { return state_->step; }
  Round locked_round() const { return state_->locked_round; }
  const Bytes& locked_hash() const { return state_->locked_hash; }
  Round valid_round() const { return state_->valid_round; }
  const Bytes& valid_hash() const { return state_->valid_hash; }
  const PersistentState& state() const { return *state_; }
  std::optional<ValidatorIndex> self_index() const { return self_index_; }
  const ValidatorSet& validators() const { return schedule_.at(state_->height); }
  ValidatorIndex proposer(Height h, Round r) const { return schedule_.at(h).proposer(h, r); }
  // The violation that stopped the core, if any; every later step returns it again.
  const std::optional<InvariantViolation>& fatal() const { return fatal_; }
  SafetyState safety_state() const;

 private:
  // Per-round view of the current height.
  struct RoundMessages {
    std::vector<Proposal> proposals;  // from the round's proposer, first received first
    VoteTally prevotes;
    VoteTally precommits;
    std::set<ValidatorIndex> senders;  // anyone with a message in this round (rule L55)
    Power sender_power = 0;
    bool prevote_timeout_scheduled = false;    // L34 "for the first time"
    bool precommit_timeout_scheduled = false;  // L47 "for the first time"
    bool polka_value_seen = false;             // L36 "for the first time"
  };
  // Tests drive the core into impossible states through this (tests/consensus/support).
  friend class ConsensusTestPeer;

  Consensus(Config config, ValidatorSchedule schedule, CryptoHooks crypto);

  // One step: `body` handles the input, then the invariants are checked. The seam exists so that
  // tests can plant a bug inside a step (ConsensusTestPeer).
  Ready run_step(const std::function<void()>& body);
  void check_invariants(Ready& out, Height height_before);
  void violate(InvariantViolation v);
  Ready stopped() const;

  void on(const Start&);
  void on(const Tick&);
  void on(const TimeoutFired&);
  void on(const Received&);
  void on(const ProposalReady&);
  void on(const ProposalChecked&);
  void on(const SyncedBlock&);
  void on(const ValidatorSetChange&);
  void on_proposal(const Proposal& p);
  void on_vote(const Vote& v);

  // The upon-rules of Algorithm 1, each returning whether it fired.
  void run_rules();
  bool rule_decide();               // L49
  bool rule_skip_round();           // L55
  bool rule_prevote_on_proposal();  // L22 and L28
  bool rule_prevote_timeout();      // L34
  bool rule_lock_on_polka();        // L36
  bool rule_precommit_nil();        // L44
  bool rule_precommit_timeout();    // L47

  void start_round(Round r);
  void enter_height(Height h);
  void propose_or_request();
  void sign_and_send_proposal(Bytes value, Bytes value_hash, Round pol_round);
  void sign_and_send_vote(VoteType type, const Bytes& value_hash);
  void decide(Height h, Round r, Bytes value, Bytes value_hash, CommitCertificate cert);
  void schedule_timeout(TimeoutKind kind);
  void store_proposal(const Proposal& p);
  void restore_vote(const Vote& v);
  void add_sender(RoundMessages& rm, ValidatorIndex v);
  CommitCertificate certificate_from(Round r, const Bytes& value_hash) const;
  std::optional<bool> validity(const Bytes& value_hash) const;
  bool can_sign() const;
  bool am_proposer() const;
  void reject(const char* code, std::string message);

  Config config_;
  ValidatorSchedule schedule_;
  CryptoHooks crypto_;
  Ready* out_ = nullptr;
  bool started_ = false;
  bool resumed_ = false;

  // Paper: h_p, round_p, step_p, lockedValue_p, lockedRound_p, validValue_p, validRound_p, and
  // what this validator last signed. Written only through state_.mut(), which counts the writes.
  Tracked<PersistentState> state_;
  // The state as of the last step that changed it (what was persisted and checked then), and the
  // write count at that time: the next change is checked against it and persisted.
  PersistentState checked_;
  std::uint64_t checked_generation_ = 0;
  std::optional<InvariantViolation> fatal_;
  std::optional<ValidatorIndex> self_index_;

  // Messages and application verdicts of the current height only.
  std::map<Round, RoundMessages> rounds_;
  std::map<Bytes, bool, BytesLess> validity_;
  std::set<Bytes, BytesLess> checks_requested_;
  std::set<Bytes, BytesLess> proposed_values_;  // value hashes of the proposals we hold
  std::set<std::tuple<ValidatorIndex, Round, VoteType>> evidence_reported_;
  Round build_requested_round_ = kNoRound;
};

}  // namespace rl::consensus
