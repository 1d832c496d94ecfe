// The core's runtime invariants (consensus/invariants.hpp). Each check is shown to bite on a
// state that breaks exactly it, named as such, next to a control that passes; then the core is
// shown to act on a violation: a restored impossible state is refused at create, and a step that
// breaks an invariant returns it as Ready::fatal with nothing else, and the core stays stopped.

#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "consensus/invariants.hpp"
#include "tests/consensus/support/harness.hpp"
#include "tests/consensus/support/test_peer.hpp"

namespace rl::consensus::testing {
namespace {

constexpr auto kPrevote = VoteType::kPrevote;
constexpr auto kPrecommit = VoteType::kPrecommit;

const Bytes kA = Bytes(32, 0xA);
const Bytes kB = Bytes(32, 0xB);

Vote vote(VoteType type, Height h, Round r, const Bytes& hash) {
  return Vote{type, h, r, 0, hash, Bytes{1, 2, 3}};
}

Proposal proposal(Height h, Round r, Round pol, const Bytes& hash) {
  Proposal p;
  p.height = h;
  p.round = r;
  p.pol_round = pol;
  p.value = to_bytes("value");
  p.value_hash = hash;
  p.signature = Bytes{4, 5, 6};
  return p;
}

// A sound state in the middle of a height: locked and valid on A in round 1, now prevoted in
// round 2; proposed in round 1.
SafetyState sound() {
  SafetyState s;
  s.height = 3;
  s.round = 2;
  s.step = Step::kPrevote;
  s.locked_round = 1;
  s.locked_value = to_bytes("block-a");
  s.locked_hash = kA;
  s.valid_round = 1;
  s.valid_value = to_bytes("block-a");
  s.valid_hash = kA;
  s.last_vote = vote(kPrevote, 3, 2, kA);
  s.last_proposal = proposal(3, 1, kNoRound, kA);
  s.recent_votes = {vote(kPrevote, 3, 1, kA), vote(kPrecommit, 3, 1, kA), *s.last_vote};
  s.valid_pol = {vote(kPrevote, 3, 1, kA)};
  return s;
}

struct Case {
  const char* what;
  std::function<void(SafetyState&)> plant;
  Invariant expected;
};

std::string name_of(const Violation& v) {
  return v ? v->name() : "(none)";
}

// Every state invariant, each planted alone.
std::vector<Case> impossible_states() {
  return {
      {"height 0", [](SafetyState& s) { s.height = 0; }, Invariant::kHeightPositive},
      {"negative round", [](SafetyState& s) { s.round = -1; }, Invariant::kRoundInRange},
      {"round beyond the wire's range", [](SafetyState& s) { s.round = kMaxRound; },
       Invariant::kRoundInRange},
      {"lock in a later round",
       [](SafetyState& s) {
         s.locked_round = 3;
         s.valid_round = 3;
       },
       Invariant::kLockedRoundNotAboveRound},
      {"valid value of a later round", [](SafetyState& s) { s.valid_round = 3; },
       Invariant::kValidRoundNotAboveRound},
      {"lock newer than the valid value", [](SafetyState& s) { s.locked_round = 2; },
       Invariant::kLockedRoundNotAboveValidRound},
      {"lock round without its hash", [](SafetyState& s) { s.locked_hash.clear(); },
       Invariant::kLockComplete},
      {"lock round without its value", [](SafetyState& s) { s.locked_value.clear(); },
       Invariant::kLockComplete},
      {"a hash without a lock round", [](SafetyState& s) { s.locked_round = kNoRound; },
       Invariant::kLockComplete},
      {"lock round below -1",
       [](SafetyState& s) {
         s.locked_round = -2;
         s.locked_value.clear();
         s.locked_hash.clear();
       },
       Invariant::kLockComplete},
      {"valid round without its hash",
       [](SafetyState& s) {
         s.valid_hash.clear();
         s.valid_pol.clear();
       },
       Invariant::kValidComplete},
      {"valid value without a round",
       [](SafetyState& s) {
         s.locked_round = kNoRound;
         s.locked_value.clear();
         s.locked_hash.clear();
         s.valid_round = kNoRound;
         s.valid_pol.clear();
       },
       Invariant::kValidComplete},
      {"precommit signed while in prevote",
       [](SafetyState& s) { s.last_vote = vote(kPrecommit, 3, 2, kA); },
       Invariant::kLastVoteNotAhead},
      {"prevote signed while in propose", [](SafetyState& s) { s.step = Step::kPropose; },
       Invariant::kLastVoteNotAhead},
      {"vote of a later round", [](SafetyState& s) { s.last_vote = vote(kPrevote, 3, 3, kA); },
       Invariant::kLastVoteNotAhead},
      {"vote of a later height", [](SafetyState& s) { s.last_vote = vote(kPrevote, 4, 0, kA); },
       Invariant::kLastVoteNotAhead},
      {"proposal of a later round",
       [](SafetyState& s) { s.last_proposal = proposal(3, 3, kNoRound, kA); },
       Invariant::kLastProposalNotAhead},
      {"proposal whose POL round is not below its round",
       [](SafetyState& s) { s.last_proposal = proposal(3, 1, 1, kA); },
       Invariant::kLastProposalNotAhead},
  };
}

TEST(StateInvariants, SoundStatesPass) {
  EXPECT_EQ(name_of(check_state(sound())), "(none)");
  EXPECT_EQ(name_of(check_restored(sound())), "(none)");
  EXPECT_EQ(name_of(check_state(PersistentState{})), "(none)");  // a fresh height 1
  EXPECT_EQ(name_of(check_restored(SafetyState{})), "(none)");
}

TEST(StateInvariants, EachImpossibleStateIsCaughtByName) {
  for (const Case& k : impossible_states()) {
    SafetyState s = sound();
    k.plant(s);
    EXPECT_EQ(name_of(check_state(s)), invariant_name(k.expected)) << k.what;
  }
}

TEST(StateInvariants, RestoredVotesMustBelongToTheState) {
  const std::vector<Case> cases = {
      {"recent vote of another height",
       [](SafetyState& s) { s.recent_votes.push_back(vote(kPrevote, 2, 1, kA)); },
       Invariant::kRestoredVotesMatchState},
      {"recent vote two rounds back",
       [](SafetyState& s) { s.recent_votes.push_back(vote(kPrevote, 3, 0, kA)); },
       Invariant::kRestoredVotesMatchState},
      {"recent vote of a later round",
       [](SafetyState& s) { s.recent_votes.push_back(vote(kPrevote, 3, 3, kA)); },
       Invariant::kRestoredVotesMatchState},
      {"proof-of-lock vote for another value",
       [](SafetyState& s) { s.valid_pol.push_back(vote(kPrevote, 3, 1, kB)); },
       Invariant::kRestoredVotesMatchState},
      {"proof-of-lock precommit",
       [](SafetyState& s) { s.valid_pol.push_back(vote(kPrecommit, 3, 1, kA)); },
       Invariant::kRestoredVotesMatchState},
      {"proof-of-lock vote of another round",
       [](SafetyState& s) { s.valid_pol.push_back(vote(kPrevote, 3, 0, kA)); },
       Invariant::kRestoredVotesMatchState},
  };
  for (const Case& k : cases) {
    SafetyState s = sound();
    k.plant(s);
    EXPECT_EQ(name_of(check_state(s)), "(none)") << k.what << ": the persistent part is sound";
    EXPECT_EQ(name_of(check_restored(s)), invariant_name(k.expected)) << k.what;
  }
}

TEST(TransitionInvariants, ForwardMovesPass) {
  const SafetyState before = sound();
  SafetyState next_round = before;
  next_round.round = 3;
  next_round.step = Step::kPropose;
  SafetyState relock = before;
  relock.round = 3;
  relock.step = Step::kPrecommit;
  relock.locked_round = relock.valid_round = 3;
  relock.locked_hash = relock.valid_hash = kB;
  relock.last_vote = vote(kPrecommit, 3, 3, kB);
  SafetyState next_height;
  next_height.height = 4;
  next_height.last_vote = before.last_vote;
  next_height.last_proposal = before.last_proposal;
  for (const SafetyState* after :
       std::vector<const SafetyState*>{&before, &next_round, &relock, &next_height})
    EXPECT_EQ(name_of(check_transition(before, *after)), "(none)");
}

TEST(TransitionInvariants, EachRegressionIsCaughtByName) {
  const std::vector<Case> cases = {
      {"lower height", [](SafetyState& s) { s.height = 2; }, Invariant::kHeightNeverDecreases},
      {"earlier round", [](SafetyState& s) { s.round = 1; }, Invariant::kRoundNeverDecreases},
      {"earlier step", [](SafetyState& s) { s.step = Step::kPropose; },
       Invariant::kStepNeverDecreases},
      {"lock dropped",
       [](SafetyState& s) {
         s.locked_round = kNoRound;
         s.locked_value.clear();
         s.locked_hash.clear();
       },
       Invariant::kLockNeverRegresses},
      {"lock switched within its round", [](SafetyState& s) { s.locked_hash = kB; },
       Invariant::kLockNeverRegresses},
      {"valid value of an earlier round", [](SafetyState& s) { s.valid_round = 0; },
       Invariant::kValidNeverRegresses},
      {"valid value switched within its round", [](SafetyState& s) { s.valid_hash = kB; },
       Invariant::kValidNeverRegresses},
      {"last vote forgotten", [](SafetyState& s) { s.last_vote.reset(); },
       Invariant::kLastVoteNeverRegresses},
      {"last vote of an earlier slot",
       [](SafetyState& s) { s.last_vote = vote(kPrecommit, 3, 1, kA); },
       Invariant::kLastVoteNeverRegresses},
      {"second value for the last slot", [](SafetyState& s) { s.last_vote->value_hash = kB; },
       Invariant::kOneVotePerSlot},
      {"second value for the last slot, nil",
       [](SafetyState& s) { s.last_vote->value_hash.clear(); }, Invariant::kOneVotePerSlot},
      {"last proposal forgotten", [](SafetyState& s) { s.last_proposal.reset(); },
       Invariant::kOneProposalPerRound},
      {"last proposal of an earlier round",
       [](SafetyState& s) { s.last_proposal = proposal(3, 0, kNoRound, kA); },
       Invariant::kOneProposalPerRound},
      {"second proposal for the round",
       [](SafetyState& s) { s.last_proposal = proposal(3, 1, kNoRound, kB); },
       Invariant::kOneProposalPerRound},
  };
  for (const Case& k : cases) {
    SafetyState after = sound();
    k.plant(after);
    EXPECT_EQ(name_of(check_transition(sound(), after)), invariant_name(k.expected)) << k.what;
  }
}

TEST(ScheduleInvariant, TheSetInForceMustBeKnown) {
  const auto set = ValidatorSet::create({{validator_id(0), 1}}).value();
  const ValidatorSchedule from5(5, set);
  EXPECT_EQ(name_of(check_schedule(from5, 5)), "(none)");
  EXPECT_EQ(name_of(check_schedule(from5, 9)), "(none)");
  EXPECT_EQ(name_of(check_schedule(from5, 4)), "schedule_covers_height");
}

TEST(DecisionInvariants, DecisionsFollowTheHeightAndCarryTheirCertificate) {
  const Decision d{5, 1, to_bytes("v"), kA, CommitCertificate{5, 1, kA, {}}};
  EXPECT_EQ(name_of(check_decision(d, 5, 6)), "(none)");
  EXPECT_EQ(name_of(check_decision(d, 3, 6)), "(none)");  // caught up through block sync
  EXPECT_EQ(name_of(check_decision(d, 6, 6)), "decision_follows_height");  // already decided
  EXPECT_EQ(name_of(check_decision(d, 5, 5)), "decision_follows_height");  // did not move on
  EXPECT_EQ(name_of(check_decision(d, 5, 7)), "decision_follows_height");  // skipped a height
  for (auto plant : std::vector<std::function<void(Decision&)>>{
           [](Decision& x) { x.certificate.height = 4; },
           [](Decision& x) { x.certificate.round = 0; },
           [](Decision& x) { x.certificate.block_hash = kB; }}) {
    Decision bad = d;
    plant(bad);
    EXPECT_EQ(name_of(check_decision(bad, 5, 6)), "decision_certificate_matches");
  }
}

TEST(InvariantNames, EveryInvariantHasItsOwnName) {
  std::set<std::string> names;
  for (int i = 0; i <= static_cast<int>(Invariant::kDecisionCertificateMatches); ++i) {
    const std::string name = invariant_name(static_cast<Invariant>(i));
    EXPECT_NE(name, "unknown_invariant") << i;
    EXPECT_TRUE(names.insert(name).second) << "duplicate name " << name;
  }
  const Error e = InvariantViolation{Invariant::kOneVotePerSlot, "detail"}.to_error();
  EXPECT_EQ(e.code, "consensus_invariant_violated");
  EXPECT_EQ(e.message, "invariant one_vote_per_slot violated: detail");
}

// ---------------------------------------------------------------------------------------------
// The core acts on them.

Result<Consensus> create_restored(const SafetyState& s, ValidatorSchedule schedule) {
  static MacSigner signer(validator_id(0));
  static MacVerifier verifier;
  static FnvHasher hasher;
  Config c;
  c.chain_id = "test-chain";
  c.self_id = validator_id(0);
  const Height start = s.height == 0 ? 1 : s.height;
  return Consensus::create(c, std::move(schedule), start, s, {&signer, &verifier, &hasher});
}

ValidatorSchedule four(Height from = 1) {
  std::vector<Validator> vs;
  for (std::size_t i = 0; i < 4; ++i) vs.push_back({validator_id(i), 1});
  return ValidatorSchedule(from, ValidatorSet::create(vs).value());
}

TEST(CoreStops, AnImpossibleRestoredStateIsRefusedAtCreateByName) {
  ASSERT_TRUE(create_restored(sound(), four()).ok()) << "control";
  for (const Case& k : impossible_states()) {
    SafetyState s = sound();
    k.plant(s);
    auto c = create_restored(s, four());
    ASSERT_FALSE(c.ok()) << k.what;
    EXPECT_EQ(c.error().code, "consensus_invariant_violated") << k.what;
    EXPECT_EQ(c.error().message.rfind(std::string("invariant ") + invariant_name(k.expected), 0),
              0u)
        << k.what << ": " << c.error().message;
  }
  SafetyState foreign = sound();
  foreign.recent_votes.push_back(vote(kPrevote, 2, 1, kA));
  auto c = create_restored(foreign, four());
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("restored_votes_match_state"), std::string::npos);
}

TEST(CoreStops, AScheduleWithoutTheSetInForceIsRefusedAtCreate) {
  auto c = create_restored(SafetyState{}, four(/*from=*/2));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, "consensus_invariant_violated");
  EXPECT_NE(c.error().message.find("schedule_covers_height"), std::string::npos);
}

// The core's answer to a broken invariant: Ready::fatal alone, and the same on every later step.
void expect_stopped(Harness& h, const Ready& r, Invariant expected) {
  ASSERT_TRUE(r.fatal) << "the violation went unnoticed";
  EXPECT_EQ(r.fatal->name(), std::string(invariant_name(expected))) << r.fatal->detail;
  EXPECT_FALSE(r.persist) << "an impossible state must not reach the disk";
  EXPECT_TRUE(r.broadcast.empty()) << "nothing of a broken step may leave";
  EXPECT_FALSE(r.decided);
  EXPECT_TRUE(r.timers.empty());
  const Ready later = h.step(Tick{});
  ASSERT_TRUE(later.fatal);
  EXPECT_EQ(*later.fatal, *r.fatal);
  EXPECT_TRUE(later.broadcast.empty());
  EXPECT_EQ(*h.core().fatal(), *r.fatal);
}

// Prevoted block-a in round 0 of height 1.
void prevote_a(Harness& h) {
  h.start();
  Ready r = h.propose_and_check(h.proposal(1, 0, "block-a"));
  ASSERT_TRUE(Harness::sent_vote(r, kPrevote));
  ASSERT_FALSE(r.fatal);
}

TEST(CoreStops, SigningASecondValueForTheLastSlotStops) {
  Harness h(4);
  prevote_a(h);
  Ready r = ConsensusTestPeer::step_with(
      h.core(), [&] { ConsensusTestPeer::sign_vote(h.core(), kPrevote, h.hash("block-b")); });
  expect_stopped(h, r, Invariant::kOneVotePerSlot);
}

TEST(CoreStops, ReSigningTheSameVoteIsOnlyAResend) {
  Harness h(4);
  prevote_a(h);
  Ready r = ConsensusTestPeer::step_with(
      h.core(), [&] { ConsensusTestPeer::sign_vote(h.core(), kPrevote, h.hash("block-a")); });
  EXPECT_FALSE(r.fatal);
  ASSERT_TRUE(Harness::sent_vote(r, kPrevote));
  EXPECT_EQ(Harness::sent_vote(r, kPrevote), h.core().state().last_vote);
}

TEST(CoreStops, SigningBelowTheLastSlotStops) {
  Harness h(4);
  prevote_a(h);
  h.votes({1, 2}, kPrevote, 1, 0, h.hash("block-a"));  // polka: precommit block-a
  ASSERT_EQ(h.core().state().last_vote->type, kPrecommit);
  Ready r = ConsensusTestPeer::step_with(
      h.core(), [&] { ConsensusTestPeer::sign_vote(h.core(), kPrevote, h.hash("block-a")); });
  expect_stopped(h, r, Invariant::kLastVoteNeverRegresses);
}

TEST(CoreStops, AForgottenLastVoteStops) {
  Harness h(4);
  prevote_a(h);
  ConsensusTestPeer::state(h.core()).last_vote.reset();
  expect_stopped(h, h.step(Tick{}), Invariant::kLastVoteNeverRegresses);
}

TEST(CoreStops, ARoundThatGoesBackStops) {
  Config no_signing;
  no_signing.sign_from_height = 100;  // no votes, so only the round is wrong
  Harness h(4, 0, no_signing);
  h.start();
  h.step(TimeoutFired{TimeoutKind::kPropose, 1, 0});
  h.step(TimeoutFired{TimeoutKind::kPrevote, 1, 0});
  ASSERT_FALSE(h.step(TimeoutFired{TimeoutKind::kPrecommit, 1, 0}).fatal);
  ASSERT_EQ(h.core().round(), 1);
  ConsensusTestPeer::state(h.core()).round = 0;
  expect_stopped(h, h.step(Tick{}), Invariant::kRoundNeverDecreases);
}

TEST(CoreStops, AStepThatGoesBackStops) {
  Config no_signing;
  no_signing.sign_from_height = 100;
  Harness h(4, 0, no_signing);
  h.start();
  ASSERT_FALSE(h.step(TimeoutFired{TimeoutKind::kPropose, 1, 0}).fatal);
  ASSERT_EQ(h.core().current_step(), Step::kPrevote);
  ConsensusTestPeer::state(h.core()).step = Step::kPropose;
  expect_stopped(h, h.step(Tick{}), Invariant::kStepNeverDecreases);
}

TEST(CoreStops, ADroppedLockStops) {
  Harness h(4);
  prevote_a(h);
  h.votes({1, 2}, kPrevote, 1, 0, h.hash("block-a"));
  ASSERT_EQ(h.core().locked_round(), 0);
  PersistentState& s = ConsensusTestPeer::state(h.core());
  s.locked_round = kNoRound;
  s.locked_value.clear();
  s.locked_hash.clear();
  expect_stopped(h, h.step(Tick{}), Invariant::kLockNeverRegresses);
}

TEST(CoreStops, AnImpossibleStateWrittenInAStepStops) {
  Harness h(4);
  prevote_a(h);
  Ready r = ConsensusTestPeer::step_with(
      h.core(), [&] { ConsensusTestPeer::state(h.core()).locked_round = 5; });
  expect_stopped(h, r, Invariant::kLockedRoundNotAboveRound);
}

Decision decision_of(Harness& h, Height height, const std::string& value) {
  return Decision{height, 0, h.value(value), h.hash(value),
                  CommitCertificate{height, 0, h.hash(value), {}}};
}

TEST(CoreStops, TwoDecisionsInOneStepStop) {
  Harness h(4);
  h.start();
  Ready r = ConsensusTestPeer::step_with(h.core(), [&] {
    ConsensusTestPeer::decide(h.core(), decision_of(h, 1, "block-a"));
    ConsensusTestPeer::decide(h.core(), decision_of(h, 2, "block-b"));
  });
  expect_stopped(h, r, Invariant::kOneDecisionPerStep);
}

TEST(CoreStops, ADecisionForAnEarlierHeightStops) {
  Harness h(4);
  h.start();
  ASSERT_FALSE(
      ConsensusTestPeer::step_with(
          h.core(), [&] { ConsensusTestPeer::decide(h.core(), decision_of(h, 1, "block-a")); })
          .fatal)
      << "control: deciding the current height";
  ASSERT_EQ(h.core().height(), 2u);
  Ready r = ConsensusTestPeer::step_with(
      h.core(), [&] { ConsensusTestPeer::decide(h.core(), decision_of(h, 1, "block-b")); });
  expect_stopped(h, r, Invariant::kDecisionFollowsHeight);
}

TEST(CoreStops, ADecisionWithAnotherBlocksCertificateStops) {
  Harness h(4);
  h.start();
  Decision d = decision_of(h, 1, "block-a");
  d.certificate.block_hash = h.hash("block-b");
  Ready r = ConsensusTestPeer::step_with(h.core(), [&] { ConsensusTestPeer::decide(h.core(), d); });
  expect_stopped(h, r, Invariant::kDecisionCertificateMatches);
}

TEST(CoreStops, AFullHeightWithTheChecksOnDecidesNormally) {
  Harness h(4);
  prevote_a(h);
  h.votes({1, 2}, kPrevote, 1, 0, h.hash("block-a"));
  Ready r = h.votes({1, 2}, kPrecommit, 1, 0, h.hash("block-a"));
  EXPECT_FALSE(r.fatal);
  ASSERT_TRUE(r.decided);
  EXPECT_EQ(h.core().height(), 2u);
  EXPECT_FALSE(h.core().fatal());
}

}  // namespace
}  // namespace rl::consensus::testing
