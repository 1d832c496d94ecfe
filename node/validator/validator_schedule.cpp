#include "node/validator/validator_schedule.hpp"

namespace rl::node {

Result<consensus::ValidatorSchedule> schedule_from_chain(const ledger::Chain& chain) {
  const std::uint64_t start = chain.head().height + 1;
  RL_ASSIGN_OR_RETURN(auto now, chain.validator_set(start));
  RL_ASSIGN_OR_RETURN(auto next, chain.validator_set(start + 1));
  consensus::ValidatorSchedule schedule(start, std::move(now.keys.set));
  if (next.effective_height == start + 1) schedule.schedule(start + 1, std::move(next.keys.set));
  return schedule;
}

Result<std::optional<consensus::ValidatorSetChange>> change_scheduled_by(const ledger::Chain& chain,
                                                                         std::uint64_t height) {
  RL_ASSIGN_OR_RETURN(auto latest, chain.latest_validator_set());
  if (latest.effective_height != height + 2) {
    return std::optional<consensus::ValidatorSetChange>();
  }
  return std::optional<consensus::ValidatorSetChange>(
      consensus::ValidatorSetChange{height + 2, std::move(latest.keys.set)});
}

}  // namespace rl::node
