#include "node/validator/compact_block.hpp"

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
  for (const auto& tx : block.txs) compact.add_tx_ids(to_string(tx.id));
  return serialize(compact);
}

bool is_compact(ByteView value) {
  pb::Block b;
  if (!b.ParseFromArray(value.data(), static_cast<int>(value.size()))) return false;
  return b.tx_ids_size() > 0 && b.txs_size() == 0;
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
  out.block_bytes = serialize(full);
  return std::variant<RebuiltBlock, MissingTxs>(std::move(out));
}

}  // namespace rl::node
