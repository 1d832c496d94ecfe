#include "consensus/vote_tally.hpp"

namespace rl::consensus {

VoteTally::AddResult VoteTally::add(const Vote& vote, Power power, const Vote** existing) {
  auto [it, inserted] = votes_.try_emplace(vote.validator, vote);
  if (!inserted) {
    if (existing) *existing = &it->second;
    return it->second.value_hash == vote.value_hash ? AddResult::kDuplicate : AddResult::kConflict;
  }
  by_value_[vote.value_hash] += power;
  total_ += power;
  return AddResult::kAdded;
}

Power VoteTally::power_for(const Bytes& value_hash) const {
  auto it = by_value_.find(value_hash);
  return it == by_value_.end() ? 0 : it->second;
}

const Vote* VoteTally::vote_of(ValidatorIndex v) const {
  auto it = votes_.find(v);
  return it == votes_.end() ? nullptr : &it->second;
}

}  // namespace rl::consensus
