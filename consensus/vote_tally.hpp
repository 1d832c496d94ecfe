#pragma once
// The votes of one type in one round of the current height: at most one counted vote per
// validator, power summed per value. A second, different vote from the same validator is not
// counted; it is returned so the caller can turn it into evidence.

#include <map>
#include <optional>

#include "consensus/bytes_less.hpp"
#include "consensus/messages.hpp"

namespace rl::consensus {

class VoteTally {
 public:
  enum class AddResult { kAdded, kDuplicate, kConflict };

  // `power` is the voter's power in the set of this height.
  AddResult add(const Vote& vote, Power power, const Vote** existing);

  Power power_for(const Bytes& value_hash) const;  // empty hash = nil
  Power total_power() const { return total_; }
  const Vote* vote_of(ValidatorIndex v) const;
  const std::map<ValidatorIndex, Vote>& votes() const { return votes_; }

 private:
  std::map<ValidatorIndex, Vote> votes_;
  std::map<Bytes, Power, BytesLess> by_value_;
  Power total_ = 0;
};

}  // namespace rl::consensus
