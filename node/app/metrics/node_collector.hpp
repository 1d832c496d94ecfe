#pragma once
// The node's metrics, read at scrape time from the status structs the modules already keep
// (ShellStatus, ApiStats, SealerStats, AuthStats, the P2P layer's PeerInfo, RocksDB properties,
// /proc): a pull model, so nothing on a hot path takes a lock for /metrics. Every metric is
// listed in docs/operations.md "Metrics".

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include "ledger/chain.hpp"
#include "ledger/store.hpp"
#include "node/app/api.hpp"
#include "node/app/identity/auth_service.hpp"
#include "node/app/mempool.hpp"
#include "node/app/sealer.hpp"
#include "node/p2p/p2p_network.hpp"
#include "node/validator/consensus_shell.hpp"

namespace rl::node::metrics {

// What the collector reads. Not owned; every pointer outlives the metrics server. Exactly one
// of `shell` (validator network) and `sealer` (single validator) is set on a running node.
struct MetricSources {
  const ledger::Chain* chain = nullptr;
  const Mempool* mempool = nullptr;
  const ApiStats* api = nullptr;
  const identity::AuthService* auth = nullptr;
  const ConsensusShell* shell = nullptr;
  const p2p::P2pNetwork* network = nullptr;
  const Sealer* sealer = nullptr;
  // RocksDB stores by label ("chain", "audit").
  std::vector<std::pair<std::string, const ledger::Store*>> stores;
};

class NodeCollector final : public prometheus::Collectable {
 public:
  explicit NodeCollector(MetricSources sources) : s_(std::move(sources)) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  void collect_chain(std::vector<prometheus::MetricFamily>& out) const;
  void collect_consensus(std::vector<prometheus::MetricFamily>& out) const;
  void collect_p2p(std::vector<prometheus::MetricFamily>& out) const;
  void collect_api(std::vector<prometheus::MetricFamily>& out) const;
  void collect_storage(std::vector<prometheus::MetricFamily>& out) const;
  static void collect_process(std::vector<prometheus::MetricFamily>& out);

  MetricSources s_;
};

}  // namespace rl::node::metrics
