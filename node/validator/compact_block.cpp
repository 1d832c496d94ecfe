#include "node/validator/compact_block.hpp"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include <limits>
#include <set>

#include "regledger.pb.h"

namespace rl::node {
namespace pb = ::regledger::v1;

namespace {
Bytes serialize(const pb::Block& b) {
  std::string s = b.SerializeAsString();
  return Bytes(s.begin(), s.end());
}
Error bad(const std::string& why) {
  return make_error("bad_compact_block", why);
}
}  // namespace

Bytes make_compact(const ledger::PreparedBlock& block) {
  pb::Block full;
  if (!full.ParseFromArray(block.block_bytes.data(), static_cast<int>(block.block_bytes.size()))) {
    // A PreparedBlock holds bytes this process built or checked: not decoding is a bug here.
    throw std::logic_error("make_compact: prepared block bytes do not decode");
  }
  pb::Block compact;
  compact.set_header(full.header());
  compact.set_last_commit(full.last_commit());
  for (const auto& tx : block.txs) compact.add_tx_ids(to_string(tx->id));
  *compact.mutable_evidence() = full.evidence();
  return serialize(compact);
}

bool is_compact(ByteView value) {
  // Walks the top-level fields without parsing them: a full-form value is megabytes of txs, and
  // this runs on every proposal and decision just to pick the path.
  if (value.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) return false;
  google::protobuf::io::CodedInputStream in(value.data(), static_cast<int>(value.size()));
  bool has_ids = false;
  for (std::uint32_t tag = in.ReadTag(); tag != 0; tag = in.ReadTag()) {
    const auto field = google::protobuf::internal::WireFormatLite::GetTagFieldNumber(tag);
    if (field == pb::Block::kTxsFieldNumber) return false;
    if (field == pb::Block::kTxIdsFieldNumber) has_ids = true;
    if (!google::protobuf::internal::WireFormatLite::SkipField(&in, tag)) return false;
  }
  // ReadTag() is 0 at the end and on a malformed tag; only the end counts.
  return has_ids && in.ConsumedEntireMessage() &&
         in.CurrentPosition() == static_cast<int>(value.size());
}

Result<std::variant<RebuiltBlock, MissingTxs>> rebuild_block(ByteView compact,
                                                             std::size_t hash_bytes,
                                                             std::size_t max_txs,
                                                             const TxLookup& lookup) {
  pb::Block b;
  if (!b.ParseFromArray(compact.data(), static_cast<int>(compact.size()))) {
    return bad("does not decode");
  }
  if (b.txs_size() != 0) return bad("carries both txs and tx ids");
  if (static_cast<std::size_t>(b.tx_ids_size()) > max_txs) {
    return bad(std::to_string(b.tx_ids_size()) + " tx ids; a block holds at most " +
               std::to_string(max_txs));
  }
  pb::BlockHeader hdr;
  if (!hdr.ParseFromString(b.header())) return bad("header does not decode");
  if (hdr.tx_count() != static_cast<std::uint32_t>(b.tx_ids_size())) {
    return bad("tx_count " + std::to_string(hdr.tx_count()) + " but " +
               std::to_string(b.tx_ids_size()) + " tx ids");
  }
  std::set<std::string_view> seen;
  RebuiltBlock out;
  out.txs.reserve(static_cast<std::size_t>(b.tx_ids_size()));
  MissingTxs missing;
  for (const auto& id : b.tx_ids()) {
    if (id.size() != hash_bytes) return bad("a tx id is not a hash");
    if (!seen.insert(id).second) return bad("a tx id is repeated");
    Bytes key = to_bytes(id);
    auto tx = lookup(key);
    if (!tx) {
      missing.ids.push_back(std::move(key));
    } else {
      out.txs.push_back(std::move(tx));
    }
  }
  if (!missing.ids.empty()) return std::variant<RebuiltBlock, MissingTxs>(std::move(missing));
  pb::Block full;
  full.set_header(b.header());
  for (const auto& tx : out.txs) full.add_txs(to_string(tx->raw));
  full.set_last_commit(b.last_commit());
  *full.mutable_evidence() = b.evidence();
  out.block_bytes = serialize(full);
  return std::variant<RebuiltBlock, MissingTxs>(std::move(out));
}

}  // namespace rl::node
