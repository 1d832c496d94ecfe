#pragma once
// Compact proposals. A proposal's value used to be the whole block, so every height each
// validator received, decoded, hashed and fsync'ed (as its locked value) megabytes of
// transactions it already held: they had reached it by gossip seconds before. The compact form
// keeps the header, last_commit and evidence bytes exactly and names the transactions by tx id; the
// receiver rebuilds the full block from its mempool and checks that, so nothing about validity
// changes: tx_root in the header still fixes the exact tx bytes, and the value's hash (the hash
// of the header) is the same for both forms (decision 0042).
//
// Rebuilding can fail without anyone being at fault (a tx not yet gossiped, or a mempool holding
// another encoding of the same tx body), so a failed rebuild is never a verdict: the caller
// fetches the full block from a peer instead (kBlockRequest).

#include <functional>
#include <optional>
#include <variant>
#include <vector>

#include "common/bytes.hpp"
#include "common/result.hpp"
#include "ledger/chain.hpp"
#include "ledger/tx.hpp"

namespace rl::node {

// The compact form of a full, checked block: its exact header, last_commit and evidence bytes and
// its tx ids in order.
Bytes make_compact(const ledger::PreparedBlock& block);

// True when `value` decodes as a block in compact form. Malformed bytes are not compact (the
// ordinary check refuses them).
bool is_compact(ByteView value);

struct RebuiltBlock {
  Bytes block_bytes;               // the full Block: header, txs (exact bytes), last_commit
  std::vector<ledger::TxRef> txs;  // the transactions, as found
};
struct MissingTxs {
  std::vector<Bytes> ids;
};

// Finds a transaction by id (the mempool); nullptr when absent.
using TxLookup = std::function<ledger::TxRef(const Bytes& tx_id)>;

// Rebuilds the full block from a compact value. Codes: bad_compact_block (does not decode, tx
// count disagrees with the header, a malformed or repeated id, more than `max_txs` ids).
Result<std::variant<RebuiltBlock, MissingTxs>> rebuild_block(ByteView compact,
                                                             std::size_t hash_bytes,
                                                             std::size_t max_txs,
                                                             const TxLookup& lookup);

}  // namespace rl::node
