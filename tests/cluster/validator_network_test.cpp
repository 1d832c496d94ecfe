// Four real regledgerd validators on loopback, running Tendermint consensus over mutual-TLS P2P:
// one down and commits continue; two down and nothing commits (and nothing forks) until one is
// back; a restarted or wiped node catches up to the same blocks; an observer follows.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "client/lib/tx_builder.hpp"
#include "ledger/receipt.hpp"
#include "ledger/tx_batch.hpp"
#include "tests/cluster/cluster_checks.hpp"
#include "tests/support/cluster.hpp"

namespace rl::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::uint64_t max_height(const Cluster& c, const std::vector<std::size_t>& nodes) {
  std::uint64_t h = 0;
  for (auto i : nodes) h = std::max(h, c.height(i));
  return h;
}

TEST(ValidatorNetworkTest, OneDownCommitsContinueAndRestartedNodeCatchesUp) {
  Cluster c({});
  c.start_all();
  ASSERT_TRUE(c.wait_height({0, 1, 2, 3}, 2, seconds(30))) << c.all_logs_tail();
  auto reporter = enroll_reporter(c, 0);
  // Submitted to one validator, committed by all (gossip + consensus).
  auto first = submit_report(c, 1, reporter, "2026-Q1");
  ASSERT_TRUE(first.ok()) << first.error().to_string() << c.all_logs_tail();

  c.kill9(3);
  std::uint64_t h = max_height(c, {0, 1, 2});
  ASSERT_TRUE(c.wait_height({0, 1, 2}, h + 3, seconds(30)))
      << "commits stopped with one validator down\n"
      << c.all_logs_tail();
  auto during = submit_report(c, 2, reporter, "2026-Q2");
  ASSERT_TRUE(during.ok()) << during.error().to_string();

  c.start(3);
  ASSERT_TRUE(c.wait_healthy(3, seconds(20))) << c.log_tail(3);
  std::uint64_t target = max_height(c, {0, 1, 2});
  ASSERT_TRUE(c.wait_height({3}, target, seconds(30))) << c.log_tail(3);
  expect_same_chain(c, {0, 1, 2, 3}, target);
  EXPECT_EQ(c.app_hash(3, target), c.app_hash(0, target));
  std::printf("one validator down: committed %llu -> %llu; restarted node caught up to %llu\n",
              static_cast<unsigned long long>(h), static_cast<unsigned long long>(h + 3),
              static_cast<unsigned long long>(target));
}

TEST(ValidatorNetworkTest, NodeThatCannotRebuildCompactProposalsFetchesThemAndKeepsUp) {
  // Node 3's mempool holds at most 4 relayed txs (1 x 4 validators), so it cannot rebuild
  // proposals of several txs from it: it must fetch the missing txs of each by block hash
  // (decision 0042), check the block, and end with the same blocks and app hashes as everyone.
  Cluster c({});
  c.update_config(3, [](node::NodeConfig& cfg) { cfg.mempool_max_txs = 1; });
  c.start_all();
  ASSERT_TRUE(c.wait_height({0, 1, 2, 3}, 2, seconds(30))) << c.all_logs_tail();
  auto reporter = enroll_reporter(c, 0);
  std::vector<Bytes> txs;
  for (int i = 0; i < 60; ++i) {
    auto tx = client::build_signed_tx(
        reporter, c.genesis().chain_id, c.height(0), [&](ledger::pb::TxBody& b) {
          auto* p = b.mutable_submit_report();
          p->set_template_id("capital-adequacy");
          p->set_period("2027-M" + std::to_string(i));
          p->set_content_type("application/json");
          p->set_payload(R"({"institution":"bank-a","period":"x",)"
                         R"("cet1_ratio":12.5,"total_capital":1000})");
        });
    ASSERT_TRUE(tx.ok()) << tx.error().to_string();
    txs.push_back(std::move(tx).value());
  }
  const std::uint64_t before = c.height(0);
  const std::uint64_t total_before =
      nlohmann::json::parse(c.target(0).client().request("GET", "/v1/status")->body)["total_txs"];
  auto http = c.target(0).client(10000);
  auto r = http.request("POST", "/v1/txs/batch", to_string(ledger::join_tx_batch(txs)),
                        {{"content-type", "application/octet-stream"}});
  ASSERT_TRUE(r.ok() && r->status == 200) << (r.ok() ? r->body : r.error().to_string());
  ASSERT_EQ(nlohmann::json::parse(r->body)["accepted"], 60) << r->body;
  std::uint64_t end = 0;
  for (int i = 0; i < 200; ++i) {
    auto s = c.target(3).client().request("GET", "/v1/status");
    if (s.ok() && s->status == 200) {
      auto j = nlohmann::json::parse(s->body);
      if (j["total_txs"].get<std::uint64_t>() >= total_before + 60) {
        end = j["height"].get<std::uint64_t>();
        break;
      }
    }
    std::this_thread::sleep_for(milliseconds(100));
  }
  ASSERT_GT(end, before) << "node 3 did not commit the 60 txs\n" << c.log_tail(3);
  ASSERT_TRUE(c.wait_height({0, 1, 2}, end, seconds(30)));
  expect_same_chain(c, {0, 1, 2, 3}, end);
  const std::string log3 = c.log_tail(3, std::size_t{1} << 24);
  EXPECT_NE(log3.find("compact proposal lacks txs here; fetching them"), std::string::npos)
      << c.log_tail(3);
  EXPECT_NE(log3.find("missing txs fetched"), std::string::npos) << c.log_tail(3);
  EXPECT_EQ(log3.find("consensus halted"), std::string::npos) << c.log_tail(3);
}

TEST(ValidatorNetworkTest, TwoDownNothingCommitsNoForkThenOneBackResumes) {
  Cluster c({});
  c.start_all();
  ASSERT_TRUE(c.wait_height({0, 1, 2, 3}, 3, seconds(30))) << c.all_logs_tail();
  c.kill9(2);
  c.kill9(3);
  // A height whose precommits were already in flight may still complete; after that, two of
  // four (no quorum of 3) must not commit anything.
  std::this_thread::sleep_for(milliseconds(1500));
  std::uint64_t stalled = max_height(c, {0, 1});
  std::this_thread::sleep_for(seconds(5));
  EXPECT_EQ(max_height(c, {0, 1}), stalled) << "committed without a quorum";
  EXPECT_EQ(c.block_hash(0, stalled), c.block_hash(1, stalled));

  c.start(2);
  ASSERT_TRUE(c.wait_height({0, 1, 2}, stalled + 2, seconds(40)))
      << "commits did not resume with 3 of 4\n"
      << c.all_logs_tail();
  expect_same_chain(c, {0, 1, 2}, stalled + 2);
  std::printf("two of four down: stalled at height %llu for 5 s; resumed with three\n",
              static_cast<unsigned long long>(stalled));
}

TEST(ValidatorNetworkTest, WipedNodeResyncsFromPeers) {
  Cluster c({});
  c.start_all();
  ASSERT_TRUE(c.wait_height({0, 1, 2, 3}, 3, seconds(30))) << c.all_logs_tail();
  auto reporter = enroll_reporter(c, 0);
  ASSERT_TRUE(submit_report(c, 0, reporter, "2026-Q1").ok());
  EXPECT_EQ(c.stop(1), 0) << c.log_tail(1);
  c.wipe_data(1);
  std::uint64_t h = max_height(c, {0, 2, 3});
  ASSERT_TRUE(c.wait_height({0, 2, 3}, h + 5, seconds(30))) << c.all_logs_tail();

  // The operator's procedure after a wipe (docs/operations.md): the node no longer knows what
  // it signed, so it may only sign above the network's current height.
  std::uint64_t guard = max_height(c, {0, 2, 3}) + 2;
  c.update_config(1, [&](node::NodeConfig& cfg) { cfg.sign_from_height = guard; });
  c.start(1);
  ASSERT_TRUE(c.wait_healthy(1, seconds(20))) << c.log_tail(1);
  std::uint64_t target = max_height(c, {0, 2, 3});
  ASSERT_TRUE(c.wait_height({1}, target, seconds(40))) << c.log_tail(1);
  expect_same_chain(c, {0, 1, 2, 3}, target);
  EXPECT_NE(c.log_tail(1, 100000).find("sync progress"), std::string::npos)
      << "the wiped node did not report sync progress";
  // And it takes part again: the network keeps committing with it.
  ASSERT_TRUE(c.wait_height({0, 1, 2, 3}, target + 2, seconds(30))) << c.all_logs_tail();
}

TEST(ValidatorNetworkTest, ObserverFollowsAndServesQueriesWithoutVoting) {
  ClusterOptions o;
  o.validators = 4;
  o.observers = 1;
  Cluster c(o);
  c.start_all();
  ASSERT_TRUE(c.wait_height({0, 1, 2, 3, 4}, 2, seconds(30))) << c.all_logs_tail();
  auto reporter = enroll_reporter(c, 0);
  auto id = submit_report(c, 0, reporter, "2026-Q3");
  ASSERT_TRUE(id.ok()) << id.error().to_string();
  // The observer serves the committed transaction too.
  auto client = c.target(4).client();
  bool seen = false;
  for (int i = 0; i < 100 && !seen; ++i) {
    auto r = client.get("/v1/txs/" + *id);
    seen = r.ok() && r->status == 200 && nlohmann::json::parse(r->body)["status"] == "committed";
    if (!seen) std::this_thread::sleep_for(milliseconds(100));
  }
  EXPECT_TRUE(seen) << c.log_tail(4);
  // The observer going down costs nothing: 4 of 4 validators still run.
  c.kill9(4);
  std::uint64_t h = max_height(c, {0, 1, 2, 3});
  EXPECT_TRUE(c.wait_height({0, 1, 2, 3}, h + 2, seconds(20)));
  expect_same_chain(c, {0, 1, 2, 3}, h);
}

// sm2-sm3: SM2 votes and commit certificates, SM3 block hashes, P-256 transport certificates
// (listed in genesis as each validator's tls_certificate, decision 0033).
TEST(ValidatorNetworkTest, Sm2NetworkReachesConsensusAndReceiptsVerify) {
  ClusterOptions o;
  o.suite = crypto::Suite::kSm2Sm3;
  Cluster c(o);
  c.start_all();
  ASSERT_TRUE(c.wait_height({0, 1, 2, 3}, 2, seconds(30))) << c.all_logs_tail();
  auto reporter = enroll_reporter(c, 1);
  auto id = submit_report(c, 2, reporter, "2026-Q3");
  ASSERT_TRUE(id.ok()) << id.error().to_string();
  auto r = c.target(3).client().get("/v1/receipts/" + *id);
  for (int i = 0; i < 50 && (!r.ok() || r->status != 200); ++i) {
    std::this_thread::sleep_for(milliseconds(100));
    r = c.target(3).client().get("/v1/receipts/" + *id);
  }
  ASSERT_TRUE(r.ok() && r->status == 200);
  auto receipt = ledger::receipt_from_json(r->body);
  ASSERT_TRUE(receipt.ok());
  auto anchor = ledger::make_trust_anchor(c.genesis());
  ASSERT_TRUE(anchor.ok());
  EXPECT_EQ(anchor->suite, crypto::Suite::kSm2Sm3);
  auto v = ledger::verify_receipt(*anchor, *receipt);
  ASSERT_TRUE(v.ok()) << v.error().to_string();
  std::uint64_t h = max_height(c, {0, 1, 2, 3});
  expect_same_chain(c, {0, 1, 2, 3}, h > 0 ? h - 1 : 0);
}

}  // namespace
}  // namespace rl::testing
