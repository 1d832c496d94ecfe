#pragma once
// The exact bytes a validator signs. Votes use the encoding shared with ledger/ and client/
// (proto/vote_sign_bytes.hpp), so a commit certificate verifies offline. Proposals use their own
// domain tag so that a proposal signature can never be replayed as a vote or vice versa:
//
//   "regledger/proposal/v1" 0x00
//   u16be len(chain_id) || chain_id
//   u64be height || u32be round || u32be pol_round (0xFFFFFFFF = none)
//   u8 len(value_hash) || value_hash
//
// The value itself is bound through value_hash (checked with the injected ValueHasher).

#include <string_view>

#include "common/bytes.hpp"
#include "consensus/messages.hpp"

namespace rl::consensus {

Bytes vote_sign_bytes(std::string_view chain_id, const Vote& v);
// A precommit's bytes for a certificate entry (same encoding as vote_sign_bytes).
Bytes precommit_sign_bytes(std::string_view chain_id, Height height, Round round,
                           ByteView block_hash);
Bytes proposal_sign_bytes(std::string_view chain_id, const Proposal& p);

}  // namespace rl::consensus
