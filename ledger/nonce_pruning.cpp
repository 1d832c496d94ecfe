#include "ledger/nonce_pruning.hpp"

#include <algorithm>

#include "ledger/state_keys.hpp"

namespace rl::ledger {
namespace {

// keys::nonce_expiry: prefix, u64be height, '/', then the nonce key's tail.
constexpr std::size_t kHeightBytes = 8;

std::uint64_t height_of(ByteView index_key, std::size_t prefix_size) {
  return read_u64_be(index_key.subspan(prefix_size, kHeightBytes));
}

Bytes record_key_of(ByteView index_key, std::size_t prefix_size) {
  static constexpr std::string_view kPrefix = "nonce/";
  auto tail = index_key.subspan(prefix_size + kHeightBytes + 1);
  // Sized up front and filled with copy: GCC 12 at -O3 reports a false -Warray-bounds for the
  // to_bytes + insert form.
  Bytes k(kPrefix.size() + tail.size());
  std::copy(kPrefix.begin(), kPrefix.end(), k.begin());
  std::copy(tail.begin(), tail.end(), k.begin() + static_cast<std::ptrdiff_t>(kPrefix.size()));
  return k;
}

}  // namespace

void record_nonce(StateOverlay& state, std::string_view account, std::uint64_t n,
                  std::uint64_t expires_at_height) {
  state.put(keys::nonce(account, n), Bytes{1});
  state.put(keys::nonce_expiry(expires_at_height, account, n), Bytes{});
}

std::size_t nonce_prune_limit(std::uint32_t max_block_txs) {
  return 2 * static_cast<std::size_t>(max_block_txs);
}

Result<std::size_t> prune_expired_nonces(const Store& store, StateOverlay& state,
                                         std::uint64_t height, std::size_t limit) {
  const Bytes prefix = keys::nonce_expiry_prefix();
  // The cursor skips the range already pruned, so the scan does not wade through the
  // deletion tombstones RocksDB keeps there until compaction.
  RL_ASSIGN_OR_RETURN(auto cursor_raw, store.get(Cf::kState, keys::nonce_prune_cursor()));
  std::uint64_t cursor = 0;
  if (cursor_raw) {
    if (cursor_raw->size() != kHeightBytes) return make_error("state_corrupt", "prune cursor");
    cursor = read_u64_be(*cursor_raw);
  }
  std::size_t pruned = 0;
  std::uint64_t next = height;  // where the next block resumes when nothing expired is left
  Status bad;
  // `after` is exclusive, but index keys of height `cursor` are longer than
  // nonce_expiry_from(cursor) and sort after it: they are visited.
  RL_TRY(store.visit_prefix(Cf::kState, prefix, keys::nonce_expiry_from(cursor),
                            [&](ByteView key, ByteView) {
                              if (key.size() <= prefix.size() + kHeightBytes + 1) {
                                bad = make_error("state_corrupt", "nonce expiry index key");
                                return false;
                              }
                              const std::uint64_t expires = height_of(key, prefix.size());
                              if (expires >= height || pruned == limit) {
                                next = std::min(expires, height);
                                return false;
                              }
                              state.del(Bytes(key.begin(), key.end()));
                              state.del(record_key_of(key, prefix.size()));
                              ++pruned;
                              return true;
                            }));
  RL_TRY(bad);
  // Only a block that prunes moves the cursor (an idle chain writes nothing). Unmoved, it stays a
  // lower bound: entries written later expire at or above their block's height.
  if (pruned > 0 && next != cursor) {
    Bytes v;
    append_u64_be(v, next);
    // Writes outside a tx go through the overlay's staging like any other.
    state.begin_tx();
    state.put(keys::nonce_prune_cursor(), std::move(v));
    state.commit_tx();
  }
  return pruned;
}

}  // namespace rl::ledger
