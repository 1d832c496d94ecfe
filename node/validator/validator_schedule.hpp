#pragma once
// The consensus core's view of the ledger's validator-set history (decisions 0007, 0041): the
// schedule a shell starts with, and the change a just-applied block scheduled.

#include <optional>

#include "consensus/events.hpp"
#include "consensus/validator_set.hpp"
#include "ledger/chain.hpp"

namespace rl::node {

// The sets in force at head + 1 and head + 2 (the core starts at head + 1; a change decided at
// head takes effect at head + 2). Code: state_corrupt, bad_validator_set.
Result<consensus::ValidatorSchedule> schedule_from_chain(const ledger::Chain& chain);

// The change block `height` scheduled (effective at height + 2), if it did.
Result<std::optional<consensus::ValidatorSetChange>> change_scheduled_by(const ledger::Chain& chain,
                                                                         std::uint64_t height);

}  // namespace rl::node
