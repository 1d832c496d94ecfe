#include "ledger/verify_cache.hpp"

#include "crypto/x509.hpp"

namespace rl::ledger {

bool VerifyCache::is_verified(const Bytes& tx_hash) const {
  std::lock_guard lock(mu_);
  return verified_.count(key(tx_hash)) != 0;
}

void VerifyCache::mark_verified(const Bytes& tx_hash) {
  std::lock_guard lock(mu_);
  // Crude bound: a full cache is dropped rather than evicted entry by entry. Losing entries only
  // costs re-verification, never correctness.
  if (verified_.size() >= max_entries_) verified_.clear();
  verified_.insert(key(tx_hash));
}

void VerifyCache::forget(const Bytes& tx_hash) {
  std::lock_guard lock(mu_);
  verified_.erase(key(tx_hash));
}

std::size_t VerifyCache::verified_entries() const {
  std::lock_guard lock(mu_);
  return verified_.size();
}

std::optional<crypto::PublicKey> VerifyCache::public_key(const Bytes& cert_id) const {
  std::lock_guard lock(mu_);
  auto it = keys_.find(key(cert_id));
  if (it == keys_.end()) return std::nullopt;
  return it->second;
}

void VerifyCache::put_public_key(const Bytes& cert_id, const crypto::PublicKey& k) {
  std::lock_guard lock(mu_);
  if (keys_.size() >= max_entries_) keys_.clear();
  keys_.insert_or_assign(key(cert_id), k);
}

std::optional<crypto::PublicKey> VerifyCache::key_for(const Bytes& cert_id, ByteView der) {
  if (auto key = public_key(cert_id)) return key;
  auto cert = crypto::Certificate::from_der(der);
  if (!cert.ok()) return std::nullopt;
  auto key = cert->public_key();
  put_public_key(cert_id, key);
  return key;
}

bool VerifyCache::verify_and_remember(const Bytes& tx_hash, const crypto::PublicKey& key,
                                      ByteView message, ByteView signature) {
  if (!crypto::verify(key, message, signature)) return false;
  mark_verified(tx_hash);
  return true;
}

}  // namespace rl::ledger
