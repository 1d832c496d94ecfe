#pragma once
// The pending transactions of this node: bounded in count and bytes, de-duplicated by tx id and
// by (signer, nonce), FIFO. A full mempool answers "mempool_full" so that clients back off
// instead of the node growing without bound. Entries are shared immutable transactions kept in
// arrival order under a sequence number, so removing a committed block's transactions costs
// O(k log n) for k removed, not a rebuild of the whole queue.
//
// Two bounds: clients are refused at the configured one; transactions relayed by peer
// validators are taken up to `peer_factor` times it. A peer's transactions are what its next
// proposal is made of, and a compact proposal (node/validator/compact_block.hpp) is rebuilt from
// this mempool: every validator's clients may fill their own node to the client bound, so with
// n validators the network's pending set is up to n times it, and a node that refused part of it
// would have to fetch most proposals whole. The node passes n (decision 0042). Memory stays
// bounded (peer_factor x the configured bounds), and clients still feel back-pressure first.

#include <algorithm>
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

enum class TxOrigin { kClient, kPeer };

class Mempool {
 public:
  Mempool(std::size_t max_txs, std::size_t max_bytes, std::size_t peer_factor = 2)
      : max_txs_(max_txs),
        max_bytes_(max_bytes),
        peer_factor_(std::max<std::size_t>(1, peer_factor)) {}

  // Codes: mempool_full, duplicate_tx, nonce_pending.
  Status add(ledger::DecodedTx tx, TxOrigin origin = TxOrigin::kClient);
  // Removes up to `max` transactions in arrival order. Their ids and nonces stay reserved until
  // release(), so a duplicate cannot slip in while the block that carries them is committed.
  std::vector<ledger::TxRef> take(std::size_t max);
  void release(const std::vector<ledger::TxRef>& txs);
  // Consensus form (several validators): the proposer copies candidates without removing them,
  // and every node removes what a committed block carried (or what execution dropped).
  std::vector<ledger::TxRef> peek(std::size_t max) const;
  void remove(const std::vector<Bytes>& tx_ids);
  bool contains(const Bytes& tx_id) const;
  // The pending transaction with this id (nullptr when absent or taken).
  ledger::TxRef find(const Bytes& tx_id) const;

  // Blocks until at least `min_txs` are queued or `timeout` passes; returns the queue size.
  std::size_t wait_for(std::size_t min_txs, std::chrono::milliseconds timeout);
  void wake_all();

  std::size_t size() const;
  // At its count or byte bound for `origin`: add() would refuse anything from there.
  bool full(TxOrigin origin = TxOrigin::kClient) const;

 private:
  static std::string nonce_key(const ledger::DecodedTx& tx);
  std::size_t max_txs(TxOrigin o) const {
    return o == TxOrigin::kPeer ? max_txs_ * peer_factor_ : max_txs_;
  }
  std::size_t max_bytes(TxOrigin o) const {
    return o == TxOrigin::kPeer ? max_bytes_ * peer_factor_ : max_bytes_;
  }
  std::size_t max_txs_;
  std::size_t max_bytes_;
  std::size_t peer_factor_;
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
