#pragma once
// A cluster of real validators behind a FaultNetwork, a report load, and the checks every fault
// test makes once the links have healed (docs/fault-testing.md):
//   fork      no two nodes committed different blocks (block hash or app hash) at one height,
//             as recorded while they ran (ChainWatch) and as they serve after the heal;
//   lost tx   a tx committed on any node is committed, at the same height, on every node that
//             has reached that height;
//   liveness  every node commits kHeightsAfterHeal more blocks within kLivenessBound;
// and, at the end of a test, that every tx a node accepted was committed on every node.
// The checks report violations instead of failing, so that a bite test can expect them.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tests/cluster/chain_watch.hpp"
#include "tests/cluster/report_load.hpp"
#include "tests/support/cluster.hpp"
#include "tests/support/fault_network.hpp"

namespace rl::testing {

// Blocks come every ~50-100 ms on a healthy network and a node cut off catches up by sync in
// about a second, so this bound only trips on a network that does not recover.
inline constexpr std::uint64_t kHeightsAfterHeal = 3;
inline constexpr auto kLivenessBound = std::chrono::seconds(30);
// Every node proposes within a few heights, so the txs it admitted commit within seconds.
inline constexpr auto kSettleBound = std::chrono::seconds(60);

struct HealCheck {
  std::vector<std::string> violations;
  std::string summary;  // heights, recovery time, txs checked
};

class FaultRun {
 public:
  // Builds the cluster (options.validators nodes), its FaultNetwork and starts the nodes.
  FaultRun(ClusterOptions options, std::uint64_t network_seed);

  Cluster& cluster() { return *cluster_; }
  FaultNetwork& net() { return *net_; }
  std::string heights() const;
  // Enrolls a reporter through node 0 and starts submitting reports.
  void start_load(std::uint64_t seed);

  // Call right after the links healed. Waits for liveness, pauses the load, and compares the
  // heights not compared before and the txs accepted since the previous check (plus those not
  // yet on every node then).
  HealCheck check_after_heal();
  // The end of a test: stops the load for good and waits up to kSettleBound until every tx a
  // node accepted (HTTP 202) is committed on every node. A node that admitted a tx proposes it
  // in its turn even if the gossip was lost, so a tx that never arrives is a violation.
  HealCheck check_every_tx_committed();

 private:
  // In this order so that the load stops before the proxies, and they before the nodes.
  std::optional<Cluster> cluster_;
  std::optional<FaultNetwork> net_;
  std::optional<ChainWatch> watch_;
  std::optional<ReportLoad> load_;
  std::uint64_t checked_up_to_ = 0;
  std::size_t asked_ = 0;               // load_->accepted()[0, asked_) were checked once
  std::vector<std::string> unsettled_;  // checked, but not yet committed on every node
};

}  // namespace rl::testing
