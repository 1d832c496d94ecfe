#include "consensus/validator_set.hpp"

#include <set>

#include "consensus/bytes_less.hpp"

namespace rl::consensus {

const char* step_name(Step s) {
  switch (s) {
    case Step::kPropose:
      return "propose";
    case Step::kPrevote:
      return "prevote";
    case Step::kPrecommit:
      return "precommit";
  }
  return "?";
}

const char* timeout_name(TimeoutKind k) {
  switch (k) {
    case TimeoutKind::kPropose:
      return "propose";
    case TimeoutKind::kPrevote:
      return "prevote";
    case TimeoutKind::kPrecommit:
      return "precommit";
  }
  return "?";
}

const char* vote_type_name(VoteType t) {
  return t == VoteType::kPrecommit ? "precommit" : "prevote";
}

Result<ValidatorSet> ValidatorSet::create(std::vector<Validator> validators) {
  if (validators.empty()) return make_error("invalid_validator_set", "empty validator set");
  if (validators.size() > kMaxValidators)
    return make_error("invalid_validator_set", "too many validators");
  std::set<Bytes, BytesLess> ids;
  Power total = 0;
  for (const auto& v : validators) {
    if (v.power == 0) return make_error("invalid_validator_set", "validator with zero power");
    if (v.id.empty() || v.id.size() > kMaxValidatorIdBytes)
      return make_error("invalid_validator_set", "validator id empty or too long");
    if (!ids.insert(v.id).second) return make_error("invalid_validator_set", "duplicate validator");
    if (v.power > kMaxTotalPower || total + v.power > kMaxTotalPower)
      return make_error("invalid_validator_set", "total power above limit");
    total += v.power;
  }
  ValidatorSet set;
  set.validators_ = std::move(validators);
  set.total_ = total;
  // Smooth weighted round-robin (as in nginx / Tendermint's proposer priority): every slot each
  // validator gains its power, the richest (lowest index on ties) is chosen and pays the total.
  // After `total` slots all priorities are back to zero, so the sequence is periodic.
  std::vector<std::int64_t> priority(set.validators_.size(), 0);
  set.schedule_.reserve(total);
  for (Power slot = 0; slot < total; ++slot) {
    std::size_t best = 0;
    for (std::size_t i = 0; i < priority.size(); ++i) {
      priority[i] += static_cast<std::int64_t>(set.validators_[i].power);
      if (priority[i] > priority[best]) best = i;
    }
    priority[best] -= static_cast<std::int64_t>(total);
    set.schedule_.push_back(static_cast<ValidatorIndex>(best));
  }
  return set;
}

std::optional<ValidatorIndex> ValidatorSet::index_of(ByteView id) const {
  for (std::size_t i = 0; i < validators_.size(); ++i) {
    if (std::equal(validators_[i].id.begin(), validators_[i].id.end(), id.begin(), id.end()))
      return static_cast<ValidatorIndex>(i);
  }
  return std::nullopt;
}

ValidatorIndex ValidatorSet::proposer(Height height, Round round) const {
  const std::uint64_t slot = (height + static_cast<std::uint64_t>(round)) % total_;
  return schedule_[slot];
}

ValidatorSchedule::ValidatorSchedule(Height first_height, ValidatorSet initial) {
  sets_.emplace(first_height, std::move(initial));
}

const ValidatorSet& ValidatorSchedule::at(Height h) const {
  auto it = sets_.upper_bound(h);
  if (it != sets_.begin()) --it;  // below the first entry: the first set is the best we know
  return it->second;
}

void ValidatorSchedule::schedule(Height effective_height, ValidatorSet set) {
  sets_.insert_or_assign(effective_height, std::move(set));
}

void ValidatorSchedule::prune_below(Height h) {
  auto keep = sets_.upper_bound(h);
  if (keep == sets_.begin()) return;
  --keep;  // the entry in force at h stays
  sets_.erase(sets_.begin(), keep);
}

}  // namespace rl::consensus
