#pragma once
// The body of POST /v1/txs/batch: transactions one after another, each as a 4-byte big-endian
// length followed by that many bytes of an encoded Tx. A reporting system uploading a period's
// returns sends them in one request instead of one request each; every transaction is still
// signed, checked and admitted on its own.

#include <cstddef>
#include <vector>

#include "common/bytes.hpp"
#include "common/result.hpp"

namespace rl::ledger {

inline constexpr std::size_t kMaxBatchTxs = 1000;

// Views into `body`. Codes: bad_batch (empty, more than kMaxBatchTxs entries, a zero or
// over-limit length, a length running past the end).
Result<std::vector<ByteView>> split_tx_batch(ByteView body);
Bytes join_tx_batch(const std::vector<Bytes>& txs);

}  // namespace rl::ledger
