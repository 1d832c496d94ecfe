// Scenarios around the rules: persistence and restart, never signing twice, catch-up through
// SyncedBlock, validator-set changes at h + 2, observers and the sign-from-height guard.

#include <gtest/gtest.h>

#include "consensus/certificate.hpp"
#include "tests/consensus/support/harness.hpp"

namespace rl::consensus::testing {
namespace {

constexpr auto kPrevote = VoteType::kPrevote;
constexpr auto kPrecommit = VoteType::kPrecommit;

CommitCertificate make_cert(Harness& h, Height height, Round r, const Bytes& hash,
                            std::vector<std::size_t> who) {
  CommitCertificate c{height, r, hash, {}};
  for (auto w : who)
    c.signatures.push_back(
        {static_cast<ValidatorIndex>(w), h.vote(w, kPrecommit, height, r, hash).signature});
  return c;
}

TEST(Persistence, EveryVoteLeavesWithItsSafetyStateInTheSameReady) {
  Harness h(4);
  h.start();
  for (Ready r : {h.propose_and_check(h.proposal(1, 0, "block-a")),
                  h.votes({1, 2}, kPrevote, 1, 0, h.hash("block-a"))}) {
    for (const auto& m : r.broadcast) {
      const auto* v = std::get_if<Vote>(&m);
      if (!v) continue;
      ASSERT_TRUE(r.persist) << "vote sent without a SafetyState to persist first";
      EXPECT_EQ(r.persist->last_vote, *v);
    }
  }
}

TEST(Persistence, RestartResumesRoundStepAndLockAndResendsLastVote) {
  SafetyState saved;
  {
    Harness h(4);
    h.start();
    h.propose_and_check(h.proposal(1, 0, "block-a"));
    Ready r = h.votes({1, 2}, kPrevote, 1, 0, h.hash("block-a"));
    ASSERT_TRUE(r.persist);
    saved = *r.persist;
  }
  Harness h2(4, 0, {}, {}, saved);
  Ready r = h2.start();
  EXPECT_EQ(h2.core().round(), 0);
  EXPECT_EQ(h2.core().current_step(), Step::kPrecommit);
  EXPECT_EQ(h2.core().locked_hash(), h2.hash("block-a"));
  auto v = Harness::sent_vote(r, kPrecommit);
  ASSERT_TRUE(v);
  EXPECT_EQ(v, saved.last_vote);
  // Lock survives: a fresh different proposal in round 1 gets a nil prevote.
  h2.step(TimeoutFired{TimeoutKind::kPrecommit, 1, 0});
  r = h2.propose_and_check(h2.proposal(1, 1, "block-b"));
  ASSERT_TRUE(Harness::sent_vote(r, kPrevote));
  EXPECT_TRUE(Harness::sent_vote(r, kPrevote)->is_nil());
}

TEST(Persistence, RestartKeepsTheProofOfLockAndResendsIt) {
  SafetyState saved;
  {
    Harness h(4);
    h.start();
    h.propose_and_check(h.proposal(1, 0, "block-a"));
    saved = *h.votes({1, 2}, kPrevote, 1, 0, h.hash("block-a")).persist;
    EXPECT_EQ(saved.valid_pol.size(), 3u);
    h.step(TimeoutFired{TimeoutKind::kPrecommit, 1, 0});
    h.step(TimeoutFired{TimeoutKind::kPropose, 1, 1});
    saved = h.core().safety_state();
  }
  Harness h2(4, 0, {}, {}, saved);
  h2.start();
  h2.step(TimeoutFired{TimeoutKind::kPrecommit, 1, 1});  // round 2: POL round 0 is not "recent"
  Ready r = h2.step(Tick{});
  int pol = 0;
  for (const auto& m : r.broadcast) {
    const auto* v = std::get_if<Vote>(&m);
    if (v && v->round == 0 && v->type == kPrevote && v->value_hash == h2.hash("block-a")) ++pol;
  }
  EXPECT_EQ(pol, 3);  // the 2f+1 prevotes survive the restart and go out again
}

TEST(Persistence, SafetyStateWithAVoteAheadOfItsStepIsRefused) {
  // A shell bug that persisted last_vote but an older step: resuming could sign a second, different
  // vote for that slot (a nil prevote on the propose timeout). The core refuses to start from it
  // (invariants_test.cpp shows the same refusal for every impossible state).
  Harness h(4);
  SafetyState s;
  s.height = 1;
  s.round = 0;
  s.step = Step::kPropose;
  s.last_vote = h.vote(0, kPrevote, 1, 0, h.hash("block-a"));
  MacSigner signer(validator_id(0));
  Config c;
  c.chain_id = "test-chain";
  c.self_id = validator_id(0);
  FnvHasher hasher;
  auto bad =
      Consensus::create(c, ValidatorSchedule(1, h.set()), 1, s, {&signer, &h.verifier(), &hasher});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "consensus_invariant_violated");
  EXPECT_NE(bad.error().message.find("last_vote_not_ahead"), std::string::npos)
      << bad.error().message;
  s.step = Step::kPrevote;  // the state the core actually persists with that vote
  EXPECT_TRUE(
      Consensus::create(c, ValidatorSchedule(1, h.set()), 1, s, {&signer, &h.verifier(), &hasher})
          .ok());
}

TEST(Persistence, RestartedProposerResendsSameProposal) {
  SafetyState saved;
  Proposal first;
  {
    Harness h(4, 1);
    h.start();
    Ready r = h.step(ProposalReady{1, 0, h.value("block-a"), h.hash("block-a")});
    first = *Harness::sent_proposal(r);
    saved = *r.persist;
  }
  saved.step = Step::kPropose;  // crash after persisting the proposal, before prevoting
  saved.last_vote.reset();
  Harness h2(4, 1, {}, {}, saved);
  Ready r = h2.start();
  EXPECT_FALSE(r.build_proposal);
  auto p = Harness::sent_proposal(r);
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, first);
}

TEST(Persistence, StateOlderThanCommittedHeightIsIgnoredNewerIsAnError) {
  Harness h(4);
  SafetyState s;
  s.height = 3;
  s.round = 4;
  Harness h2(4, 0, {}, {}, s, /*start_height=*/4);
  h2.start();
  EXPECT_EQ(h2.core().height(), 4u);
  EXPECT_EQ(h2.core().round(), 0);
  MacVerifier ver;
  FnvHasher hasher;
  auto set = ValidatorSet::create({{validator_id(0), 1}}).value();
  s.height = 9;
  Config c;
  c.chain_id = "x";
  auto bad = Consensus::create(c, ValidatorSchedule(1, set), 4, s, {nullptr, &ver, &hasher});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "safety_state_ahead");
}

TEST(CatchUp, SyncedBlockForCurrentHeightDecides) {
  Harness h(4);
  h.start();
  Ready r =
      h.step(SyncedBlock{h.value("block-a"), make_cert(h, 1, 2, h.hash("block-a"), {1, 2, 3})});
  ASSERT_TRUE(r.decided);
  EXPECT_EQ(r.decided->height, 1u);
  EXPECT_EQ(h.core().height(), 2u);
}

TEST(CatchUp, SyncedBlockFarAheadTakesTheSamePath) {
  Harness h(4);
  h.start();
  Ready r =
      h.step(SyncedBlock{h.value("block-z"), make_cert(h, 57, 0, h.hash("block-z"), {0, 1, 3})});
  ASSERT_TRUE(r.decided);
  EXPECT_EQ(r.decided->height, 57u);
  EXPECT_EQ(h.core().height(), 58u);
}

TEST(CatchUp, BadCertificatesAreRejected) {
  Harness h(4);
  h.start();
  // Too little power.
  Ready r = h.step(SyncedBlock{h.value("a"), make_cert(h, 1, 0, h.hash("a"), {1, 2})});
  EXPECT_FALSE(r.decided);
  // Forged signature.
  auto c = make_cert(h, 1, 0, h.hash("a"), {1, 2, 3});
  c.signatures[1].signature[0] ^= 1;
  EXPECT_FALSE(h.step(SyncedBlock{h.value("a"), c}).decided);
  // Value that does not match the certified hash.
  EXPECT_FALSE(
      h.step(SyncedBlock{h.value("b"), make_cert(h, 1, 0, h.hash("a"), {1, 2, 3})}).decided);
  // Stale height.
  h.step(SyncedBlock{h.value("a"), make_cert(h, 1, 0, h.hash("a"), {1, 2, 3})});
  r = h.step(SyncedBlock{h.value("a"), make_cert(h, 1, 0, h.hash("a"), {1, 2, 3})});
  EXPECT_FALSE(r.decided);
  EXPECT_EQ(h.core().height(), 2u);
}

TEST(ValidatorSets, ChangeDecidedAtHTakesEffectAtHPlusTwo) {
  Harness h(4);
  h.start();
  h.step(SyncedBlock{h.value("b1"), make_cert(h, 1, 0, h.hash("b1"), {1, 2, 3})});
  // Block 1 carried a change: from height 3 validator 3 is gone and validator 0 has power 3.
  auto next =
      ValidatorSet::create({{validator_id(0), 3}, {validator_id(1), 1}, {validator_id(2), 1}})
          .value();
  Ready r = h.step(ValidatorSetChange{3, next});
  EXPECT_TRUE(r.rejected.empty());
  EXPECT_EQ(h.core().validators().size(), 4u);  // height 2 still uses the old set
  h.step(SyncedBlock{h.value("b2"), make_cert(h, 2, 0, h.hash("b2"), {1, 2, 3})});
  EXPECT_EQ(h.core().height(), 3u);
  EXPECT_EQ(h.core().validators().size(), 3u);
  // Validator 3 is no longer a member at height 3.
  r = h.deliver(h.vote(3, kPrevote, 3, 0, {}));
  EXPECT_EQ(r.rejected.at(0).code, "not_a_validator");
  // Our power 3 of 5 alone is not a quorum, with validator 1 it is (4 of 5 > 2/3).
  EXPECT_TRUE(h.core().validators().is_quorum(4));
  EXPECT_FALSE(h.core().validators().is_quorum(3));
  // A change that arrives after its height started is refused.
  r = h.step(ValidatorSetChange{3, next});
  EXPECT_EQ(r.rejected.at(0).code, "validator_set_change_too_late");
}

TEST(Signing, ObserverAndSignFromHeightNeverSign) {
  Config c;
  c.sign_from_height = 2;
  Harness h(4, 0, c);
  h.start();
  Ready r = h.propose_and_check(h.proposal(1, 0, "block-a"));
  EXPECT_FALSE(Harness::sent_vote(r, kPrevote));
  EXPECT_EQ(h.core().current_step(), Step::kPrevote);  // still follows the protocol
  h.votes({1, 2, 3}, kPrevote, 1, 0, h.hash("block-a"));
  r = h.votes({1, 2, 3}, kPrecommit, 1, 0, h.hash("block-a"));
  ASSERT_TRUE(r.decided);  // and decides
  r = h.propose_and_check(h.proposal(2, 0, "block-b"));
  EXPECT_TRUE(Harness::sent_vote(r, kPrevote));  // signs from height 2
}

TEST(Signing, EventsBeforeStartAreRejected) {
  Harness h(4);
  Ready r = h.step(Tick{});
  ASSERT_EQ(r.rejected.size(), 1u);
  EXPECT_EQ(r.rejected[0].code, "not_started");
}

TEST(Tick, RelaysTheVotesOfThisRound) {
  Harness h(4);
  h.start();
  h.propose_and_check(h.proposal(1, 0, "block-a"));
  h.votes({1, 2}, kPrevote, 1, 0, h.hash("block-a"));
  Ready r = h.step(Tick{});
  int prevotes = 0, precommits = 0;
  for (const auto& m : r.broadcast) {
    if (const auto* v = std::get_if<Vote>(&m)) (v->type == kPrevote ? prevotes : precommits)++;
  }
  EXPECT_EQ(prevotes, 3);    // ours + 1 + 2
  EXPECT_EQ(precommits, 1);  // ours
  EXPECT_FALSE(r.persist);   // nothing changed
}

TEST(Determinism, SameEventsSameOutputs) {
  auto run = [] {
    Harness h(4);
    std::vector<SafetyState> states;
    h.start();
    h.propose_and_check(h.proposal(1, 0, "block-a"));
    Ready r = h.votes({1, 2, 3}, kPrevote, 1, 0, h.hash("block-a"));
    states.push_back(h.core().safety_state());
    r = h.votes({1, 2, 3}, kPrecommit, 1, 0, h.hash("block-a"));
    states.push_back(h.core().safety_state());
    return states;
  };
  EXPECT_EQ(run(), run());
}

}  // namespace
}  // namespace rl::consensus::testing
