#pragma once
// Commit certificates on the ledger side: precommit signatures over proto::vote_sign_bytes from
// validators holding more than 2/3 of the voting power. The certificate is one type,
// consensus::CommitCertificate, checked by one rule, consensus::verify_certificate (decision
// 0070); pb::CommitCertificate is only its encoding in blocks, receipts and sync messages, and
// the two converters below are the only place that crosses between them.

#include "consensus/messages.hpp"
#include "ledger/genesis.hpp"
#include "regledger.pb.h"

namespace rl::ledger {

namespace pb = ::regledger::v1;

consensus::CommitCertificate certificate_from_pb(const pb::CommitCertificate& c);
pb::CommitCertificate certificate_to_pb(const consensus::CommitCertificate& c);

// Checks that `cert` commits `block_hash` at `height` under `set`, the validator set in force at
// `height`, by consensus::verify_certificate (signers in strictly increasing index order, each a
// member with a valid signature, more than 2/3 of the power). Code: bad_commit, with the rule's
// message.
Status verify_commit(const TrustAnchor& anchor, const ValidatorKeys& set, std::uint64_t height,
                     ByteView block_hash, const pb::CommitCertificate& cert);

// A precommit signature by one validator (used by the single-validator sealer and tests).
Result<pb::CommitSignature> sign_precommit(const TrustAnchor& anchor, const crypto::PrivateKey& key,
                                           std::uint32_t validator_index, std::uint64_t height,
                                           std::uint32_t round, ByteView block_hash);

}  // namespace rl::ledger
