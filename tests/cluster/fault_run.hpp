#pragma once
// A cluster of real validators behind a FaultNetwork, a report load, and the checks every fault
// test makes once the links have healed (run_checks.hpp, over every node; docs/fault-testing.md).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "tests/cluster/run_checks.hpp"
#include "tests/support/cluster.hpp"
#include "tests/support/fault_network.hpp"

namespace rl::testing {

// Blocks come every ~50-100 ms on a healthy network and a node cut off catches up by sync in
// about a second, so this bound only trips on a network that does not recover.
inline constexpr std::uint64_t kHeightsAfterHeal = 3;
inline constexpr auto kLivenessBound = std::chrono::seconds(30);
// Every node proposes within a few heights, so the txs it admitted commit within seconds.
inline constexpr auto kSettleBound = std::chrono::seconds(60);

class FaultRun {
 public:
  // Builds the cluster (options.validators nodes), its FaultNetwork and starts the nodes.
  FaultRun(ClusterOptions options, std::uint64_t network_seed);

  Cluster& cluster() { return *cluster_; }
  FaultNetwork& net() { return *net_; }
  std::string heights() const { return heights_text(*cluster_, all_nodes(*cluster_)); }
  // Enrolls a reporter through node 0 and starts submitting reports.
  void start_load(std::uint64_t seed) { checks_->start_load(seed); }

  // Call right after the links healed: every node kHeightsAfterHeal more within kLivenessBound,
  // then the fork, lost-tx and down checks.
  CheckResult check_after_heal() { return checks_->check(kHeightsAfterHeal, kLivenessBound); }
  // The end of a test: every tx a node accepted is committed on every node within kSettleBound.
  CheckResult check_every_tx_committed() { return checks_->check_every_tx_committed(kSettleBound); }

 private:
  // In this order so that the load (in the checks) stops before the proxies, and they before
  // the nodes.
  std::optional<Cluster> cluster_;
  std::optional<FaultNetwork> net_;
  std::optional<RunChecks> checks_;
};

}  // namespace rl::testing
