#include "consensus/invariants.hpp"

#include <string>
#include <tuple>

namespace rl::consensus {
namespace {

InvariantViolation violated(Invariant i, std::string detail) {
  return InvariantViolation{i, std::move(detail)};
}

std::string slot_text(Height h, Round r) {
  // Appended, not "(" + std::string: GCC 12 at -O3 reports a false -Wrestrict on a one-character
  // literal prepended to a temporary string (GCC bug 105329).
  std::string out = "(";
  out += std::to_string(h);
  out += ", ";
  out += std::to_string(r);
  out += ')';
  return out;
}

// Where in the protocol a vote is signed: a prevote at step prevote, a precommit at precommit.
std::tuple<Height, Round, int> vote_position(const Vote& v) {
  const Step at = v.type == VoteType::kPrecommit ? Step::kPrecommit : Step::kPrevote;
  return {v.height, v.round, static_cast<int>(at)};
}

std::string vote_text(const Vote& v) {
  return std::string(v.type == VoteType::kPrecommit ? "precommit " : "prevote ") +
         slot_text(v.height, v.round);
}

}  // namespace

std::tuple<Height, Round, int> vote_slot(const Vote& v) {
  return {v.height, v.round, static_cast<int>(v.type)};
}

const char* invariant_name(Invariant i) {
  switch (i) {
    case Invariant::kHeightPositive:
      return "height_positive";
    case Invariant::kRoundInRange:
      return "round_in_range";
    case Invariant::kLockedRoundNotAboveRound:
      return "locked_round_not_above_round";
    case Invariant::kValidRoundNotAboveRound:
      return "valid_round_not_above_round";
    case Invariant::kLockedRoundNotAboveValidRound:
      return "locked_round_not_above_valid_round";
    case Invariant::kLockComplete:
      return "lock_complete";
    case Invariant::kValidComplete:
      return "valid_complete";
    case Invariant::kLastVoteNotAhead:
      return "last_vote_not_ahead";
    case Invariant::kLastProposalNotAhead:
      return "last_proposal_not_ahead";
    case Invariant::kScheduleCoversHeight:
      return "schedule_covers_height";
    case Invariant::kRestoredVotesMatchState:
      return "restored_votes_match_state";
    case Invariant::kHeightNeverDecreases:
      return "height_never_decreases";
    case Invariant::kRoundNeverDecreases:
      return "round_never_decreases";
    case Invariant::kStepNeverDecreases:
      return "step_never_decreases";
    case Invariant::kLockNeverRegresses:
      return "lock_never_regresses";
    case Invariant::kValidNeverRegresses:
      return "valid_never_regresses";
    case Invariant::kLastVoteNeverRegresses:
      return "last_vote_never_regresses";
    case Invariant::kOneVotePerSlot:
      return "one_vote_per_slot";
    case Invariant::kOneProposalPerRound:
      return "one_proposal_per_round";
    case Invariant::kOneDecisionPerStep:
      return "one_decision_per_step";
    case Invariant::kDecisionFollowsHeight:
      return "decision_follows_height";
    case Invariant::kDecisionCertificateMatches:
      return "decision_certificate_matches";
  }
  return "unknown_invariant";
}

Violation check_state(const PersistentState& s) {
  if (s.height == 0) return violated(Invariant::kHeightPositive, "height 0");
  if (s.round < 0 || s.round >= kMaxRound)
    return violated(Invariant::kRoundInRange, "round " + std::to_string(s.round));
  // Rules L36-L43 set lockedRound and validRound to round_p, and round_p only grows.
  if (s.locked_round > s.round)
    return violated(
        Invariant::kLockedRoundNotAboveRound,
        "locked round " + std::to_string(s.locked_round) + " in round " + std::to_string(s.round));
  if (s.valid_round > s.round)
    return violated(
        Invariant::kValidRoundNotAboveRound,
        "valid round " + std::to_string(s.valid_round) + " in round " + std::to_string(s.round));
  // Whenever the core locks it also sets the valid value (L36), so the lock is never newer.
  if (s.locked_round > s.valid_round)
    return violated(Invariant::kLockedRoundNotAboveValidRound,
                    "locked round " + std::to_string(s.locked_round) + " above valid round " +
                        std::to_string(s.valid_round));
  // A lock is a round, a value and its hash, set and cleared together; a half-cleared lock would
  // let the prevote rule compare against an empty hash.
  const bool locked = s.locked_round != kNoRound;
  if (s.locked_round < kNoRound || locked == s.locked_hash.empty() ||
      s.locked_value.empty() != s.locked_hash.empty())
    return violated(Invariant::kLockComplete,
                    "locked round " + std::to_string(s.locked_round) + " with " +
                        std::to_string(s.locked_value.size()) + "-byte value and " +
                        std::to_string(s.locked_hash.size()) + "-byte hash");
  const bool valid = s.valid_round != kNoRound;
  if (s.valid_round < kNoRound || valid == s.valid_hash.empty() ||
      s.valid_value.empty() != s.valid_hash.empty())
    return violated(Invariant::kValidComplete,
                    "valid round " + std::to_string(s.valid_round) + " with " +
                        std::to_string(s.valid_value.size()) + "-byte value and " +
                        std::to_string(s.valid_hash.size()) + "-byte hash");
  // The core signs a vote only at the step it moves into (and a proposal only in its round), so
  // what it signed can never be ahead of where it is.
  const std::tuple<Height, Round, int> here{s.height, s.round, static_cast<int>(s.step)};
  if (s.last_vote && vote_position(*s.last_vote) > here)
    return violated(Invariant::kLastVoteNotAhead, "signed " + vote_text(*s.last_vote) +
                                                      " but is at " + slot_text(s.height, s.round) +
                                                      " step " + step_name(s.step));
  if (s.last_proposal && (std::make_tuple(s.last_proposal->height, s.last_proposal->round) >
                              std::make_tuple(s.height, s.round) ||
                          s.last_proposal->pol_round >= s.last_proposal->round))
    return violated(Invariant::kLastProposalNotAhead,
                    "signed a proposal for " +
                        slot_text(s.last_proposal->height, s.last_proposal->round) +
                        " (POL round " + std::to_string(s.last_proposal->pol_round) +
                        ") but is at " + slot_text(s.height, s.round));
  return std::nullopt;
}

Violation check_restored(const SafetyState& s) {
  if (auto v = check_state(s)) return v;
  // SafetyState derives these from the tallies of s.height (Consensus::safety_state); a vote of
  // another height or round means the record is not what the core wrote.
  const Round first_recent = s.round > 0 ? s.round - 1 : 0;
  for (const auto& v : s.recent_votes) {
    if (v.height != s.height || v.round < first_recent || v.round > s.round)
      return violated(
          Invariant::kRestoredVotesMatchState,
          "recent vote " + vote_text(v) + " in a state at " + slot_text(s.height, s.round));
  }
  for (const auto& v : s.valid_pol) {
    if (v.height != s.height || v.round != s.valid_round || v.type != VoteType::kPrevote ||
        v.value_hash != s.valid_hash)
      return violated(Invariant::kRestoredVotesMatchState,
                      "proof-of-lock vote " + vote_text(v) + " does not prevote the valid value" +
                          " of round " + std::to_string(s.valid_round));
  }
  return std::nullopt;
}

Violation check_transition(const PersistentState& before, const PersistentState& after) {
  if (after.height < before.height)
    return violated(Invariant::kHeightNeverDecreases, "height " + std::to_string(before.height) +
                                                          " -> " + std::to_string(after.height));
  if (after.height == before.height) {
    if (after.round < before.round)
      return violated(Invariant::kRoundNeverDecreases, "round " + std::to_string(before.round) +
                                                           " -> " + std::to_string(after.round));
    if (after.round == before.round && after.step < before.step)
      return violated(Invariant::kStepNeverDecreases,
                      std::string("step ") + step_name(before.step) + " -> " +
                          step_name(after.step) + " in round " + std::to_string(after.round));
    // The lock only moves to a later round (L36), and once per round.
    if (after.locked_round < before.locked_round ||
        (after.locked_round == before.locked_round && after.locked_hash != before.locked_hash))
      return violated(Invariant::kLockNeverRegresses,
                      "locked round " + std::to_string(before.locked_round) + " -> " +
                          std::to_string(after.locked_round) +
                          (after.locked_round == before.locked_round ? " with another value" : ""));
    if (after.valid_round < before.valid_round ||
        (after.valid_round == before.valid_round && after.valid_hash != before.valid_hash))
      return violated(Invariant::kValidNeverRegresses,
                      "valid round " + std::to_string(before.valid_round) + " -> " +
                          std::to_string(after.valid_round) +
                          (after.valid_round == before.valid_round ? " with another value" : ""));
  }
  if (before.last_vote) {
    if (!after.last_vote || vote_slot(*after.last_vote) < vote_slot(*before.last_vote))
      return violated(Invariant::kLastVoteNeverRegresses,
                      "last signed vote " + vote_text(*before.last_vote) + " -> " +
                          (after.last_vote ? vote_text(*after.last_vote) : "none"));
    if (vote_slot(*after.last_vote) == vote_slot(*before.last_vote) &&
        after.last_vote->value_hash != before.last_vote->value_hash)
      return violated(Invariant::kOneVotePerSlot,
                      "signed two values for " + vote_text(*after.last_vote));
  }
  if (before.last_proposal) {
    const auto& b = *before.last_proposal;
    if (!after.last_proposal ||
        std::make_tuple(after.last_proposal->height, after.last_proposal->round) <
            std::make_tuple(b.height, b.round))
      return violated(Invariant::kOneProposalPerRound,
                      "last signed proposal " + slot_text(b.height, b.round) + " went back");
    if (after.last_proposal->height == b.height && after.last_proposal->round == b.round &&
        after.last_proposal->value_hash != b.value_hash)
      return violated(Invariant::kOneProposalPerRound,
                      "signed two proposals for " + slot_text(b.height, b.round));
  }
  return std::nullopt;
}

Violation check_schedule(const ValidatorSchedule& schedule, Height height) {
  if (schedule.entries().empty() || schedule.entries().begin()->first > height)
    return violated(
        Invariant::kScheduleCoversHeight,
        "no validator set in force at height " + std::to_string(height) +
            (schedule.entries().empty()
                 ? std::string(" (empty schedule)")
                 : " (first set from " + std::to_string(schedule.entries().begin()->first) + ")"));
  return std::nullopt;
}

Violation check_decision(const Decision& d, Height height_before, Height height_after) {
  if (d.height < height_before || height_after != d.height + 1)
    return violated(Invariant::kDecisionFollowsHeight,
                    "decided height " + std::to_string(d.height) + " in a step from height " +
                        std::to_string(height_before) + " to " + std::to_string(height_after));
  const CommitCertificate& c = d.certificate;
  if (c.height != d.height || c.round != d.round || c.block_hash != d.value_hash)
    return violated(Invariant::kDecisionCertificateMatches,
                    "decision " + slot_text(d.height, d.round) + " carries a certificate for " +
                        slot_text(c.height, c.round) +
                        (c.block_hash != d.value_hash ? " and another value" : ""));
  return std::nullopt;
}

}  // namespace rl::consensus
