#pragma once
// Block production for a network of one validator: collects transactions from the mempool,
// builds a block through the same Chain interface that consensus drives (build -> sign
// precommit -> commit), and commits it with a one-signature certificate. The safety rule is
// the same as for consensus: the signer state is persisted before the signature exists, and a
// height is never signed twice in one round.

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

#include "crypto/keys.hpp"
#include "ledger/chain.hpp"
#include "node/app/mempool.hpp"

namespace rl::node {

struct SealerConfig {
  std::chrono::milliseconds interval{100};
  std::size_t max_block_txs = 5000;
  bool create_empty_blocks = false;
  // Called (on the sealer thread) when block production stops for good, e.g. a failed disk
  // write; the daemon uses it to shut down instead of serving a ledger that no longer moves.
  std::function<void(const Error&)> on_fatal;
};

struct SealerStats {
  std::atomic<std::uint64_t> blocks{0};
  std::atomic<std::uint64_t> txs{0};
  std::atomic<std::uint64_t> dropped{0};
};

class Sealer {
 public:
  Sealer(ledger::Chain& chain, Mempool& mempool, crypto::PrivateKey key,
         std::uint32_t validator_index, SealerConfig config);
  ~Sealer();
  Sealer(const Sealer&) = delete;
  Sealer& operator=(const Sealer&) = delete;

  void start();
  void stop();
  // Builds, signs and commits one block from what is pending (used by start() and tests).
  Status seal_once();
  const SealerStats& stats() const { return stats_; }

 private:
  void run();

  ledger::Chain& chain_;
  Mempool& mempool_;
  crypto::PrivateKey key_;
  std::uint32_t index_;
  SealerConfig config_;
  SealerStats stats_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace rl::node
