#pragma once
// Verifies the signatures of a block's transactions in parallel before the block is executed.
//
// Execution is sequential (every transaction sees the writes of the ones before it), and a
// transaction's signature is checked there unless the verify cache already knows its bytes. A
// validator re-executing a proposal usually has most transactions verified from admission, but
// under load the gossip that would have brought them can lag; each miss then costs a signature
// verification on the consensus thread, on the critical path of the height. This warms the cache
// on all cores first. It only ever adds verdicts that sequential execution would reach itself:
// a transaction it cannot judge (its certificate is not in committed state, its signature does not
// verify) is left for execution to decide and report.

#include <vector>

#include "ledger/store.hpp"
#include "ledger/tx.hpp"
#include "ledger/verify_cache.hpp"

namespace rl::ledger {

// Returns how many signatures were verified here.
std::size_t prefetch_signatures(crypto::Suite suite, const Store& store, VerifyCache& cache,
                                const std::vector<TxRef>& txs);

}  // namespace rl::ledger
