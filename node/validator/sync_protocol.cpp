#include "node/validator/sync_protocol.hpp"

namespace rl::node {

Bytes serialize_message(const google::protobuf::MessageLite& m) {
  std::string s = m.SerializeAsString();
  return Bytes(s.begin(), s.end());
}
namespace {
template <typename M>
bool parse(M& m, ByteView bytes) {
  return m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}
}  // namespace

Result<pb::PeerStatus> decode_peer_status(ByteView bytes) {
  pb::PeerStatus s;
  if (bytes.size() > kMaxStatusBytes) return make_error("bad_status", "status frame too large");
  if (!parse(s, bytes)) return make_error("bad_status", "status does not decode");
  if (s.block_hash().size() > 64 || s.app_hash().size() > 64)
    return make_error("bad_status", "hash too long");
  return s;
}

Result<pb::SyncRequest> decode_sync_request(ByteView bytes) {
  pb::SyncRequest r;
  if (bytes.size() > kMaxSyncRequestBytes)
    return make_error("bad_sync_request", "sync request too large");
  if (!parse(r, bytes)) return make_error("bad_sync_request", "sync request does not decode");
  if (r.from_height() == 0) return make_error("bad_sync_request", "from_height must be >= 1");
  if (r.max_blocks() == 0 || r.max_blocks() > kMaxSyncBlocksPerRequest)
    return make_error("bad_sync_request", "max_blocks out of range");
  return r;
}

Result<pb::SyncResponse> decode_sync_response(ByteView bytes, std::size_t max_bytes) {
  pb::SyncResponse r;
  if (bytes.size() > max_bytes) return make_error("bad_sync_response", "sync response too large");
  if (!parse(r, bytes)) return make_error("bad_sync_response", "sync response does not decode");
  if (r.blocks_size() > static_cast<int>(kMaxSyncBlocksPerRequest))
    return make_error("bad_sync_response", "more blocks than a request can ask for");
  return r;
}

Result<pb::BlockRequest> decode_block_request(ByteView bytes, std::size_t hash_bytes) {
  pb::BlockRequest r;
  if (bytes.size() > kMaxBlockRequestBytes)
    return make_error("bad_block_request", "block request too large");
  if (!parse(r, bytes)) return make_error("bad_block_request", "block request does not decode");
  if (r.block_hash().size() != hash_bytes)
    return make_error("bad_block_request", "block_hash is not a hash");
  if (static_cast<std::size_t>(r.tx_ids_size()) > kMaxRequestedTxs)
    return make_error("bad_block_request", "too many tx ids");
  for (const auto& id : r.tx_ids()) {
    if (id.size() != hash_bytes) return make_error("bad_block_request", "a tx id is not a hash");
  }
  return r;
}

Result<pb::BlockResponse> decode_block_response(ByteView bytes, std::size_t hash_bytes,
                                                std::size_t max_bytes) {
  pb::BlockResponse r;
  if (bytes.size() > max_bytes) return make_error("bad_block_response", "block response too large");
  if (!parse(r, bytes)) return make_error("bad_block_response", "block response does not decode");
  if (r.block_hash().size() != hash_bytes)
    return make_error("bad_block_response", "block_hash is not a hash");
  if (!r.block().empty() && r.txs_size() > 0)
    return make_error("bad_block_response", "both a block and txs");
  if (static_cast<std::size_t>(r.txs_size()) > kMaxRequestedTxs)
    return make_error("bad_block_response", "more txs than a request can name");
  return r;
}

}  // namespace rl::node
