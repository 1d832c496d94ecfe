#pragma once
// The validator-set history in state (decision 0041): which validators are in force at any
// height. Genesis is the first set; every governance change executed in block h adds an entry
// effective at h + 2 (valset/<height u64be>), and param/valset_latest names the newest entry.
// No entry at all means the genesis set at every height, so chains that never changed their set
// keep their state (and app_hash) exactly as before.

#include <cstdint>
#include <optional>
#include <vector>

#include "ledger/genesis.hpp"
#include "ledger/state_overlay.hpp"
#include "regledger.pb.h"

namespace rl::ledger {

namespace pb = ::regledger::v1;

// A validator set with every member's declared identity and its keys.
struct ValidatorSetEntry {
  std::uint64_t effective_height = 1;  // 1 for the genesis set
  std::uint64_t previous_effective_height = 0;
  std::vector<pb::ValidatorInfo> members;
  ValidatorKeys keys;
};

namespace keys {
Bytes valset(std::uint64_t effective_height);
Bytes valset_latest();
}  // namespace keys

// The signing key of a member (the public key of its node certificate). Code: state_corrupt /
// bad_certificate.
Result<crypto::PublicKey> member_key(const pb::ValidatorInfo& v);
// Keys, powers and hash of `members`. Code: bad_certificate when a certificate does not parse or
// its key is of another suite; bad_validator_set for what the set as a whole may not be.
Result<ValidatorKeys> validator_keys_of(crypto::Suite suite,
                                        const std::vector<pb::ValidatorInfo>& members);

// The genesis validators as a set entry (effective at height 1).
Result<ValidatorSetEntry> genesis_validator_set(const TrustAnchor& anchor);
// The effective height of the newest scheduled set; 1 while the genesis set was never changed.
// One read: what the consensus shell asks after every block. Code: state_corrupt.
Result<std::uint64_t> latest_validator_set_height(const StateOverlay& state);
// The newest scheduled set (it may not be in force yet). Code: state_corrupt.
Result<ValidatorSetEntry> latest_validator_set(const TrustAnchor& anchor,
                                               const StateOverlay& state);
// The set in force at `height` (>= 1). Code: state_corrupt.
Result<ValidatorSetEntry> validator_set_at(const TrustAnchor& anchor, const StateOverlay& state,
                                           std::uint64_t height);
// Only the keys of the set in force at `height` (no certificate parsing for the genesis set:
// what block checking needs twice per block).
Result<ValidatorKeys> validator_keys_at(const TrustAnchor& anchor, const StateOverlay& state,
                                        std::uint64_t height);
// Every change after genesis, oldest first.
Result<std::vector<pb::ValidatorSetRecord>> validator_set_changes(const StateOverlay& state);

}  // namespace rl::ledger
