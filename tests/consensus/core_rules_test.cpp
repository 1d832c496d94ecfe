// One scenario per rule of Algorithm 1 ("The latest gossip on BFT consensus"): a short script of
// events and the outputs the rule requires. n = 4 equal validators (f = 1, quorum = 3 votes,
// f + 1 = 2); this node is validator 0; proposer(h, r) = (h + r) mod 4.

#include <gtest/gtest.h>

#include "consensus/certificate.hpp"
#include "tests/consensus/support/harness.hpp"

namespace rl::consensus::testing {
namespace {

constexpr auto kPrevote = VoteType::kPrevote;
constexpr auto kPrecommit = VoteType::kPrecommit;

TEST(StartRound, NonProposerArmsProposeTimeout) {
  Harness h(4);
  Ready r = h.start();
  EXPECT_TRUE(Harness::has_timer(r, TimeoutKind::kPropose, 1, 0));
  EXPECT_FALSE(r.build_proposal);
  EXPECT_EQ(h.core().current_step(), Step::kPropose);
}

TEST(StartRound, ProposerAsksForBlockThenProposesAndPrevotesIt) {
  Harness h(4, /*self=*/1);  // proposer of (1, 0)
  Ready r = h.start();
  ASSERT_TRUE(r.build_proposal);
  EXPECT_EQ(r.build_proposal->height, 1u);
  r = h.step(ProposalReady{1, 0, h.value("block-a"), h.hash("block-a")});
  auto p = Harness::sent_proposal(r);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->pol_round, kNoRound);
  EXPECT_EQ(p->value_hash, h.hash("block-a"));
  auto v = Harness::sent_vote(r, kPrevote);
  ASSERT_TRUE(v);  // L22 on its own proposal
  EXPECT_EQ(v->value_hash, h.hash("block-a"));
}

TEST(StartRound, ProposalReadyWithWrongHashIsRejected) {
  Harness h(4, 1);
  h.start();
  Ready r = h.step(ProposalReady{1, 0, h.value("block-a"), h.hash("other")});
  EXPECT_FALSE(Harness::sent_proposal(r));
  EXPECT_FALSE(r.rejected.empty());
}

TEST(Rule22, PrevotesValidProposalAfterApplicationCheck) {
  Harness h(4);
  h.start();
  Ready r = h.deliver(h.proposal(1, 0, "block-a"));
  ASSERT_EQ(r.check_proposals.size(), 1u);
  EXPECT_FALSE(Harness::sent_vote(r, kPrevote));  // waits for the verdict
  r = h.step(ProposalChecked{1, 0, h.hash("block-a"), true});
  auto v = Harness::sent_vote(r, kPrevote);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->value_hash, h.hash("block-a"));
  EXPECT_EQ(h.core().current_step(), Step::kPrevote);
}

TEST(Rule22, PrevotesNilForInvalidProposal) {
  Harness h(4);
  h.start();
  Ready r = h.propose_and_check(h.proposal(1, 0, "block-a"), /*valid=*/false);
  auto v = Harness::sent_vote(r, kPrevote);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->is_nil());
}

// Helper: lock validator 0 on `value` in round `r` of height 1 (proposal + polka).
void lock_on(Harness& h, Round r, std::string_view value) {
  h.propose_and_check(h.proposal(1, r, value));
  h.votes({1, 2}, kPrevote, 1, r, h.hash(value));
  ASSERT_EQ(h.core().locked_round(), r);
  ASSERT_EQ(h.core().locked_hash(), h.hash(value));
}

TEST(Rule22, LockedValidatorPrevotesNilForOtherFreshProposal) {
  Harness h(4);
  h.start();
  lock_on(h, 0, "block-a");
  h.step(TimeoutFired{TimeoutKind::kPrecommit, 1, 0});  // no decision: move to round 1
  // Round 1 proposal of a different value with no POL: the lock forbids it.
  Ready r = h.propose_and_check(h.proposal(1, 1, "block-b"));
  auto v = Harness::sent_vote(r, kPrevote);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->is_nil());
}

TEST(Rule22, LockedValidatorPrevotesItsLockedValue) {
  Harness h(4);
  h.start();
  lock_on(h, 0, "block-a");
  h.step(TimeoutFired{TimeoutKind::kPrecommit, 1, 0});
  Ready r = h.deliver(h.proposal(1, 1, "block-a"));  // already known valid
  auto v = Harness::sent_vote(r, kPrevote);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->value_hash, h.hash("block-a"));
}

TEST(Rule22, DisabledLockingSwitchBreaksTheRule) {
  Config c;
  c.unsafe_disable_locking = true;
  Harness h(4, 0, c);
  h.start();
  lock_on(h, 0, "block-a");
  h.step(TimeoutFired{TimeoutKind::kPrecommit, 1, 0});
  Ready r = h.propose_and_check(h.proposal(1, 1, "block-b"));
  auto v = Harness::sent_vote(r, kPrevote);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->value_hash, h.hash("block-b"));  // what the simulator's bite test relies on
}

TEST(Rule28, PolFromRoundAtOrAfterLockUnlocks) {
  Harness h(4);
  h.start();
  lock_on(h, 0, "block-a");
  h.step(TimeoutFired{TimeoutKind::kPrecommit, 1, 0});
  // Round 1: everyone else saw a polka for block-b (we missed the proposal and prevoted nil).
  h.step(TimeoutFired{TimeoutKind::kPropose, 1, 1});
  h.votes({1, 2, 3}, kPrevote, 1, 1, h.hash("block-b"));
  h.step(TimeoutFired{TimeoutKind::kPrevote, 1, 1});
  h.step(TimeoutFired{TimeoutKind::kPrecommit, 1, 1});
  ASSERT_EQ(h.core().round(), 2);
  // Round 2 proposer re-proposes block-b with POL round 1 >= our lock round 0.
  Ready r = h.propose_and_check(h.proposal(1, 2, "block-b", /*pol=*/1));
  auto v = Harness::sent_vote(r, kPrevote);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->value_hash, h.hash("block-b"));
}

TEST(Rule28, PolFromBeforeLockDoesNotUnlock) {
  Harness h(4);
  h.start();
  // Round 0: polka for block-b seen but we were already past prevote (so no lock on b).
  h.step(TimeoutFired{TimeoutKind::kPropose, 1, 0});
  h.votes({1, 2, 3}, kPrevote, 1, 0, h.hash("block-b"));
  h.step(TimeoutFired{TimeoutKind::kPrevote, 1, 0});
  h.step(TimeoutFired{TimeoutKind::kPrecommit, 1, 0});
  // Round 1: lock on block-a.
  lock_on(h, 1, "block-a");
  h.step(TimeoutFired{TimeoutKind::kPrecommit, 1, 1});
  // Round 2 proposes block-b with POL round 0 < lock round 1: must prevote nil.
  Ready r = h.propose_and_check(h.proposal(1, 2, "block-b", /*pol=*/0));
  auto v = Harness::sent_vote(r, kPrevote);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->is_nil());
}

TEST(Rule28, WaitsForThePolPrevotes) {
  Harness h(4);
  h.start();
  h.step(TimeoutFired{TimeoutKind::kPropose, 1, 0});
  h.step(TimeoutFired{TimeoutKind::kPrevote, 1, 0});
  h.step(TimeoutFired{TimeoutKind::kPrecommit, 1, 0});
  Ready r = h.propose_and_check(h.proposal(1, 1, "block-b", /*pol=*/0));
  EXPECT_FALSE(Harness::sent_vote(r, kPrevote));  // no 2f+1 prevotes for b in round 0 yet
  h.votes({1, 2}, kPrevote, 1, 0, h.hash("block-b"));
  auto resent = Harness::sent_vote(h.step(Tick{}), kPrevote);
  EXPECT_FALSE(resent && resent->round == 1);  // only round 0's nil prevote is re-sent
  r = h.deliver(h.vote(3, kPrevote, 1, 0, h.hash("block-b")));
  auto v = Harness::sent_vote(r, kPrevote);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->value_hash, h.hash("block-b"));
}

TEST(Rule34, AnyQuorumOfPrevotesArmsPrevoteTimeoutOnce) {
  Harness h(4);
  h.start();
  h.step(TimeoutFired{TimeoutKind::kPropose, 1, 0});  // prevote nil, step prevote
  h.deliver(h.vote(1, kPrevote, 1, 0, h.hash("x")));
  Ready r = h.deliver(h.vote(2, kPrevote, 1, 0, h.hash("y")));
  EXPECT_TRUE(Harness::has_timer(r, TimeoutKind::kPrevote, 1, 0));
  r = h.deliver(h.vote(3, kPrevote, 1, 0, h.hash("z")));
  EXPECT_FALSE(Harness::has_timer(r, TimeoutKind::kPrevote, 1, 0));  // first time only
  EXPECT_EQ(h.core().current_step(), Step::kPrevote);  // no polka for anything: no precommit
}

TEST(Rule36, PolkaLocksAndPrecommits) {
  Harness h(4);
  h.start();
  h.propose_and_check(h.proposal(1, 0, "block-a"));
  Ready r = h.votes({1, 2}, kPrevote, 1, 0, h.hash("block-a"));
  auto v = Harness::sent_vote(r, kPrecommit);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->value_hash, h.hash("block-a"));
  EXPECT_EQ(h.core().locked_round(), 0);
  EXPECT_EQ(h.core().valid_round(), 0);
  ASSERT_TRUE(r.persist);  // the lock is persisted in the same Ready that sends the precommit
  EXPECT_EQ(r.persist->locked_hash, h.hash("block-a"));
  EXPECT_EQ(r.persist->last_vote, v);
}

TEST(Rule36, PolkaSeenInPrecommitStepSetsValidValueWithoutLocking) {
  Harness h(7);  // f = 2, quorum = 5 votes
  h.start();
  h.propose_and_check(h.proposal(1, 0, "block-a"));  // we prevote a
  h.votes({1, 2}, kPrevote, 1, 0, {});
  h.votes({3, 4}, kPrevote, 1, 0, h.hash("block-a"));  // 5 prevotes (3 for a): timer armed
  h.step(TimeoutFired{TimeoutKind::kPrevote, 1, 0});   // precommit nil
  ASSERT_EQ(h.core().current_step(), Step::kPrecommit);
  EXPECT_EQ(h.core().valid_round(), kNoRound);
  Ready r = h.votes({5, 6}, kPrevote, 1, 0, h.hash("block-a"));  // now 5 for a: a polka
  EXPECT_EQ(h.core().valid_round(), 0);
  EXPECT_EQ(h.core().valid_hash(), h.hash("block-a"));
  EXPECT_EQ(h.core().locked_round(), kNoRound);  // step was precommit: no lock
  EXPECT_FALSE(Harness::sent_vote(r, kPrecommit));
}

TEST(Rule36, EquivocatorCountsTowardsEachValueItSignedAndIsReported) {
  // The paper counts "2f+1 ⟨PREVOTE, h, r, id(v)⟩" per value: validator 1's prevote for a counts
  // for a even though it also prevoted nil (quorum intersection still holds).
  Harness h(4);
  h.start();
  h.propose_and_check(h.proposal(1, 0, "block-a"));  // we prevote a
  h.deliver(h.vote(1, kPrevote, 1, 0, {}));
  Ready r = h.deliver(h.vote(1, kPrevote, 1, 0, h.hash("block-a")));
  EXPECT_EQ(r.evidence.size(), 1u);
  EXPECT_EQ(h.core().locked_round(), kNoRound);  // a: us + 1 = 2 of 4
  r = h.deliver(h.vote(2, kPrevote, 1, 0, h.hash("block-a")));
  EXPECT_EQ(h.core().locked_round(), 0);  // a: us + 1 + 2
  // Validator 1 holds prevotes for nil and a; any further value is bounded and not stored
  // beyond VoteTally::kMaxValuesPerValidator, but each is still just evidence.
  for (int i = 0; i < 10; ++i)
    h.deliver(h.vote(1, kPrevote, 1, 0, h.hash("junk" + std::to_string(i))));
  EXPECT_EQ(h.core().locked_hash(), h.hash("block-a"));
}

TEST(Rule44, QuorumOfNilPrevotesPrecommitsNil) {
  Harness h(4);
  h.start();
  h.step(TimeoutFired{TimeoutKind::kPropose, 1, 0});
  Ready r = h.votes({1, 2}, kPrevote, 1, 0, {});
  auto v = Harness::sent_vote(r, kPrecommit);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->is_nil());
  EXPECT_EQ(h.core().locked_round(), kNoRound);
}

TEST(Rule47, AnyQuorumOfPrecommitsArmsPrecommitTimeoutOnce) {
  Harness h(4);
  h.start();
  h.votes({1, 2}, kPrecommit, 1, 0, {});
  Ready r = h.deliver(h.vote(3, kPrecommit, 1, 0, h.hash("x")));
  EXPECT_TRUE(Harness::has_timer(r, TimeoutKind::kPrecommit, 1, 0));
  r = h.step(TimeoutFired{TimeoutKind::kPrecommit, 1, 0});
  EXPECT_EQ(h.core().round(), 1);
  EXPECT_TRUE(Harness::has_timer(r, TimeoutKind::kPropose, 1, 1));
}

TEST(Rule49, DecidesWithCertificateThatVerifies) {
  Harness h(4);
  h.start();
  h.propose_and_check(h.proposal(1, 0, "block-a"));
  h.votes({1, 2}, kPrevote, 1, 0, h.hash("block-a"));  // lock + our precommit
  h.deliver(h.vote(1, kPrecommit, 1, 0, h.hash("block-a")));
  Ready r = h.deliver(h.vote(3, kPrecommit, 1, 0, h.hash("block-a")));
  ASSERT_TRUE(r.decided);
  EXPECT_EQ(r.decided->height, 1u);
  EXPECT_EQ(r.decided->value, h.value("block-a"));
  EXPECT_EQ(r.decided->certificate.signatures.size(), 3u);
  EXPECT_TRUE(verify_certificate("test-chain", h.set(), h.verifier(), r.decided->certificate).ok());
  EXPECT_EQ(h.core().height(), 2u);
  EXPECT_EQ(h.core().round(), 0);
  EXPECT_EQ(h.core().locked_round(), kNoRound);  // reset for the new height
  ASSERT_TRUE(r.persist);
  EXPECT_EQ(r.persist->height, 2u);
}

TEST(Rule49, DecidesForAnOlderRoundAndRequiresTheProposal) {
  Harness h(4);
  h.start();
  h.step(TimeoutFired{TimeoutKind::kPropose, 1, 0});
  h.step(TimeoutFired{TimeoutKind::kPrevote, 1, 0});
  h.step(TimeoutFired{TimeoutKind::kPrecommit, 1, 0});
  ASSERT_EQ(h.core().round(), 1);
  // Others committed block-a in round 0; we only now get their precommits...
  Ready r = h.votes({1, 2, 3}, kPrecommit, 1, 0, h.hash("block-a"));
  EXPECT_FALSE(r.decided);  // ...and cannot decide without the proposal
  r = h.propose_and_check(h.proposal(1, 0, "block-a"));
  ASSERT_TRUE(r.decided);
  EXPECT_EQ(r.decided->round, 0);
}

TEST(Rule49, DoesNotDecideInvalidValue) {
  Harness h(4);
  h.start();
  h.propose_and_check(h.proposal(1, 0, "block-a"), /*valid=*/false);
  Ready r = h.votes({1, 2, 3}, kPrecommit, 1, 0, h.hash("block-a"));
  EXPECT_FALSE(r.decided);
}

TEST(Rule55, FPlusOneMessagesOfHigherRoundSkipAhead) {
  Harness h(4);
  h.start();
  Ready r = h.deliver(h.vote(2, kPrevote, 1, 5, {}));
  EXPECT_EQ(h.core().round(), 0);  // one validator is not f + 1
  r = h.deliver(h.vote(3, kPrecommit, 1, 5, {}));
  EXPECT_EQ(h.core().round(), 5);
  EXPECT_TRUE(Harness::has_timer(r, TimeoutKind::kPropose, 1, 5));
}

TEST(Rule55, ProposalCountsAsAMessageOfItsRound) {
  Harness h(4);
  h.start();
  h.deliver(h.proposal(1, 2, "block-b"));  // from proposer(1, 2) = 3
  EXPECT_EQ(h.core().round(), 0);
  h.deliver(h.vote(1, kPrevote, 1, 2, {}));
  EXPECT_EQ(h.core().round(), 2);
}

TEST(Timeouts, ProposeTimeoutPrevotesNil) {
  Harness h(4);
  h.start();
  Ready r = h.step(TimeoutFired{TimeoutKind::kPropose, 1, 0});
  auto v = Harness::sent_vote(r, kPrevote);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->is_nil());
}

TEST(Timeouts, PrevoteTimeoutPrecommitsNil) {
  Harness h(4);
  h.start();
  h.step(TimeoutFired{TimeoutKind::kPropose, 1, 0});
  Ready r = h.step(TimeoutFired{TimeoutKind::kPrevote, 1, 0});
  auto v = Harness::sent_vote(r, kPrecommit);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->is_nil());
}

TEST(Timeouts, StaleTimersAreIgnored) {
  Harness h(4);
  h.start();
  h.step(TimeoutFired{TimeoutKind::kPrecommit, 1, 0});
  ASSERT_EQ(h.core().round(), 1);
  Ready r = h.step(TimeoutFired{TimeoutKind::kPropose, 1, 0});  // round 0's timer
  EXPECT_TRUE(r.broadcast.empty());
  EXPECT_EQ(h.core().current_step(), Step::kPropose);
}

TEST(Timeouts, GrowWithTheRound) {
  Config c;
  c.timeouts = {100, 10, 200, 20, 300, 30};
  Harness h(4, 0, c);
  Ready r = h.start();
  ASSERT_EQ(r.timers.size(), 1u);
  EXPECT_EQ(r.timers[0].delay_ms, 100u);
  r = h.step(TimeoutFired{TimeoutKind::kPrecommit, 1, 0});
  r = h.step(TimeoutFired{TimeoutKind::kPrecommit, 1, 1});
  ASSERT_TRUE(Harness::has_timer(r, TimeoutKind::kPropose, 1, 2));
  EXPECT_EQ(r.timers.back().delay_ms, 120u);
  EXPECT_EQ(c.timeouts.delay_ms(TimeoutKind::kPrevote, 3), 260u);
  EXPECT_EQ(c.timeouts.delay_ms(TimeoutKind::kPrecommit, 3), 390u);
}

TEST(Proposer, ReproposesValidValueWithItsRound) {
  Harness h(4);  // we propose round 3 of height 1
  h.start();
  lock_on(h, 0, "block-a");
  h.step(TimeoutFired{TimeoutKind::kPrecommit, 1, 0});
  h.step(TimeoutFired{TimeoutKind::kPropose, 1, 1});
  h.step(TimeoutFired{TimeoutKind::kPrecommit, 1, 1});
  h.step(TimeoutFired{TimeoutKind::kPropose, 1, 2});
  Ready r = h.step(TimeoutFired{TimeoutKind::kPrecommit, 1, 2});
  EXPECT_FALSE(r.build_proposal);
  auto p = Harness::sent_proposal(r);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->round, 3);
  EXPECT_EQ(p->pol_round, 0);
  EXPECT_EQ(p->value, h.value("block-a"));
}

TEST(Proposer, RoundRobinIsWeightedByPower) {
  auto set = ValidatorSet::create({{validator_id(0), 3}, {validator_id(1), 1}}).value();
  int count0 = 0;
  for (Height hh = 0; hh < 400; ++hh) count0 += set.proposer(hh, 0) == 0 ? 1 : 0;
  EXPECT_EQ(count0, 300);
  // Within a height, rounds walk the same sequence: validator 1 gets one round in every four.
  int count1 = 0;
  for (Round r = 0; r < 8; ++r) count1 += set.proposer(7, r) == 1 ? 1 : 0;
  EXPECT_EQ(count1, 2);
  auto equal = ValidatorSet::create({{validator_id(0), 1}, {validator_id(1), 1}}).value();
  EXPECT_NE(equal.proposer(7, 0), equal.proposer(7, 1));
}

TEST(Messages, ProposalFromNonProposerIsRejected) {
  Harness h(4);
  h.start();
  Proposal p = h.proposal(1, 0, "block-a");
  p.proposer = 2;
  Ready r = h.deliver(p);
  ASSERT_EQ(r.rejected.size(), 1u);
  EXPECT_EQ(r.rejected[0].code, "not_proposer");
}

TEST(Messages, ForgedNonMemberWrongHeightAndHashMismatchAreRejected) {
  Harness h(4);
  h.start();
  Vote v = h.vote(1, kPrevote, 1, 0, {});
  v.signature[0] ^= 1;
  EXPECT_EQ(h.deliver(v).rejected.at(0).code, "bad_signature");
  Vote nm = h.vote(1, kPrevote, 1, 0, {});
  nm.validator = 9;
  EXPECT_EQ(h.deliver(nm).rejected.at(0).code, "not_a_validator");
  EXPECT_EQ(h.deliver(h.vote(1, kPrevote, 7, 0, {})).rejected.at(0).code, "wrong_height");
  Proposal p = h.proposal(1, 0, "block-a");
  p.value = h.value("block-b");
  EXPECT_FALSE(h.deliver(p).rejected.empty());
  EXPECT_EQ(h.deliver(h.vote(1, kPrevote, 1, 5000, {})).rejected.at(0).code, "round_out_of_window");
}

TEST(Evidence, ConflictingVotesBecomeVerifiableEvidenceOnce) {
  Harness h(4);
  h.start();
  h.deliver(h.vote(2, kPrevote, 1, 0, h.hash("a")));
  Ready r = h.deliver(h.vote(2, kPrevote, 1, 0, h.hash("b")));
  ASSERT_EQ(r.evidence.size(), 1u);
  EXPECT_TRUE(verify_evidence("test-chain", h.set(), h.verifier(), r.evidence[0]).ok());
  r = h.deliver(h.vote(2, kPrevote, 1, 0, {}));
  EXPECT_TRUE(r.evidence.empty());  // one report per validator and slot
  // The conflicting vote was not counted: 2 votes for a would need two more.
  h.deliver(h.vote(1, kPrevote, 1, 0, h.hash("b")));
  EXPECT_EQ(h.core().current_step(), Step::kPropose);
}

TEST(Evidence, NonConflictingPairIsNotEvidence) {
  Harness h(4);
  Vote a = h.vote(2, kPrevote, 1, 0, h.hash("a"));
  EXPECT_FALSE(verify_evidence("test-chain", h.set(), h.verifier(), {a, a}).ok());
  Vote b = h.vote(2, kPrecommit, 1, 0, h.hash("b"));
  EXPECT_FALSE(verify_evidence("test-chain", h.set(), h.verifier(), {a, b}).ok());
}

}  // namespace
}  // namespace rl::consensus::testing
