#pragma once
// A write overlay over the committed state. Block execution reads through it and writes into
// it; a transaction's writes are staged and merged only if the transaction succeeds, so a
// rejected transaction changes nothing. The ordered write set is what app_hash commits to.

#include <map>
#include <optional>

#include "common/bytes.hpp"
#include "crypto/suite.hpp"
#include "ledger/store.hpp"

namespace rl::ledger {

class StateOverlay {
 public:
  explicit StateOverlay(const Store& store) : store_(store) {}

  Result<std::optional<Bytes>> get(const Bytes& key) const;
  void put(Bytes key, Bytes value);

  // Transaction staging.
  void begin_tx() { staged_.clear(); }
  void commit_tx();
  void abort_tx() { staged_.clear(); }

  const std::map<Bytes, Bytes>& writes() const { return writes_; }
  // H("regledger/writeset/v1\0" || for each (k, v) in key order: u32be |k| k u32be |v| v)
  Bytes write_set_hash(crypto::Suite suite) const;

 private:
  const Store& store_;
  // Committed state does not change while an overlay lives (one block or one admission check),
  // so reads of it are remembered: the accounts, certificates, templates and mapping that
  // thousands of a block's txs share are then read from RocksDB once per block.
  mutable std::map<Bytes, std::optional<Bytes>> committed_reads_;
  std::map<Bytes, Bytes> writes_;
  std::map<Bytes, Bytes> staged_;
};

// app_hash(h) = H(app_hash(h-1) || write_set_hash(h)).
Bytes chain_app_hash(crypto::Suite suite, ByteView prev_app_hash, ByteView write_set_hash);

}  // namespace rl::ledger
