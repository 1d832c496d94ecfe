#pragma once
// What Chain::commit_block relies on and check_block / build_block guarantee: the prepared block
// extends exactly the head it is committed on. A miss is a bug (a block prepared on another head,
// a hash or write set that is not the block's), never bad input: the certificate was already
// verified. Committing anyway would write a chain that no longer hashes together, so the commit
// is refused with ledger_invariant_violated and the node halts (decision 0071).

#include "common/result.hpp"
#include "crypto/suite.hpp"
#include "ledger/chain.hpp"

namespace rl::ledger {

inline constexpr const char* kLedgerInvariantViolatedCode = "ledger_invariant_violated";

// Checks, in this order (the message names the first that fails):
//   header_height_matches_block  b.header.height() == b.height
//   parent_is_head               b.header.prev_block_hash() == head.block_hash
//   block_hash_matches_header    b.block_hash == H(b.header), the hash the certificate signs
//   app_hash_chained             b.header.app_hash() == H(head.app_hash || write_set_hash(b))
// The caller has already refused a height other than head.height + 1 (stale_block). `store`
// only backs the overlay that recomputes the write-set hash; nothing is read from it.
Status check_block_extends_head(crypto::Suite suite, const Store& store, const PreparedBlock& b,
                                const ChainHead& head);

}  // namespace rl::ledger
