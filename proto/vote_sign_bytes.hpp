#pragma once
// The exact bytes a validator signs for a consensus vote. Shared by consensus/ (which signs and
// checks votes), ledger/ (which stores commit certificates) and client/ (which verifies receipts
// offline), so all three agree on one canonical, hand-specified encoding rather than on a
// protobuf serializer's choices.
//
//   "regledger/vote/v1" 0x00
//   u16be len(chain_id) || chain_id
//   u64be height || u32be round || u8 type (1 = prevote, 2 = precommit)
//   u8 len(block_hash) || block_hash          (len 0 = vote for nil)

#include <cstdint>
#include <string_view>

#include "common/bytes.hpp"

namespace rl::proto {

enum class VoteType : std::uint8_t { kPrevote = 1, kPrecommit = 2 };

inline Bytes vote_sign_bytes(std::string_view chain_id, std::uint64_t height, std::uint32_t round,
                             VoteType type, ByteView block_hash) {
  static constexpr std::string_view kTag = "regledger/vote/v1";
  Bytes out;
  out.reserve(kTag.size() + 1 + 2 + chain_id.size() + 8 + 4 + 1 + 1 + block_hash.size());
  out.insert(out.end(), kTag.begin(), kTag.end());
  out.push_back(0x00);
  out.push_back(static_cast<std::uint8_t>(chain_id.size() >> 8));
  out.push_back(static_cast<std::uint8_t>(chain_id.size()));
  out.insert(out.end(), chain_id.begin(), chain_id.end());
  append_u64_be(out, height);
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<std::uint8_t>(round >> shift));
  out.push_back(static_cast<std::uint8_t>(type));
  out.push_back(static_cast<std::uint8_t>(block_hash.size()));
  out.insert(out.end(), block_hash.begin(), block_hash.end());
  return out;
}

}  // namespace rl::proto
