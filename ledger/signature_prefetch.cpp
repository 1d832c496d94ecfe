#include "ledger/signature_prefetch.hpp"

#include <algorithm>
#include <atomic>

#include "common/parallel_for.hpp"
#include "crypto/hash.hpp"
#include "ledger/state_keys.hpp"

namespace rl::ledger {
namespace {

// Below this many misses the threads cost more than they save.
constexpr std::size_t kMinParallel = 32;

std::optional<crypto::PublicKey> signer_key(const Store& store, VerifyCache& cache,
                                            const Bytes& cert_id) {
  if (auto key = cache.public_key(cert_id)) return key;
  auto raw = store.get(Cf::kState, keys::certificate(cert_id));
  if (!raw.ok() || !*raw) return std::nullopt;  // bound later in this block, or never
  pb::CertificateRecord rec;
  if (!rec.ParseFromArray((*raw)->data(), static_cast<int>((*raw)->size()))) return std::nullopt;
  return cache.key_for(cert_id, as_bytes(rec.certificate_der()));
}

}  // namespace

std::size_t prefetch_signatures(crypto::Suite suite, const Store& store, VerifyCache& cache,
                                const std::vector<TxRef>& txs) {
  struct Miss {
    const DecodedTx* tx;
    Bytes tx_hash;
  };
  std::vector<Miss> misses;
  for (const auto& tx : txs) {
    Bytes h = signature_cache_key(suite, *tx);
    if (!cache.is_verified(h)) misses.push_back({tx.get(), std::move(h)});
  }
  if (misses.size() < kMinParallel) return 0;

  std::atomic<std::size_t> verified{0};
  parallel_for(misses.size(), "sig-prefetch", [&](std::size_t i) {
    const DecodedTx& tx = *misses[i].tx;
    Bytes cert_id(tx.tx.signer_cert_id().begin(), tx.tx.signer_cert_id().end());
    auto key = signer_key(store, cache, cert_id);
    if (!key) return;
    if (cache.verify_and_remember(misses[i].tx_hash, *key, tx_sign_bytes(as_bytes(tx.tx.body())),
                                  as_bytes(tx.tx.signature()))) {
      verified++;
    }
  });
  return verified.load();
}

}  // namespace rl::ledger
