#pragma once
// The pending transactions of this node: bounded in count and bytes, de-duplicated by tx id and
// by (signer, nonce), FIFO. A full mempool answers "mempool_full" so that clients back off
// instead of the node growing without bound. Entries are shared immutable transactions kept in
// arrival order under a sequence number, so removing a committed block's transactions costs
// O(k log n) for k removed, not a rebuild of the whole queue.

#include <condition_variable>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "ledger/tx.hpp"

namespace rl::node {

class Mempool {
 public:
  Mempool(std::size_t max_txs, std::size_t max_bytes) : max_txs_(max_txs), max_bytes_(max_bytes) {}

  // Codes: mempool_full, duplicate_tx, nonce_pending.
  Status add(ledger::DecodedTx tx);
  // Removes up to `max` transactions in arrival order. Their ids and nonces stay reserved until
  // release(), so a duplicate cannot slip in while the block that carries them is committed.
  std::vector<ledger::TxRef> take(std::size_t max);
  void release(const std::vector<ledger::TxRef>& txs);
  // Consensus form (several validators): the proposer copies candidates without removing them,
  // and every node removes what a committed block carried (or what execution dropped).
  std::vector<ledger::TxRef> peek(std::size_t max) const;
  void remove(const std::vector<Bytes>& tx_ids);
  bool contains(const Bytes& tx_id) const;

  // Blocks until at least `min_txs` are queued or `timeout` passes; returns the queue size.
  std::size_t wait_for(std::size_t min_txs, std::chrono::milliseconds timeout);
  void wake_all();

  std::size_t size() const;
  // At its count or byte bound: add() would refuse anything.
  bool full() const;

 private:
  static std::string nonce_key(const ledger::DecodedTx& tx);
  std::size_t max_txs_;
  std::size_t max_bytes_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  // Arrival order: sequence number -> transaction. ids_ maps a queued tx's id to its sequence
  // number, or to kTaken once take() handed it out (reserved until release()).
  static constexpr std::uint64_t kTaken = 0;
  std::map<std::uint64_t, ledger::TxRef> queue_;
  std::uint64_t next_seq_ = 1;
  std::size_t queued_bytes_ = 0;
  // add() wakes a waiter only once the queue reaches what it waits for, so that a busy node
  // does not pay a thread wake-up per transaction.
  std::size_t wake_at_ = 1;
  bool woken_ = false;
  std::unordered_map<std::string, std::uint64_t> ids_;
  std::unordered_set<std::string> nonces_;
};

}  // namespace rl::node
