#pragma once
// Replay records (nonce/<account>/<n>) live only as long as a tx could need them (decision
// 0045). A tx with expires_at_height e is refused as expired in every block above e, so once the
// chain is past e its record protects nothing: a replay of the same body fails on expiry, and a
// different body that reuses (account, n) is a new tx its signer signed, not a replay.
//
// Each record has an entry in an expiry index (keys::nonce_expiry); at the start of every block
// the oldest expired entries and their records are deleted, at most `limit` of them, in the
// block's own write set (so in its app_hash, and committed in the block's one atomic batch).

#include <cstdint>

#include "ledger/state_overlay.hpp"
#include "ledger/store.hpp"

namespace rl::ledger {

// Writes the replay record of (account, n) and its expiry index entry.
void record_nonce(StateOverlay& state, std::string_view account, std::uint64_t n,
                  std::uint64_t expires_at_height);

// How many records one block prunes at most: twice what one block can add, so a backlog (many
// txs that chose the same expiry height) drains while blocks stay full, and the work per block
// stays of the order of one full block's writes.
std::size_t nonce_prune_limit(std::uint32_t max_block_txs);

// Deletes, from `state` (the overlay of the block at `height`, before its txs execute), up to
// `limit` records whose expiry is below `height`, oldest first, and moves the prune cursor.
// Reads committed state only: the same on every validator. Returns how many it deleted.
Result<std::size_t> prune_expired_nonces(const Store& store, StateOverlay& state,
                                         std::uint64_t height, std::size_t limit);

}  // namespace rl::ledger
