#pragma once
// Commit certificates: precommit signatures over proto::vote_sign_bytes from validators holding
// more than 2/3 of the voting power.

#include "ledger/genesis.hpp"
#include "regledger.pb.h"

namespace rl::ledger {

namespace pb = ::regledger::v1;

// Checks that `cert` commits `block_hash` at `height` with > 2/3 of the anchor's power:
// distinct, in-range validator indexes, each signature valid. Codes: bad_commit.
Status verify_commit(const TrustAnchor& anchor, std::uint64_t height, ByteView block_hash,
                     const pb::CommitCertificate& cert);
// The same check against `set`, the validator set in force at `height` (after validator-set
// changes the genesis set no longer commits).
Status verify_commit(const TrustAnchor& anchor, const ValidatorKeys& set, std::uint64_t height,
                     ByteView block_hash, const pb::CommitCertificate& cert);

// A precommit signature by one validator (used by the single-validator sealer and tests).
Result<pb::CommitSignature> sign_precommit(const TrustAnchor& anchor, const crypto::PrivateKey& key,
                                           std::uint32_t validator_index, std::uint64_t height,
                                           std::uint32_t round, ByteView block_hash);

}  // namespace rl::ledger
