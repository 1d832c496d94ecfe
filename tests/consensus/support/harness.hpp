#pragma once
// A single Consensus instance under test plus the keys of every validator, so a scenario can
// forge the exact messages its peers would send and assert on the Ready the core returns.

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <vector>

#include "consensus/core.hpp"
#include "consensus/sign_bytes.hpp"
#include "tests/consensus/support/test_crypto.hpp"

namespace rl::consensus::testing {

class Harness {
 public:
  explicit Harness(std::size_t n, std::size_t self = 0, Config config = {},
                   std::vector<Power> powers = {}, std::optional<SafetyState> restored = {},
                   Height start_height = 1)
      : self_(self) {
    std::vector<Validator> vs;
    for (std::size_t i = 0; i < n; ++i) {
      vs.push_back({validator_id(i), powers.empty() ? 1 : powers[i]});
      signers_.push_back(std::make_unique<MacSigner>(validator_id(i)));
    }
    set_ = ValidatorSet::create(vs).value();
    if (config.chain_id.empty()) config.chain_id = "test-chain";
    config.self_id = validator_id(self);
    config_ = config;
    core_.emplace(Consensus::create(config, ValidatorSchedule(1, set_), start_height, restored,
                                    CryptoHooks{signers_[self].get(), &verifier_, &hasher_})
                      .value());
  }

  Ready step(const Event& e) { return last_ = core_->step(e); }
  Ready start() { return step(Start{}); }
  Consensus& core() { return *core_; }
  const ValidatorSet& set() const { return set_; }
  const Config& config() const { return config_; }
  const Verifier& verifier() const { return verifier_; }
  std::size_t self() const { return self_; }

  Bytes value(std::string_view s) const { return to_bytes(s); }
  Bytes hash(std::string_view s) const { return hasher_.hash(to_bytes(s)); }

  Vote vote(std::size_t who, VoteType type, Height h, Round r, const Bytes& value_hash) {
    Vote v{type, h, r, static_cast<ValidatorIndex>(who), value_hash, {}};
    v.signature = signers_[who]->sign(vote_sign_bytes(config_.chain_id, v));
    return v;
  }
  Proposal proposal(Height h, Round r, std::string_view value, Round pol = kNoRound) {
    Proposal p;
    p.height = h;
    p.round = r;
    p.pol_round = pol;
    p.proposer = set_.proposer(h, r);
    p.value = to_bytes(value);
    p.value_hash = hasher_.hash(p.value);
    p.signature = signers_[p.proposer]->sign(proposal_sign_bytes(config_.chain_id, p));
    return p;
  }
  Ready deliver(const Message& m) { return step(Received{m}); }
  // Delivers votes of `type` for `value_hash` from the listed validators; returns the last Ready.
  Ready votes(std::vector<std::size_t> who, VoteType type, Height h, Round r, const Bytes& hash) {
    Ready last;
    for (auto w : who) last = deliver(vote(w, type, h, r, hash));
    return last;
  }
  // Delivers the proposal and answers the application's validity check.
  Ready propose_and_check(const Proposal& p, bool valid = true) {
    Ready r = deliver(p);
    if (!r.check_proposals.empty())
      r = step(ProposalChecked{p.height, p.round, p.value_hash, valid});
    return r;
  }

  // The single vote of `type` this validator broadcast in `r`, if any.
  static std::optional<Vote> sent_vote(const Ready& r, VoteType type) {
    std::optional<Vote> found;
    for (const auto& m : r.broadcast) {
      if (const auto* v = std::get_if<Vote>(&m); v && v->type == type) found = *v;
    }
    return found;
  }
  static std::optional<Proposal> sent_proposal(const Ready& r) {
    for (const auto& m : r.broadcast) {
      if (const auto* p = std::get_if<Proposal>(&m)) return *p;
    }
    return std::nullopt;
  }
  static bool has_timer(const Ready& r, TimeoutKind k, Height h, Round round) {
    for (const auto& t : r.timers)
      if (t.kind == k && t.height == h && t.round == round) return true;
    return false;
  }

 private:
  std::size_t self_;
  Config config_;
  ValidatorSet set_ = ValidatorSet::create({{validator_id(0), 1}}).value();
  std::vector<std::unique_ptr<MacSigner>> signers_;
  MacVerifier verifier_;
  FnvHasher hasher_;
  std::optional<Consensus> core_;
  Ready last_;
};

}  // namespace rl::consensus::testing
