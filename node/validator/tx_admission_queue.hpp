#pragma once
// Transactions gossiped by peers are verified and admitted on a worker thread of their own,
// behind a bounded queue. The P2P reader only decodes and enqueues, so a flood of transactions
// can never keep it from reading the votes and proposals that arrive on the same connections;
// when the queue is full, gossip is dropped (the node that admitted a transaction proposes it
// anyway, and every validator checks it inside the block).
//
// Queued transactions are indexed by id: a compact proposal naming transactions that are still
// waiting here takes them out (take()) and has them verified as part of checking the block,
// instead of waiting for the worker to reach them or fetching them from a peer (decision 0043).

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/bytes.hpp"
#include "ledger/tx.hpp"

namespace rl::node {

class TxAdmissionQueue {
 public:
  using Admit = std::function<void(ledger::DecodedTx)>;
  TxAdmissionQueue(std::size_t max_items, std::size_t max_bytes, Admit admit);
  ~TxAdmissionQueue();
  TxAdmissionQueue(const TxAdmissionQueue&) = delete;
  TxAdmissionQueue& operator=(const TxAdmissionQueue&) = delete;

  // False (and counted as dropped) when the queue is full or stopped.
  bool push(ledger::DecodedTx tx);
  // Takes the queued transactions whose id is in `ids` out of the queue; the worker never sees
  // them. Every queued copy of an id is taken (the id covers the body, not the signature, so a
  // faulty peer may have sent another encoding). Unverified: whoever takes them must verify
  // them (Chain::check_block does).
  std::vector<ledger::TxRef> take(const std::vector<Bytes>& ids);
  void stop();
  std::uint64_t dropped() const;
  // Transactions queued or being admitted right now.
  std::size_t pending() const;

 private:
  void run();

  std::size_t max_items_;
  std::size_t max_bytes_;
  Admit admit_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::list<ledger::DecodedTx> queue_;  // arrival order
  std::unordered_multimap<std::string, std::list<ledger::DecodedTx>::iterator> by_id_;
  std::size_t bytes_ = 0;
  bool busy_ = false;
  std::uint64_t dropped_ = 0;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace rl::node
