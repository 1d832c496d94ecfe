#pragma once
// Compact, canonical binary encoding of consensus messages, certificates, evidence and the
// safety state. The node carries these bytes in P2P frames and on disk. Decoding is strict:
// every length is bounded before it is read, enums and rounds are range-checked, trailing bytes
// are an error, and nothing a peer sends can make the decoder crash or allocate without bound.
//
// Layouts (integers big-endian; "hash" = u8 length (<= 64) + bytes; "sig" = u16 length
// (<= 512) + bytes):
//   Message    = u8 version (1) || u8 kind (1 proposal, 2 vote) || body
//   Proposal   = u64 height || u32 round || u32 pol_round (0xFFFFFFFF none) || u32 proposer ||
//                hash value_hash || u32 len(value) (<= kMaxValueBytes) || value || sig
//   Vote       = u8 type (1 prevote, 2 precommit) || u64 height || u32 round || u32 validator ||
//                hash value_hash (len 0 = nil) || sig
//   Certificate= u8 version (1) || u64 height || u32 round || hash block_hash ||
//                u16 count (<= kMaxValidators) || count * (u32 validator || sig), strictly
//                increasing validator indices
//   Evidence   = u8 version (1) || u8 kind (1 duplicate vote) || Vote first || Vote second
//   SafetyState= u8 version (1) || u64 height || u32 round || u8 step || u32 locked_round ||
//                u32 len || locked_value || hash locked_hash || u32 valid_round || u32 len ||
//                valid_value || hash valid_hash || u8 has_vote [Vote] || u8 n (<= 8) n*Vote recent
//                || u16 n (<= kMaxValidators) n*Vote valid_pol || u8 has_prop [Proposal]

#include "common/bytes.hpp"
#include "common/result.hpp"
#include "consensus/messages.hpp"
#include "consensus/safety_state.hpp"
#include "consensus/validator_set.hpp"

namespace rl::consensus {

inline constexpr std::size_t kMaxHashBytes = 64;
inline constexpr std::size_t kMaxSignatureBytes = 512;
inline constexpr std::size_t kMaxValueBytes = std::size_t{16} << 20;  // 16 MiB block

Bytes encode_message(const Message& m);
Result<Message> decode_message(ByteView bytes);

Bytes encode_certificate(const CommitCertificate& c);
Result<CommitCertificate> decode_certificate(ByteView bytes);

Bytes encode_evidence(const DuplicateVoteEvidence& e);
Result<DuplicateVoteEvidence> decode_evidence(ByteView bytes);

Bytes encode_safety_state(const SafetyState& s);
Result<SafetyState> decode_safety_state(ByteView bytes);

}  // namespace rl::consensus
