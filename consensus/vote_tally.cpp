#include "consensus/vote_tally.hpp"

namespace rl::consensus {

VoteTally::AddResult VoteTally::add(const Vote& vote, Power power, const Vote** first,
                                    bool proposed) {
  auto [it, inserted] = first_.try_emplace(vote.validator, vote);
  if (inserted) {
    total_ += power;
    values_of_[vote.validator] = 1;
    ForValue& fv = by_value_[vote.value_hash];
    fv.power += power;
    fv.votes.emplace(vote.validator, vote);
    return AddResult::kAdded;
  }
  ForValue& fv = by_value_[vote.value_hash];
  if (fv.votes.contains(vote.validator)) return AddResult::kDuplicate;
  if (first) *first = &it->second;
  std::size_t& values = values_of_[vote.validator];
  if (values < kMaxValuesPerValidator || proposed) {
    ++values;
    fv.power += power;
    fv.votes.emplace(vote.validator, vote);
  } else if (fv.votes.empty()) {
    by_value_.erase(vote.value_hash);  // do not keep an empty entry for a dropped value
  }
  return AddResult::kConflict;
}

bool VoteTally::contains(const Vote& vote) const {
  auto it = by_value_.find(vote.value_hash);
  if (it == by_value_.end()) return false;
  auto v = it->second.votes.find(vote.validator);
  return v != it->second.votes.end() && v->second == vote;
}

Power VoteTally::power_for(const Bytes& value_hash) const {
  auto it = by_value_.find(value_hash);
  return it == by_value_.end() ? 0 : it->second.power;
}

const Vote* VoteTally::vote_of(ValidatorIndex v) const {
  auto it = first_.find(v);
  return it == first_.end() ? nullptr : &it->second;
}

const std::map<ValidatorIndex, Vote>& VoteTally::votes_for(const Bytes& value_hash) const {
  static const std::map<ValidatorIndex, Vote> kNone;
  auto it = by_value_.find(value_hash);
  return it == by_value_.end() ? kNone : it->second.votes;
}

}  // namespace rl::consensus
