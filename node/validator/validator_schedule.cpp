#include "node/validator/validator_schedule.hpp"

namespace rl::node {

Result<consensus::ValidatorSet> consensus_set(const ledger::ValidatorKeys& keys) {
  std::vector<consensus::Validator> members;
  members.reserve(keys.keys.size());
  for (std::size_t i = 0; i < keys.keys.size(); ++i) {
    members.push_back({keys.keys[i].to_der(), keys.powers[i]});
  }
  return consensus::ValidatorSet::create(std::move(members));
}

Result<consensus::ValidatorSchedule> schedule_from_chain(const ledger::Chain& chain) {
  const std::uint64_t start = chain.head().height + 1;
  RL_ASSIGN_OR_RETURN(auto now, chain.validator_set(start));
  RL_ASSIGN_OR_RETURN(auto next, chain.validator_set(start + 1));
  RL_ASSIGN_OR_RETURN(auto set_now, consensus_set(now.keys));
  consensus::ValidatorSchedule schedule(start, std::move(set_now));
  if (next.effective_height == start + 1) {
    RL_ASSIGN_OR_RETURN(auto set_next, consensus_set(next.keys));
    schedule.schedule(start + 1, std::move(set_next));
  }
  return schedule;
}

Result<std::optional<consensus::ValidatorSetChange>> change_scheduled_by(const ledger::Chain& chain,
                                                                         std::uint64_t height) {
  RL_ASSIGN_OR_RETURN(auto latest, chain.latest_validator_set());
  if (latest.effective_height != height + 2) {
    return std::optional<consensus::ValidatorSetChange>();
  }
  RL_ASSIGN_OR_RETURN(auto set, consensus_set(latest.keys));
  return std::optional<consensus::ValidatorSetChange>(
      consensus::ValidatorSetChange{height + 2, std::move(set)});
}

}  // namespace rl::node
