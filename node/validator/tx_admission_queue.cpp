#include "node/validator/tx_admission_queue.hpp"

#include "common/thread_priority.hpp"

namespace rl::node {

TxAdmissionQueue::TxAdmissionQueue(std::size_t max_items, std::size_t max_bytes, Admit admit)
    : max_items_(max_items), max_bytes_(max_bytes), admit_(std::move(admit)) {
  worker_ = std::thread([this] { run(); });
}

TxAdmissionQueue::~TxAdmissionQueue() {
  stop();
}

bool TxAdmissionQueue::push(std::shared_ptr<const Bytes> tx) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || queue_.size() >= max_items_ || bytes_ + tx->size() > max_bytes_) {
      ++dropped_;
      return false;
    }
    bytes_ += tx->size();
    queue_.push_back(std::move(tx));
  }
  cv_.notify_one();
  return true;
}

void TxAdmissionQueue::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !worker_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

std::uint64_t TxAdmissionQueue::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

std::size_t TxAdmissionQueue::pending() const {
  std::lock_guard lock(mu_);
  return queue_.size() + (busy_ ? 1 : 0);
}

void TxAdmissionQueue::run() {
  // Above the client API (nice 10), below consensus (0): a relayed tx is already in the network
  // and in some peer's next proposal; taking it in before new client work keeps the mempools
  // alike, so compact proposals rebuild here instead of being fetched whole (decision 0042).
  // Under overload the API threads are what gives way, which is where back-pressure belongs.
  lower_this_thread_priority(5);
  for (;;) {
    std::shared_ptr<const Bytes> tx;
    {
      std::unique_lock lock(mu_);
      busy_ = false;
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      tx = std::move(queue_.front());
      queue_.pop_front();
      bytes_ -= tx->size();
      busy_ = true;
    }
    admit_(*tx);
  }
}

}  // namespace rl::node
