// Does RunChecks::check_every_tx_committed bite on the real stack? Four validators, node3 from
// regledgerd_byzantine; the report load of the fault tests (ReportLoad, POST /v1/txs) goes to
// all four, and the checks run over the three honest nodes. With swallow_txs node3 answers its
// clients' txs as accepted (202, as an honest node) and then keeps and gossips none of them
// (node/validator/byzantine/swallow.hpp): they are lost, and the check must fail naming every tx
// node3 accepted and no tx an honest node accepted. The control runs the same program without a
// mode: the check must report nothing, the txs node3 accepted included.
//   RL_BYZ_SEED=S   the load's seed (which node each tx goes to); printed on every run
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "tests/cluster/byzantine_log.hpp"
#include "tests/cluster/byzantine_phase.hpp"
#include "tests/cluster/member_peer.hpp"
#include "tests/cluster/run_checks.hpp"

namespace rl::testing {
namespace {

using std::chrono::seconds;

constexpr std::size_t kByzantine = 3;
const std::vector<std::size_t> kHonest = {0, 1, 2};
// Txs node3 must have accepted before the check: more than the check details one by one (10),
// so that the ids it names only in its last line are asserted too.
constexpr std::size_t kViaByzantine = 12;
constexpr std::size_t kViaHonest = 12;
// An honest node's txs commit within a height or two; node3's, when swallowed, never. The
// check waits this long for them in the bite, on every run.
constexpr auto kSettle = seconds(15);

struct Outcome {
  CheckResult result;
  std::vector<std::string> via_byzantine;  // the ids node3 accepted
  std::vector<std::string> via_honest;     // the ids nodes 0-2 accepted
  ByzantineLog log;                        // node3's own account
};

Outcome run(const std::string& modes) {
  const std::uint64_t seed = byzantine_seed_from_env();
  std::printf("[losttx] node3 modes=%s seed=%llu (replay: RL_BYZ_SEED=%llu)\n",
              modes.empty() ? "none" : modes.c_str(), static_cast<unsigned long long>(seed),
              static_cast<unsigned long long>(seed));
  ClusterOptions o;
  o.validators = 4;
  o.name = "losttx";
  Cluster c(o);
  c.set_program(
      kByzantine, byzantine_binary(),
      {"REGLEDGER_BYZANTINE=" + modes, "REGLEDGER_BYZANTINE_SEED=" + std::to_string(seed)});
  c.start_all();
  Outcome out;
  if (!c.wait_height(all_nodes(c), 2, seconds(60))) {
    ADD_FAILURE() << "the cluster did not start\n" << c.all_logs_tail();
    return out;
  }
  RunChecks checks(c, kHonest);
  checks.start_load(seed, all_nodes(c));
  auto via_honest = [&] {
    std::size_t n = 0;
    for (std::size_t i : kHonest) n += checks.accepted_by(i).size();
    return n;
  };
  const auto deadline = std::chrono::steady_clock::now() + seconds(30);
  while ((checks.accepted_by(kByzantine).size() < kViaByzantine || via_honest() < kViaHonest) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  out.result = checks.check_every_tx_committed(kSettle);
  out.via_byzantine = checks.accepted_by(kByzantine);
  for (std::size_t i : kHonest) {
    const auto ids = checks.accepted_by(i);
    out.via_honest.insert(out.via_honest.end(), ids.begin(), ids.end());
  }
  EXPECT_EQ(c.stop(kByzantine), 0) << "node3 did not exit cleanly";
  out.log = parse_byzantine_log(node_log(c, kByzantine));
  std::printf("[losttx] accepted: node3=%zu honest=%zu | node3 logged %zu swallowed | %s\n",
              out.via_byzantine.size(), out.via_honest.size(), out.log.swallowed.size(),
              out.result.summary.c_str());
  for (const auto& v : out.result.violations) std::printf("[losttx]   %s\n", v.c_str());
  std::fflush(stdout);
  EXPECT_GE(out.via_byzantine.size(), kViaByzantine) << "node3 accepted too few txs";
  EXPECT_GE(out.via_honest.size(), kViaHonest) << "the honest nodes accepted too few txs";
  return out;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + '\n';
  return s;
}

TEST(LostTxBiteTest, SwallowedTxsAreNamedAndNoOthers) {
  const Outcome o = run("swallow_txs");
  const std::string message = joined(o.result.violations);
  EXPECT_FALSE(o.result.violations.empty()) << "the check did not see the lost txs";
  // Each with the node that accepted it: "tx ID accepted by node3 ..." for the first ones,
  // "ID (node3)" in the last line.
  for (const auto& id : o.via_byzantine) {
    const bool named = message.find(id + " accepted by node3") != std::string::npos ||
                       message.find(id + " (node3)") != std::string::npos;
    EXPECT_TRUE(named) << "the check does not name swallowed tx " << id;
  }
  for (const auto& id : o.via_honest) {
    EXPECT_EQ(message.find(id), std::string::npos) << "the check names honest tx " << id;
  }
  // Nothing was committed anywhere, so no violation is of the other kind (committed on one
  // node but not another).
  for (const auto& v : o.result.violations) {
    EXPECT_EQ(v.rfind("not committed: ", 0), 0u) << v;
  }
  // The txs the test blames are those node3 says it dropped.
  for (const auto& id : o.via_byzantine) {
    EXPECT_NE(std::find(o.log.swallowed.begin(), o.log.swallowed.end(), id), o.log.swallowed.end())
        << "node3 did not log swallowing " << id;
  }
}

TEST(LostTxBiteTest, HonestControlReportsNothing) {
  const Outcome o = run("");
  EXPECT_TRUE(o.result.violations.empty()) << joined(o.result.violations);
  EXPECT_TRUE(o.log.swallowed.empty()) << "node3 swallowed txs without the mode";
}

}  // namespace
}  // namespace rl::testing
