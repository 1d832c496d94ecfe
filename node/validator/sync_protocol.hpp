#pragma once
// Block sync and status payloads (proto PeerStatus / SyncRequest / SyncResponse) with the limits
// a node applies to what peers send: a decoder refuses oversized or malformed input with a
// specific code and never trusts a count it has not bounded.

#include <cstdint>
#include <vector>

#include "common/bytes.hpp"
#include "common/result.hpp"
#include "regledger.pb.h"

namespace rl::node {

namespace pb = ::regledger::v1;

inline constexpr std::uint32_t kMaxSyncBlocksPerRequest = 256;
inline constexpr std::size_t kMaxStatusBytes = 1024;
inline constexpr std::size_t kMaxSyncRequestBytes = 64;
// A request names at most this many missing txs (a block holds at most max_block_txs, which
// genesis bounds far below this).
inline constexpr std::size_t kMaxRequestedTxs = 20000;
inline constexpr std::size_t kMaxBlockRequestBytes = 128 + kMaxRequestedTxs * 36;

// The P2P payload of one of these messages (or any other protobuf message a shell sends).
Bytes serialize_message(const google::protobuf::MessageLite& m);

// Codes: bad_status.
Result<pb::PeerStatus> decode_peer_status(ByteView bytes);
// Codes: bad_sync_request (including max_blocks of 0 or above kMaxSyncBlocksPerRequest).
Result<pb::SyncRequest> decode_sync_request(ByteView bytes);
// Codes: bad_sync_response (oversized, undecodable, more blocks than could be requested).
Result<pb::SyncResponse> decode_sync_response(ByteView bytes, std::size_t max_bytes);
// Codes: bad_block_request (oversized, undecodable, a hash or tx id of the wrong size, too many
// tx ids).
Result<pb::BlockRequest> decode_block_request(ByteView bytes, std::size_t hash_bytes);
// Codes: bad_block_response (oversized, undecodable, a hash of the wrong size, both a block and
// txs, more txs than a request can name).
Result<pb::BlockResponse> decode_block_response(ByteView bytes, std::size_t hash_bytes,
                                                std::size_t max_bytes);

}  // namespace rl::node
