#pragma once
// The votes of one type in one round of the current height.
//
// Counting follows the paper: "2f+1 ⟨PREVOTE, h, r, id(v)⟩" means signed prevotes for v from
// distinct validators holding more than 2/3 of the power, so a validator that equivocates counts
// towards each value it signed (quorum intersection still holds: two quorums share more than a
// third of the power, hence an honest validator, which never signs twice). Without this, an
// equivocator's relayed vote could be dropped and a proof-of-lock would be unprovable at some
// honest nodes, which stalls the locked validators forever. "2f+1 ⟨PREVOTE, h, r, *⟩" counts each
// validator once. Each equivocation is reported once as evidence by the caller.

#include <map>
#include <optional>

#include "consensus/bytes_less.hpp"
#include "consensus/messages.hpp"

namespace rl::consensus {

class VoteTally {
 public:
  enum class AddResult { kAdded, kDuplicate, kConflict };
  // Distinct values kept per validator and tally: bounds what one Byzantine validator can make
  // us store. Its first vote and this many conflicting ones count; the rest are only evidence,
  // except votes for `proposed` values (values of proposals we hold), which always count: those
  // are the ones a proof-of-lock or a decision can need, and they are bounded by the proposals.
  static constexpr std::size_t kMaxValuesPerValidator = 4;

  // `power` is the voter's power in the set of this height. On kConflict, `*first` is set to the
  // validator's first vote in this tally.
  AddResult add(const Vote& vote, Power power, const Vote** first, bool proposed = false);
  bool contains(const Vote& vote) const;

  Power power_for(const Bytes& value_hash) const;  // empty hash = nil
  Power total_power() const { return total_; }     // each validator once
  const Vote* vote_of(ValidatorIndex v) const;     // the validator's first vote
  const std::map<ValidatorIndex, Vote>& first_votes() const { return first_; }
  // Votes for one value, by validator (empty map if none).
  const std::map<ValidatorIndex, Vote>& votes_for(const Bytes& value_hash) const;

 private:
  struct ForValue {
    Power power = 0;
    std::map<ValidatorIndex, Vote> votes;
  };
  std::map<ValidatorIndex, Vote> first_;
  std::map<ValidatorIndex, std::size_t> values_of_;
  std::map<Bytes, ForValue, BytesLess> by_value_;
  Power total_ = 0;
};

}  // namespace rl::consensus
