#pragma once
// Transactions gossiped by peers are verified and admitted on a worker thread of their own,
// behind a bounded queue. The P2P reader only enqueues, so a flood of transactions can never
// keep it from reading the votes and proposals that arrive on the same connections; when the
// queue is full, gossip is dropped (the node that admitted a transaction proposes it anyway, and
// every validator checks it inside the block).

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "common/bytes.hpp"

namespace rl::node {

class TxAdmissionQueue {
 public:
  using Admit = std::function<void(const Bytes&)>;
  TxAdmissionQueue(std::size_t max_items, std::size_t max_bytes, Admit admit);
  ~TxAdmissionQueue();
  TxAdmissionQueue(const TxAdmissionQueue&) = delete;
  TxAdmissionQueue& operator=(const TxAdmissionQueue&) = delete;

  // False (and counted as dropped) when the queue is full or stopped.
  bool push(std::shared_ptr<const Bytes> tx);
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
  std::deque<std::shared_ptr<const Bytes>> queue_;
  std::size_t bytes_ = 0;
  bool busy_ = false;
  std::uint64_t dropped_ = 0;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace rl::node
