#include "node/validator/tx_admission_queue.hpp"

#include <optional>

#include "common/thread_name.hpp"
#include "common/thread_priority.hpp"

namespace rl::node {

TxAdmissionQueue::TxAdmissionQueue(std::size_t max_items, std::size_t max_bytes, Admit admit)
    : max_items_(max_items), max_bytes_(max_bytes), admit_(std::move(admit)) {
  worker_ = std::thread([this] {
    name_this_thread("tx-admission");
    run();
  });
}

TxAdmissionQueue::~TxAdmissionQueue() {
  stop();
}

bool TxAdmissionQueue::push(ledger::DecodedTx tx) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || queue_.size() >= max_items_ || bytes_ + tx.raw.size() > max_bytes_) {
      ++dropped_;
      return false;
    }
    std::string key = to_string(tx.id);
    bytes_ += tx.raw.size();
    queue_.push_back(std::move(tx));
    by_id_.emplace(std::move(key), std::prev(queue_.end()));
  }
  cv_.notify_one();
  return true;
}

std::vector<ledger::TxRef> TxAdmissionQueue::take(const std::vector<Bytes>& ids) {
  std::vector<ledger::TxRef> out;
  std::lock_guard lock(mu_);
  for (const Bytes& id : ids) {
    auto [first, last] = by_id_.equal_range(to_string(id));
    for (auto found = first; found != last; ++found) {
      auto it = found->second;
      bytes_ -= it->raw.size();
      out.push_back(std::make_shared<const ledger::DecodedTx>(std::move(*it)));
      queue_.erase(it);
    }
    by_id_.erase(first, last);
  }
  return out;
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
    std::optional<ledger::DecodedTx> tx;
    {
      std::unique_lock lock(mu_);
      busy_ = false;
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      // The front's own entry among the copies of its id.
      auto [first, last] = by_id_.equal_range(to_string(queue_.front().id));
      for (auto f = first; f != last; ++f) {
        if (f->second == queue_.begin()) {
          by_id_.erase(f);
          break;
        }
      }
      bytes_ -= queue_.front().raw.size();
      tx.emplace(std::move(queue_.front()));
      queue_.pop_front();
      busy_ = true;
    }
    admit_(std::move(*tx));
  }
}

}  // namespace rl::node
