#pragma once
// The checks a cluster test under faults or attack makes (docs/fault-testing.md), over the nodes
// whose promises they are (all of them under network faults, the honest ones next to a
// Byzantine validator):
//   fork      no two checked nodes committed different blocks (block hash or app hash) at one
//             height, as recorded while they ran (ChainWatch) and as they serve at the check;
//   lost tx   a tx committed on any checked node is committed, at the same height, on every
//             checked node that has reached that height;
//   liveness  every checked node commits `heights` more blocks within `bound`;
//   down      every checked node answers.
// The checks report violations instead of failing, so that a bite test can expect them.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tests/cluster/chain_watch.hpp"
#include "tests/cluster/report_load.hpp"
#include "tests/support/cluster.hpp"

namespace rl::testing {

struct CheckResult {
  std::vector<std::string> violations;
  std::string summary;  // heights, recovery time, txs checked
};

// 0 .. c.size() - 1.
std::vector<std::size_t> all_nodes(const Cluster& c);
// "12,12,11": the committed height of each of `nodes`.
std::string heights_text(const Cluster& c, const std::vector<std::size_t>& nodes);

class RunChecks {
 public:
  // Starts recording what `nodes` of `c` commit.
  RunChecks(const Cluster& c, std::vector<std::size_t> nodes);

  // Enrolls a reporter through the first checked node and starts submitting reports to
  // `targets`, the checked nodes when empty (a bite test also submits to a node it does not
  // check, whose accepted txs the checked nodes must then commit).
  void start_load(std::uint64_t seed, std::vector<std::size_t> targets = {});
  // Waits for liveness, pauses the load, and compares the heights not compared before and the
  // txs accepted since the previous check (plus those not yet on every node then).
  CheckResult check(std::uint64_t heights, std::chrono::milliseconds bound);
  // The end of a test: stops the load for good and waits up to `settle` until every tx a node
  // accepted (HTTP 202) is committed on every checked node. A node that admitted a tx proposes
  // it in its turn even if the gossip was lost, so a tx that never arrives is a violation, named
  // with the node that accepted it (every such tx is named: the first ones with where they
  // stand on each checked node, the rest by id).
  CheckResult check_every_tx_committed(std::chrono::seconds settle);
  // Accepted txs so far.
  std::size_t accepted() const { return load_ ? load_->accepted().size() : 0; }
  // The ids node `node` accepted so far.
  std::vector<std::string> accepted_by(std::size_t node) const {
    return load_ ? load_->accepted_by(node) : std::vector<std::string>{};
  }

 private:
  const Cluster& c_;
  const std::vector<std::size_t> nodes_;
  // In this order so that the load stops before the watch.
  ChainWatch watch_;
  std::optional<ReportLoad> load_;
  std::uint64_t checked_up_to_ = 0;
  std::size_t asked_ = 0;               // load_->accepted()[0, asked_) were checked once
  std::vector<std::string> unsettled_;  // checked, but not yet committed on every node
};

}  // namespace rl::testing
