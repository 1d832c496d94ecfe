#pragma once
// Caches that keep signature checking off the hot path: a transaction admitted to the mempool
// is verified once, and executing it in a block finds the verdict here. Entries are keyed by
// hashes of immutable bytes, so a cache hit can never approve different bytes.

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "common/bytes.hpp"
#include "crypto/keys.hpp"

namespace rl::ledger {

class VerifyCache {
 public:
  explicit VerifyCache(std::size_t max_entries = 200000) : max_entries_(max_entries) {}

  // Key: suite hash of the full tx bytes (body + signature + cert id).
  bool is_verified(const Bytes& tx_hash) const;
  void mark_verified(const Bytes& tx_hash);
  void forget(const Bytes& tx_hash);
  // Verdicts held now (tests, and the bound below).
  std::size_t verified_entries() const;

  std::optional<crypto::PublicKey> public_key(const Bytes& cert_id) const;
  void put_public_key(const Bytes& cert_id, const crypto::PublicKey& key);

  // The key of certificate `cert_id` (whose DER is `der`), parsed once per id; nullopt when the
  // DER does not parse. Block execution and signature prefetching both take keys from here.
  std::optional<crypto::PublicKey> key_for(const Bytes& cert_id, ByteView der);
  // Verifies and, when the signature holds, remembers the verdict under `tx_hash`.
  bool verify_and_remember(const Bytes& tx_hash, const crypto::PublicKey& key, ByteView message,
                           ByteView signature);

 private:
  static std::string key(const Bytes& b) { return std::string(b.begin(), b.end()); }
  std::size_t max_entries_;
  mutable std::mutex mu_;
  std::unordered_set<std::string> verified_;
  std::unordered_map<std::string, crypto::PublicKey> keys_;
};

}  // namespace rl::ledger
