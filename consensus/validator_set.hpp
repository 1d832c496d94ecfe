#pragma once
// A validator set with voting power, its quorum thresholds and the weighted round-robin proposer
// schedule; and the schedule of sets by height (changes decided at h take effect at h + 2).

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "common/bytes.hpp"
#include "common/result.hpp"
#include "consensus/types.hpp"

namespace rl::consensus {

struct Validator {
  Bytes id;  // the validator's public identity (e.g. its public key DER); unique in a set
  Power power = 0;
  bool operator==(const Validator&) const = default;
};

inline constexpr std::size_t kMaxValidators = 1024;
// The proposer schedule is precomputed with one slot per unit of power, which bounds the total.
inline constexpr Power kMaxTotalPower = Power{1} << 16;
inline constexpr std::size_t kMaxValidatorIdBytes = 1024;

class ValidatorSet {
 public:
  // Rejects an empty set, zero power, duplicate or oversized ids, and totals above the limits.
  static Result<ValidatorSet> create(std::vector<Validator> validators);

  std::size_t size() const { return validators_.size(); }
  const Validator& at(ValidatorIndex i) const { return validators_.at(i); }
  const std::vector<Validator>& validators() const { return validators_; }
  Power total_power() const { return total_; }
  std::optional<ValidatorIndex> index_of(ByteView id) const;

  // More than 2/3 of the total power (the paper's "2f + 1").
  bool is_quorum(Power p) const { return 3 * p > 2 * total_; }
  // More than 1/3 of the total power (the paper's "f + 1": at least one honest validator).
  bool is_one_third(Power p) const { return 3 * p > total_; }

  // Weighted round-robin: a smooth weighted round-robin sequence of length total_power, indexed
  // by height + round, so each validator proposes in proportion to its power and a failed round
  // hands the proposal to the next slot of the sequence.
  ValidatorIndex proposer(Height height, Round round) const;

  bool operator==(const ValidatorSet& o) const { return validators_ == o.validators_; }

 private:
  std::vector<Validator> validators_;
  std::vector<ValidatorIndex> schedule_;
  Power total_ = 0;
};

// Validator sets keyed by the first height at which they are in force.
class ValidatorSchedule {
 public:
  explicit ValidatorSchedule(Height first_height, ValidatorSet initial);
  // The set in force at `h` (the latest entry whose effective height is <= h).
  const ValidatorSet& at(Height h) const;
  void schedule(Height effective_height, ValidatorSet set);
  // Forgets sets no longer needed for heights >= h.
  void prune_below(Height h);
  const std::map<Height, ValidatorSet>& entries() const { return sets_; }

 private:
  std::map<Height, ValidatorSet> sets_;
};

}  // namespace rl::consensus
