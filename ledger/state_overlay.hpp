#pragma once
// A write overlay over the committed state. Block execution reads through it and writes into
// it; a transaction's writes are staged and merged only if the transaction succeeds, so a
// rejected transaction changes nothing. The ordered write set is what app_hash commits to.

#include <map>
#include <optional>
#include <set>

#include "common/bytes.hpp"
#include "crypto/suite.hpp"
#include "ledger/store.hpp"

namespace rl::ledger {

class StateOverlay {
 public:
  explicit StateOverlay(const Store& store) : store_(store) {}

  Result<std::optional<Bytes>> get(const Bytes& key) const;
  void put(Bytes key, Bytes value);
  // Deletes `key` from the block's state. Block-level only (pruning, decision 0045), never inside
  // a transaction: it is not staged, and a later put of the key in this block replaces it.
  void del(Bytes key);

  // Transaction staging.
  void begin_tx() { staged_.clear(); }
  void commit_tx();
  void abort_tx() { staged_.clear(); }

  const std::map<Bytes, Bytes>& writes() const { return writes_; }
  const std::set<Bytes>& deletes() const { return deletes_; }  // disjoint from writes()
  // H("regledger/writeset/v1\0" || for each put or delete in key order: u32be |k| k, then
  // u32be |v| v for a put, or u32be 0xffffffff (no value can be that long) for a delete). A
  // block without deletes hashes exactly as before deletes existed.
  Bytes write_set_hash(crypto::Suite suite) const;

 private:
  const Store& store_;
  // Committed state does not change while an overlay lives (one block or one admission check),
  // so reads of it are remembered: the accounts, certificates, templates and mapping that
  // thousands of a block's txs share are then read from RocksDB once per block.
  mutable std::map<Bytes, std::optional<Bytes>> committed_reads_;
  std::map<Bytes, Bytes> writes_;
  std::set<Bytes> deletes_;
  std::map<Bytes, Bytes> staged_;
};

// app_hash(h) = H(app_hash(h-1) || write_set_hash(h)).
Bytes chain_app_hash(crypto::Suite suite, ByteView prev_app_hash, ByteView write_set_hash);

}  // namespace rl::ledger
