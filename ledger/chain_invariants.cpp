#include "ledger/chain_invariants.hpp"

#include <string>

#include "common/bytes.hpp"
#include "crypto/hash.hpp"
#include "ledger/state_overlay.hpp"

namespace rl::ledger {
namespace {

Status violated(const char* name, const std::string& detail) {
  return make_error(kLedgerInvariantViolatedCode,
                    std::string("invariant ") + name + " violated: " + detail);
}

std::string short_hex(ByteView b) {
  return to_hex(b.size() > 8 ? b.first(8) : b);
}

}  // namespace

Status check_block_extends_head(crypto::Suite suite, const Store& store, const PreparedBlock& b,
                                const ChainHead& head) {
  if (b.header.height() != b.height)
    return violated("header_height_matches_block",
                    "header says height " + std::to_string(b.header.height()) +
                        ", the prepared block " + std::to_string(b.height));
  if (!bytes_equal(b.header.prev_block_hash(), head.block_hash))
    return violated("parent_is_head", "block " + std::to_string(b.height) + " names parent " +
                                          short_hex(as_bytes(b.header.prev_block_hash())) +
                                          ", the head is " + short_hex(head.block_hash));
  if (crypto::hash(suite, as_bytes(b.header.SerializeAsString())) != b.block_hash)
    return violated("block_hash_matches_header",
                    "block " + std::to_string(b.height) + " hash does not cover its header");
  // The write set is recomputed through the overlay that produced it, so the hash rule lives in
  // one place (StateOverlay::write_set_hash).
  StateOverlay replay(store);
  for (const auto& [k, v] : b.writes) replay.put(k, v);
  replay.commit_tx();
  for (const auto& k : b.deletes) replay.del(k);
  const Bytes chained = chain_app_hash(suite, head.app_hash, replay.write_set_hash(suite));
  if (!bytes_equal(b.header.app_hash(), chained))
    return violated("app_hash_chained", "block " + std::to_string(b.height) + " app hash " +
                                            short_hex(as_bytes(b.header.app_hash())) +
                                            " is not the head's chained with its writes (" +
                                            short_hex(chained) + ")");
  return {};
}

}  // namespace rl::ledger
