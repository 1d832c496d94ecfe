#include "node/app/mempool.hpp"

#include <algorithm>

namespace rl::node {

std::string Mempool::nonce_key(const ledger::DecodedTx& tx) {
  return tx.body.signer() + "/" + std::to_string(tx.body.nonce());
}

Status Mempool::add(ledger::DecodedTx tx, TxOrigin origin) {
  std::string id(tx.id.begin(), tx.id.end());
  std::string nk = nonce_key(tx);
  {
    std::lock_guard lock(mu_);
    if (ids_.count(id)) return make_error("duplicate_tx", "transaction is already pending");
    if (nonces_.count(nk)) {
      return make_error("nonce_pending", "another pending transaction uses this signer's nonce");
    }
    if (queue_.size() >= max_txs(origin) || queued_bytes_ + tx.raw.size() > max_bytes(origin)) {
      return make_error("mempool_full", "the node's mempool is full; retry later");
    }
    std::uint64_t seq = next_seq_++;
    ids_.emplace(std::move(id), seq);
    nonces_.insert(std::move(nk));
    queued_bytes_ += tx.raw.size();
    queue_.emplace_hint(queue_.end(), seq,
                        std::make_shared<const ledger::DecodedTx>(std::move(tx)));
    if (queue_.size() < wake_at_) return {};
  }
  cv_.notify_one();
  return {};
}

std::vector<ledger::TxRef> Mempool::take(std::size_t max) {
  std::lock_guard lock(mu_);
  std::vector<ledger::TxRef> out;
  out.reserve(std::min(max, queue_.size()));
  while (!queue_.empty() && out.size() < max) {
    auto first = queue_.begin();
    const auto& tx = *first->second;
    queued_bytes_ -= tx.raw.size();
    ids_[std::string(tx.id.begin(), tx.id.end())] = kTaken;
    out.push_back(std::move(first->second));
    queue_.erase(first);
  }
  return out;
}

void Mempool::release(const std::vector<ledger::TxRef>& txs) {
  std::lock_guard lock(mu_);
  for (const auto& tx : txs) {
    ids_.erase(std::string(tx->id.begin(), tx->id.end()));
    nonces_.erase(nonce_key(*tx));
  }
}

std::vector<ledger::TxRef> Mempool::peek(std::size_t max) const {
  std::lock_guard lock(mu_);
  std::vector<ledger::TxRef> out;
  out.reserve(std::min(max, queue_.size()));
  for (auto it = queue_.begin(); it != queue_.end() && out.size() < max; ++it) {
    out.push_back(it->second);
  }
  return out;
}

void Mempool::remove(const std::vector<Bytes>& tx_ids) {
  std::lock_guard lock(mu_);
  for (const auto& raw_id : tx_ids) {
    auto id = ids_.find(std::string(raw_id.begin(), raw_id.end()));
    if (id == ids_.end() || id->second == kTaken) continue;
    auto entry = queue_.find(id->second);
    if (entry != queue_.end()) {
      queued_bytes_ -= entry->second->raw.size();
      nonces_.erase(nonce_key(*entry->second));
      queue_.erase(entry);
    }
    ids_.erase(id);
  }
}

bool Mempool::contains(const Bytes& tx_id) const {
  std::lock_guard lock(mu_);
  return ids_.count(std::string(tx_id.begin(), tx_id.end())) != 0;
}

std::size_t Mempool::wait_for(std::size_t min_txs, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  wake_at_ = std::max<std::size_t>(min_txs, 1);
  cv_.wait_for(lock, timeout, [&] { return queue_.size() >= min_txs || woken_; });
  woken_ = false;
  wake_at_ = 1;
  return queue_.size();
}

void Mempool::wake_all() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

bool Mempool::full(TxOrigin origin) const {
  std::lock_guard lock(mu_);
  return queue_.size() >= max_txs(origin) || queued_bytes_ >= max_bytes(origin);
}

ledger::TxRef Mempool::find(const Bytes& tx_id) const {
  std::lock_guard lock(mu_);
  auto id = ids_.find(std::string(tx_id.begin(), tx_id.end()));
  if (id == ids_.end() || id->second == kTaken) return nullptr;
  auto entry = queue_.find(id->second);
  return entry == queue_.end() ? nullptr : entry->second;
}

std::size_t Mempool::size() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

}  // namespace rl::node
