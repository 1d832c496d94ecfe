#include "consensus/core.hpp"

#include <string>

#include "consensus/certificate.hpp"
#include "consensus/codec.hpp"
#include "consensus/invariants.hpp"
#include "consensus/sign_bytes.hpp"

namespace rl::consensus {
namespace {

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

}  // namespace

std::uint64_t TimeoutConfig::delay_ms(TimeoutKind kind, Round round) const {
  const auto r = static_cast<std::uint64_t>(round);
  switch (kind) {
    case TimeoutKind::kPropose:
      return propose_base_ms + r * propose_delta_ms;
    case TimeoutKind::kPrevote:
      return prevote_base_ms + r * prevote_delta_ms;
    case TimeoutKind::kPrecommit:
      return precommit_base_ms + r * precommit_delta_ms;
  }
  return propose_base_ms;
}

Consensus::Consensus(Config config, ValidatorSchedule schedule, CryptoHooks crypto)
    : config_(std::move(config)), schedule_(std::move(schedule)), crypto_(crypto) {}

Result<Consensus> Consensus::create(Config config, ValidatorSchedule schedule, Height start_height,
                                    std::optional<SafetyState> restored, CryptoHooks crypto) {
  if (crypto.verifier == nullptr || crypto.hasher == nullptr)
    return make_error("invalid_consensus_config", "verifier and hasher are required");
  if (start_height == 0) return make_error("invalid_consensus_config", "heights start at 1");
  if (restored && restored->height > start_height)
    return make_error("safety_state_ahead", "persisted safety state is for height " +
                                                std::to_string(restored->height) +
                                                " but the application committed only up to " +
                                                std::to_string(start_height - 1));
  // An impossible record on our own disk is a bug or corruption: resuming from it could sign
  // against a lock or twice for one slot. Refuse to start instead.
  if (restored)
    if (auto v = check_restored(*restored)) return v->to_error();
  Consensus c(std::move(config), std::move(schedule), crypto);
  c.enter_height(start_height);
  if (restored) {
    PersistentState& s = c.state_.mut();
    if (restored->height == start_height) {
      c.resumed_ = true;
      s = static_cast<const PersistentState&>(*restored);  // the votes are restored below
      // A value we locked on or proposed passed the application's check before the crash.
      if (!s.locked_hash.empty()) c.validity_[s.locked_hash] = true;
      if (!s.valid_hash.empty()) c.validity_[s.valid_hash] = true;
      for (const auto& v : restored->recent_votes) c.restore_vote(v);
      for (const auto& v : restored->valid_pol) c.restore_vote(v);
    } else {
      // Signatures of older heights still guard against re-signing them.
      s.last_vote = restored->last_vote;
      s.last_proposal = restored->last_proposal;
    }
  }
  if (auto v = check_state(*c.state_)) return v->to_error();
  if (auto v = check_schedule(c.schedule_, c.state_->height)) return v->to_error();
  c.checked_ = *c.state_;
  c.checked_generation_ = c.state_.generation();
  return c;
}

SafetyState Consensus::safety_state() const {
  const PersistentState& st = *state_;
  SafetyState s{st, {}, {}};
  if (self_index_) {
    for (Round r = st.round > 0 ? st.round - 1 : 0; r <= st.round; ++r) {
      auto it = rounds_.find(r);
      if (it == rounds_.end()) continue;
      if (const Vote* v = it->second.prevotes.vote_of(*self_index_)) s.recent_votes.push_back(*v);
      if (const Vote* v = it->second.precommits.vote_of(*self_index_)) s.recent_votes.push_back(*v);
    }
  }
  if (st.valid_round != kNoRound) {
    auto it = rounds_.find(st.valid_round);
    if (it != rounds_.end())
      for (const auto& [idx, v] : it->second.prevotes.votes_for(st.valid_hash))
        s.valid_pol.push_back(v);
  }
  return s;
}

Ready Consensus::step(const Event& event) {
  return run_step([this, &event] {
    if (!started_ && !std::holds_alternative<Start>(event) &&
        !std::holds_alternative<ValidatorSetChange>(event)) {
      reject("not_started", "event before Start");
      return;
    }
    std::visit([this](const auto& e) { on(e); }, event);
    if (started_) run_rules();
  });
}

Ready Consensus::run_step(const std::function<void()>& body) {
  // A stopped core does nothing: its state is impossible, so nothing it would do can be trusted.
  if (fatal_) return stopped();
  Ready out;
  out_ = &out;
  const Height height_before = state_->height;
  body();
  check_invariants(out, height_before);
  out_ = nullptr;
  // Nothing of a step that broke an invariant leaves: not its messages, not its state.
  if (fatal_) return stopped();
  return out;
}

void Consensus::check_invariants(Ready& out, Height height_before) {
  if (out.decided)
    if (auto v = check_decision(*out.decided, height_before, state_->height)) violate(*v);
  if (state_.generation() == checked_generation_) return;  // unchanged since the last check
  if (auto v = check_state(*state_)) violate(*v);
  if (auto v = check_transition(checked_, *state_)) violate(*v);
  if (auto v = check_schedule(schedule_, state_->height)) violate(*v);
  if (fatal_) return;
  // Changed and sound: it must reach the disk before anything of this step leaves.
  out.persist = safety_state();
  checked_ = *state_;
  checked_generation_ = state_.generation();
}

Ready Consensus::stopped() const {
  Ready r;
  r.fatal = fatal_;
  return r;
}

void Consensus::violate(InvariantViolation v) {
  if (!fatal_) fatal_ = std::move(v);  // the first one is the cause; later ones are its effects
}

void Consensus::reject(const char* code, std::string message) {
  out_->rejected.push_back(make_error(code, std::move(message)));
}

// ---------------------------------------------------------------------------------------------
// Inputs

void Consensus::on(const Start&) {
  if (started_) return reject("already_started", "Start twice");
  started_ = true;
  if (!resumed_) return start_round(0);
  // Resume the persisted (round, step). Timers and received messages were lost with the process;
  // peers re-send theirs on Tick, and we re-arm what our own step needs.
  if (state_->step == Step::kPropose) {
    schedule_timeout(TimeoutKind::kPropose);
    if (am_proposer()) propose_or_request();
  }
  // Our restored votes of this and the previous round go out again right away.
  if (self_index_) {
    for (Round r = state_->round > 0 ? state_->round - 1 : 0; r <= state_->round; ++r) {
      auto it = rounds_.find(r);
      if (it == rounds_.end()) continue;
      if (const Vote* v = it->second.prevotes.vote_of(*self_index_))
        out_->broadcast.emplace_back(*v);
      if (const Vote* v = it->second.precommits.vote_of(*self_index_))
        out_->broadcast.emplace_back(*v);
    }
  }
}

// Puts a vote read back from our own disk (verified before it was persisted) into the tallies.
void Consensus::restore_vote(const Vote& v) {
  const ValidatorSet& set = schedule_.at(state_->height);
  if (v.height != state_->height || v.validator >= set.size() || v.round < 0 ||
      v.round >= kMaxRound)
    return;
  auto& rm = rounds_[v.round];
  auto& tally = v.type == VoteType::kPrevote ? rm.prevotes : rm.precommits;
  if (tally.add(v, set.at(v.validator).power, nullptr, true) == VoteTally::AddResult::kAdded)
    add_sender(rm, v.validator);
}

void Consensus::on(const Tick&) {
  // Gossip. The paper assumes every message of a correct process eventually reaches every correct
  // process; over a lossy network that takes re-sending and relaying (as Tendermint's gossip
  // does). Each tick re-sends: our proposal of this round; every validator's first prevote and
  // precommit of this round and the previous one (a peer still in the previous round needs them
  // to time out into ours, and a peer that restarted has lost its own); and the prevotes that
  // justify our valid value (a later proposal's proof-of-lock needs them at every receiver).
  if (state_->last_proposal && state_->last_proposal->height == state_->height &&
      state_->last_proposal->round == state_->round)
    out_->broadcast.emplace_back(*state_->last_proposal);
  for (Round r = state_->round > 0 ? state_->round - 1 : 0; r <= state_->round; ++r) {
    auto it = rounds_.find(r);
    if (it == rounds_.end()) continue;
    for (const auto& [idx, v] : it->second.prevotes.first_votes()) out_->broadcast.emplace_back(v);
    for (const auto& [idx, v] : it->second.precommits.first_votes())
      out_->broadcast.emplace_back(v);
  }
  if (state_->valid_round != kNoRound && state_->valid_round + 1 < state_->round) {
    auto vr = rounds_.find(state_->valid_round);
    if (vr != rounds_.end()) {
      for (const auto& [idx, v] : vr->second.prevotes.votes_for(state_->valid_hash))
        out_->broadcast.emplace_back(v);
    }
  }
}

void Consensus::on(const TimeoutFired& t) {
  if (t.height != state_->height || t.round != state_->round) return;  // stale timer: not an error
  switch (t.kind) {
    case TimeoutKind::kPropose:  // OnTimeoutPropose
      if (state_->step == Step::kPropose) {
        sign_and_send_vote(VoteType::kPrevote, {});
        state_.mut().step = Step::kPrevote;
      }
      break;
    case TimeoutKind::kPrevote:  // OnTimeoutPrevote
      if (state_->step == Step::kPrevote) {
        sign_and_send_vote(VoteType::kPrecommit, {});
        state_.mut().step = Step::kPrecommit;
      }
      break;
    case TimeoutKind::kPrecommit:  // OnTimeoutPrecommit
      start_round(state_->round + 1);
      break;
  }
}

void Consensus::on(const Received& r) {
  if (const auto* p = std::get_if<Proposal>(&r.message)) return on_proposal(*p);
  on_vote(std::get<Vote>(r.message));
}

void Consensus::on_proposal(const Proposal& p) {
  if (p.height != state_->height)
    return reject("wrong_height", "proposal for height " + std::to_string(p.height));
  if (p.round < 0 || p.round > state_->round + config_.max_rounds_ahead)
    return reject("round_out_of_window", "proposal for round " + std::to_string(p.round));
  if (p.pol_round < kNoRound || p.pol_round >= p.round)
    return reject("bad_pol_round", "proposal POL round not below its round");
  const ValidatorSet& set = schedule_.at(state_->height);
  if (p.proposer != set.proposer(state_->height, p.round))
    return reject("not_proposer", "proposal from a validator that is not the round's proposer");
  if (p.value_hash.empty() || p.value_hash.size() > kMaxHashBytes)
    return reject("bad_value_hash", "proposal value hash missing or too long");
  auto existing = rounds_.find(p.round);
  if (existing != rounds_.end()) {
    for (const auto& q : existing->second.proposals) {
      if (q.value_hash == p.value_hash && q.pol_round == p.pol_round) return;  // duplicate
    }
    if (existing->second.proposals.size() >= config_.max_proposals_per_round)
      return reject("too_many_proposals", "proposer equivocates beyond the per-round bound");
  }
  if (!crypto_.verifier->verify(set.at(p.proposer), proposal_sign_bytes(config_.chain_id, p),
                                p.signature))
    return reject("bad_signature", "proposal signature does not verify");
  if (crypto_.hasher->hash(p.value) != p.value_hash)
    return reject("value_hash_mismatch", "proposal value does not hash to its value_hash");
  store_proposal(p);
}

void Consensus::store_proposal(const Proposal& p) {
  auto& rm = rounds_[p.round];
  rm.proposals.push_back(p);
  proposed_values_.insert(p.value_hash);
  add_sender(rm, p.proposer);
  if (!validity_.contains(p.value_hash) && checks_requested_.insert(p.value_hash).second)
    out_->check_proposals.push_back(CheckProposal{p.height, p.round, p.value, p.value_hash});
}

void Consensus::on_vote(const Vote& v) {
  if (v.height != state_->height)
    return reject("wrong_height", "vote for height " + std::to_string(v.height));
  if (v.round < 0 || v.round > state_->round + config_.max_rounds_ahead)
    return reject("round_out_of_window", "vote for round " + std::to_string(v.round));
  if (v.type != VoteType::kPrevote && v.type != VoteType::kPrecommit)
    return reject("bad_vote_type", "unknown vote type");
  if (v.value_hash.size() > kMaxHashBytes) return reject("bad_value_hash", "vote hash too long");
  const ValidatorSet& set = schedule_.at(state_->height);
  if (v.validator >= set.size()) return reject("not_a_validator", "vote from a non-member");
  auto existing = rounds_.find(v.round);
  if (existing != rounds_.end()) {
    const auto& tally =
        v.type == VoteType::kPrevote ? existing->second.prevotes : existing->second.precommits;
    if (tally.contains(v)) return;  // duplicate delivery: skip the signature check
  }
  if (!crypto_.verifier->verify(set.at(v.validator), vote_sign_bytes(config_.chain_id, v),
                                v.signature))
    return reject("bad_signature", "vote signature does not verify");
  auto& rm = rounds_[v.round];
  auto& tally = v.type == VoteType::kPrevote ? rm.prevotes : rm.precommits;
  const Vote* prior = nullptr;
  switch (
      tally.add(v, set.at(v.validator).power, &prior, proposed_values_.contains(v.value_hash))) {
    case VoteTally::AddResult::kAdded:
      add_sender(rm, v.validator);
      break;
    case VoteTally::AddResult::kDuplicate:
      break;
    case VoteTally::AddResult::kConflict:
      if (evidence_reported_.insert({v.validator, v.round, v.type}).second)
        out_->evidence.push_back(DuplicateVoteEvidence{*prior, v});
      break;
  }
}

void Consensus::on(const ProposalReady& p) {
  if (p.height != state_->height || p.round != state_->round || state_->step != Step::kPropose ||
      !am_proposer() || build_requested_round_ != state_->round)
    return reject("stale_proposal_ready", "not waiting for a block for this height and round");
  if (state_->last_proposal && state_->last_proposal->height == state_->height &&
      state_->last_proposal->round == state_->round)
    return reject("already_proposed", "a proposal for this round was already signed");
  if (p.value_hash.empty() || p.value_hash.size() > kMaxHashBytes ||
      crypto_.hasher->hash(p.value) != p.value_hash)
    return reject("value_hash_mismatch", "built value does not hash to its value_hash");
  sign_and_send_proposal(p.value, p.value_hash, kNoRound);
}

void Consensus::on(const ProposalChecked& c) {
  if (c.height != state_->height) return;        // verdict for a height we left: not an error
  validity_.try_emplace(c.value_hash, c.valid);  // the application is deterministic
}

void Consensus::on(const SyncedBlock& b) {
  const CommitCertificate& cert = b.certificate;
  if (cert.height < state_->height) return reject("stale_synced_block", "height already decided");
  Status ok =
      verify_certificate(config_.chain_id, schedule_.at(cert.height), *crypto_.verifier, cert);
  if (!ok.ok()) return reject(ok.error().code.c_str(), ok.error().message);
  if (crypto_.hasher->hash(b.value) != cert.block_hash)
    return reject("value_hash_mismatch", "synced value does not hash to the certified hash");
  decide(cert.height, cert.round, b.value, cert.block_hash, cert);
}

void Consensus::on(const ValidatorSetChange& c) {
  if (c.effective_height <= state_->height)
    return reject("validator_set_change_too_late",
                  "change for height " + std::to_string(c.effective_height) +
                      " arrived at height " + std::to_string(state_->height));
  schedule_.schedule(c.effective_height, c.set);
}

// ---------------------------------------------------------------------------------------------
// Rules

void Consensus::run_rules() {
  // Each firing changes step, round, height, a lock or a "first time" flag, all monotone within
  // a step, so this terminates; the bound is a belt against a future bug turning into a hang.
  for (int guard = 0; guard < 100000; ++guard) {
    if (rule_decide() || rule_skip_round() || rule_prevote_on_proposal() ||
        rule_prevote_timeout() || rule_lock_on_polka() || rule_precommit_nil() ||
        rule_precommit_timeout())
      continue;
    return;
  }
}

// L49: upon ⟨PROPOSAL, h, r, v, *⟩ from proposer(h, r) AND 2f+1 ⟨PRECOMMIT, h, r, id(v)⟩
// while decision_p[h] = nil: if valid(v) then decide v.
bool Consensus::rule_decide() {
  const ValidatorSet& set = schedule_.at(state_->height);
  for (const auto& [r, rm] : rounds_) {
    for (const auto& p : rm.proposals) {
      if (!set.is_quorum(rm.precommits.power_for(p.value_hash))) continue;
      if (validity(p.value_hash) != std::optional<bool>(true)) continue;
      const Round round = r;
      Proposal decided = p;
      decide(state_->height, round, std::move(decided.value), decided.value_hash,
             certificate_from(round, decided.value_hash));
      return true;
    }
  }
  return false;
}

// L55: upon f+1 ⟨*, h, round, *, *⟩ with round > round_p: StartRound(round).
bool Consensus::rule_skip_round() {
  const ValidatorSet& set = schedule_.at(state_->height);
  for (auto it = rounds_.rbegin(); it != rounds_.rend() && it->first > state_->round; ++it) {
    if (set.is_one_third(it->second.sender_power)) {
      start_round(it->first);
      return true;
    }
  }
  return false;
}

// L22: upon ⟨PROPOSAL, h, round_p, v, -1⟩ while step = propose.
// L28: upon ⟨PROPOSAL, h, round_p, v, vr⟩ AND 2f+1 ⟨PREVOTE, h, vr, id(v)⟩ while step = propose
//      and 0 <= vr < round_p.
bool Consensus::rule_prevote_on_proposal() {
  if (state_->step != Step::kPropose) return false;
  auto it = rounds_.find(state_->round);
  if (it == rounds_.end()) return false;
  const ValidatorSet& set = schedule_.at(state_->height);
  for (const auto& p : it->second.proposals) {
    const std::optional<bool> valid = validity(p.value_hash);
    if (!valid) continue;  // waiting for ProposalChecked (or the propose timeout)
    bool lock_allows = false;
    if (p.pol_round == kNoRound) {
      lock_allows = state_->locked_round == kNoRound || state_->locked_hash == p.value_hash;
    } else {
      auto pol = rounds_.find(p.pol_round);
      if (pol == rounds_.end() || !set.is_quorum(pol->second.prevotes.power_for(p.value_hash)))
        continue;  // no proof of lock yet
      lock_allows = state_->locked_round <= p.pol_round || state_->locked_hash == p.value_hash;
    }
    if (config_.unsafe_disable_locking) lock_allows = true;
#ifdef RL_UNSAFE_TEST_BUILD_DISABLE_LOCKING
    // Only in regledgerd_unsafe_nolock, a test-only executable (tests/cluster/CMakeLists.txt)
    // that shows the fault-network checker reporting the forks this causes on real processes.
    lock_allows = true;
#endif
    sign_and_send_vote(VoteType::kPrevote, (*valid && lock_allows) ? p.value_hash : Bytes{});
    state_.mut().step = Step::kPrevote;
    return true;
  }
  return false;
}

// L34: upon 2f+1 ⟨PREVOTE, h, round_p, *⟩ while step = prevote for the first time.
bool Consensus::rule_prevote_timeout() {
  if (state_->step != Step::kPrevote) return false;
  auto it = rounds_.find(state_->round);
  if (it == rounds_.end() || it->second.prevote_timeout_scheduled) return false;
  if (!schedule_.at(state_->height).is_quorum(it->second.prevotes.total_power())) return false;
  it->second.prevote_timeout_scheduled = true;
  schedule_timeout(TimeoutKind::kPrevote);
  return true;
}

// L36: upon ⟨PROPOSAL, h, round_p, v, *⟩ AND 2f+1 ⟨PREVOTE, h, round_p, id(v)⟩ while valid(v)
// and step >= prevote for the first time: lock (if still in prevote) and set the valid value.
bool Consensus::rule_lock_on_polka() {
  if (state_->step == Step::kPropose) return false;
  auto it = rounds_.find(state_->round);
  if (it == rounds_.end() || it->second.polka_value_seen) return false;
  const ValidatorSet& set = schedule_.at(state_->height);
  for (const auto& p : it->second.proposals) {
    if (!set.is_quorum(it->second.prevotes.power_for(p.value_hash))) continue;
    if (validity(p.value_hash) != std::optional<bool>(true)) continue;
    it->second.polka_value_seen = true;
    if (state_->step == Step::kPrevote) {
      PersistentState& s = state_.mut();
      s.locked_value = p.value;
      s.locked_hash = p.value_hash;
      s.locked_round = s.round;
      sign_and_send_vote(VoteType::kPrecommit, p.value_hash);
      state_.mut().step = Step::kPrecommit;
    }
    PersistentState& s = state_.mut();
    s.valid_value = p.value;
    s.valid_hash = p.value_hash;
    s.valid_round = s.round;
    return true;
  }
  return false;
}

// L44: upon 2f+1 ⟨PREVOTE, h, round_p, nil⟩ while step = prevote.
bool Consensus::rule_precommit_nil() {
  if (state_->step != Step::kPrevote) return false;
  auto it = rounds_.find(state_->round);
  if (it == rounds_.end()) return false;
  if (!schedule_.at(state_->height).is_quorum(it->second.prevotes.power_for({}))) return false;
  sign_and_send_vote(VoteType::kPrecommit, {});
  state_.mut().step = Step::kPrecommit;
  return true;
}

// L47: upon 2f+1 ⟨PRECOMMIT, h, round_p, *⟩ for the first time.
bool Consensus::rule_precommit_timeout() {
  auto it = rounds_.find(state_->round);
  if (it == rounds_.end() || it->second.precommit_timeout_scheduled) return false;
  if (!schedule_.at(state_->height).is_quorum(it->second.precommits.total_power())) return false;
  it->second.precommit_timeout_scheduled = true;
  schedule_timeout(TimeoutKind::kPrecommit);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Actions

void Consensus::start_round(Round r) {
  // Entering the round we are already at the start of (a fresh Start, or round 0 right after
  // entering a height) writes nothing, so it persists nothing.
  if (state_->round != r || state_->step != Step::kPropose) {
    PersistentState& s = state_.mut();
    s.round = r;
    s.step = Step::kPropose;
  }
  // Proposers arm the timer too: if the application never delivers a block we still prevote nil.
  schedule_timeout(TimeoutKind::kPropose);
  if (am_proposer()) propose_or_request();
}

void Consensus::enter_height(Height h) {
  PersistentState& s = state_.mut();
  s.height = h;
  s.round = 0;
  s.step = Step::kPropose;
  s.locked_round = kNoRound;
  s.locked_value.clear();
  s.locked_hash.clear();
  s.valid_round = kNoRound;
  s.valid_value.clear();
  s.valid_hash.clear();
  rounds_.clear();
  validity_.clear();
  checks_requested_.clear();
  proposed_values_.clear();
  evidence_reported_.clear();
  build_requested_round_ = kNoRound;
  schedule_.prune_below(h);
  self_index_ = config_.self_id.empty() ? std::nullopt : schedule_.at(h).index_of(config_.self_id);
}

void Consensus::propose_or_request() {
  if (!can_sign()) return;
  if (state_->last_proposal && state_->last_proposal->height == state_->height &&
      state_->last_proposal->round == state_->round) {
    // Restarted after proposing: send the same proposal again, never a second one.
    out_->broadcast.emplace_back(*state_->last_proposal);
    validity_[state_->last_proposal->value_hash] = true;
    auto& rm = rounds_[state_->round];
    bool have = false;
    for (const auto& q : rm.proposals)
      have = have || q.value_hash == state_->last_proposal->value_hash;
    if (!have) store_proposal(*state_->last_proposal);
    return;
  }
  if (state_->valid_round != kNoRound) {
    sign_and_send_proposal(state_->valid_value, state_->valid_hash, state_->valid_round);
    return;
  }
  build_requested_round_ = state_->round;
  out_->build_proposal = BuildProposal{state_->height, state_->round};
}

void Consensus::sign_and_send_proposal(Bytes value, Bytes value_hash, Round pol_round) {
  Proposal p;
  p.height = state_->height;
  p.round = state_->round;
  p.pol_round = pol_round;
  p.proposer = *self_index_;
  p.value = std::move(value);
  p.value_hash = std::move(value_hash);
  p.signature = crypto_.signer->sign(proposal_sign_bytes(config_.chain_id, p));
  validity_[p.value_hash] = true;  // our own application built (or already accepted) it
  state_.mut().last_proposal = p;
  out_->broadcast.emplace_back(p);
  store_proposal(p);
}

void Consensus::sign_and_send_vote(VoteType type, const Bytes& value_hash) {
  if (!can_sign()) return;
  Vote v;
  v.type = type;
  v.height = state_->height;
  v.round = state_->round;
  v.validator = *self_index_;
  v.value_hash = value_hash;
  const std::optional<Vote>& last = state_->last_vote;
  if (last && vote_slot(v) <= vote_slot(*last)) {
    // Never sign twice: a slot at or below the last signed one is only ever re-sent unchanged.
    // The rules move (height, round, step) forward and sign once per step, so getting here
    // with anything else is a bug: refuse to sign, and stop.
    if (vote_slot(v) == vote_slot(*last) && last->value_hash == v.value_hash)
      out_->broadcast.emplace_back(*last);
    else if (vote_slot(v) == vote_slot(*last))
      violate(
          {Invariant::kOneVotePerSlot, "asked to sign a second value for the last signed slot"});
    else
      violate({Invariant::kLastVoteNeverRegresses, "asked to sign below the last signed slot"});
    return;
  }
  v.signature = crypto_.signer->sign(vote_sign_bytes(config_.chain_id, v));
  state_.mut().last_vote = v;
  out_->broadcast.emplace_back(v);
  auto& rm = rounds_[state_->round];
  auto& tally = type == VoteType::kPrevote ? rm.prevotes : rm.precommits;
  tally.add(v, schedule_.at(state_->height).at(v.validator).power, nullptr);
  add_sender(rm, v.validator);
}

void Consensus::decide(Height h, Round r, Bytes value, Bytes value_hash, CommitCertificate cert) {
  // Ready holds one decision: a second would silently replace (lose) the first block.
  if (out_->decided)
    violate({Invariant::kOneDecisionPerStep, "heights " + std::to_string(out_->decided->height) +
                                                 " and " + std::to_string(h) + " in one step"});
  out_->decided = Decision{h, r, std::move(value), std::move(value_hash), std::move(cert)};
  enter_height(h + 1);
  start_round(0);
}

void Consensus::schedule_timeout(TimeoutKind kind) {
  out_->timers.push_back(TimerRequest{kind, state_->height, state_->round,
                                      config_.timeouts.delay_ms(kind, state_->round)});
}

void Consensus::add_sender(RoundMessages& rm, ValidatorIndex v) {
  if (rm.senders.insert(v).second) rm.sender_power += schedule_.at(state_->height).at(v).power;
}

CommitCertificate Consensus::certificate_from(Round r, const Bytes& value_hash) const {
  CommitCertificate cert;
  cert.height = state_->height;
  cert.round = r;
  cert.block_hash = value_hash;
  for (const auto& [idx, v] : rounds_.at(r).precommits.votes_for(value_hash))
    cert.signatures.push_back({idx, v.signature});
  return cert;
}

std::optional<bool> Consensus::validity(const Bytes& value_hash) const {
  auto it = validity_.find(value_hash);
  if (it == validity_.end()) return std::nullopt;
  return it->second;
}

bool Consensus::can_sign() const {
  return crypto_.signer != nullptr && self_index_.has_value() &&
         state_->height >= config_.sign_from_height;
}

bool Consensus::am_proposer() const {
  return self_index_.has_value() &&
         *self_index_ == schedule_.at(state_->height).proposer(state_->height, state_->round);
}

}  // namespace rl::consensus
