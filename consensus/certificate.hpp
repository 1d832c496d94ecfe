#pragma once
// Checks that anyone holding the validator set can run: the ledger when it stores a block, the
// client when it verifies a receipt offline, the core when it accepts a synced block.

#include <string_view>

#include "common/result.hpp"
#include "consensus/crypto_hooks.hpp"
#include "consensus/messages.hpp"
#include "consensus/validator_set.hpp"

namespace rl::consensus {

// The one rule for commit certificates, wherever one is checked (the core, block sync, the
// ledger's commit, receipts, the client's verified reads; decision 0070): OK when `cert` holds
// valid precommit signatures for (height, round, block_hash) from members of `set` (the set in
// force at cert.height) in strictly increasing validator order, with more than 2/3 of its power.
Status verify_certificate(std::string_view chain_id, const ValidatorSet& set,
                          const Verifier& verifier, const CommitCertificate& cert);

// OK when `e` is two validly signed, conflicting votes of one member of `set` (the set in force
// at the votes' height) for the same height, round and type.
Status verify_evidence(std::string_view chain_id, const ValidatorSet& set, const Verifier& verifier,
                       const DuplicateVoteEvidence& e);

}  // namespace rl::consensus
