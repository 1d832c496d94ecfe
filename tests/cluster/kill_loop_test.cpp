// The 3 a.m. test: 20 kill -9 of random validators at random moments while clients submit
// reports to whichever validators are up. Afterwards every receipt a client was given verifies
// offline against genesis and is served identically (same height, same block header) by every
// node, and all nodes agree on every block hash.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "client/lib/tx_builder.hpp"
#include "common/bytes.hpp"
#include "ledger/receipt.hpp"
#include "tests/cluster/cluster_checks.hpp"
#include "tests/support/cluster.hpp"

namespace rl::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

struct Received {
  std::uint64_t height = 0;
  Bytes header;
  ledger::Receipt receipt;
};

TEST(KillLoopTest, TwentyKill9UnderLoadLoseNothingAndNeverFork) {
  ClusterOptions o;
  o.part_bytes = 4096;  // every non-empty proposal travels in parts, as large blocks do
  Cluster c(o);
  c.start_all();
  ASSERT_TRUE(c.wait_height({0, 1, 2, 3}, 2, seconds(30))) << c.all_logs_tail();
  auto reporter = enroll_reporter(c, 0);
  auto anchor = ledger::make_trust_anchor(c.genesis());
  ASSERT_TRUE(anchor.ok());

  // At most one validator is down at a time, so the network (3 of 4) stays live throughout.
  std::atomic<int> down{-1};
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::vector<std::pair<std::string, std::size_t>> accepted;  // tx id, node it went to
  std::map<std::string, Received> receipts;
  std::atomic<std::uint64_t> submitted{0};

  auto pick_up_node = [&](std::mt19937& rng) {
    for (;;) {
      std::size_t i = rng() % c.size();
      if (static_cast<int>(i) != down.load()) return i;
    }
  };

  std::vector<std::thread> load;
  for (int t = 0; t < 2; ++t) {
    load.emplace_back([&, t] {
      std::mt19937 rng(1000 + t);
      std::string pad(700, 'x');
      std::uint64_t height = 1;
      int n = 0;
      while (!stop) {
        std::size_t via = pick_up_node(rng);
        auto client = c.target(via).client(1500);
        if (n++ % 20 == 0) height = std::max(height, api_height(c.target(via)));
        auto tx = client::build_signed_tx(
            reporter, c.genesis().chain_id, height, [&](ledger::pb::TxBody& b) {
              auto* p = b.mutable_submit_report();
              p->set_template_id("capital-adequacy");
              p->set_period("2026-Q4");
              p->set_content_type("application/json");
              p->set_payload(R"({"institution":"bank-a","period":"2026-Q4","cet1_ratio":)" +
                             std::to_string(n) + R"(,"total_capital":1,"pad":")" + pad + "\"}");
            });
        if (!tx.ok()) continue;
        auto r = client.post("/v1/txs", json{{"tx", to_base64(*tx)}}.dump());
        if (r.ok() && r->status == 202) {
          submitted++;
          std::lock_guard lock(mu);
          accepted.emplace_back(json::parse(r->body)["tx_id"].get<std::string>(), via);
        }
        // A steady trickle (~80 tx/s in all) keeps every block busy while leaving the check of
        // every receipt on every node affordable in CI.
        std::this_thread::sleep_for(milliseconds(25));
      }
    });
  }
  // The reporter's receipt collector: asks any up node for receipts of what was accepted.
  std::thread collector([&] {
    std::mt19937 rng(7);
    std::vector<http::HttpsClient> clients;  // keep-alive, one per node
    for (std::size_t i = 0; i < c.size(); ++i) clients.push_back(c.target(i).client(1500));
    while (!stop) {
      std::vector<std::pair<std::string, std::size_t>> ids;
      {
        std::lock_guard lock(mu);
        ids = accepted;
      }
      for (const auto& [id, via] : ids) {
        if (stop) break;
        {
          std::lock_guard lock(mu);
          if (receipts.count(id)) continue;
        }
        auto r = clients[pick_up_node(rng)].get("/v1/receipts/" + id);
        if (!r.ok() || r->status != 200) continue;
        auto rc = ledger::receipt_from_json(r->body);
        if (!rc.ok()) continue;
        std::lock_guard lock(mu);
        receipts[id] = Received{rc->height, rc->header, *rc};
      }
      std::this_thread::sleep_for(milliseconds(50));
    }
  });

  std::mt19937 rng(20261130);
  for (int k = 0; k < 20; ++k) {
    std::this_thread::sleep_for(milliseconds(200 + rng() % 1000));
    std::size_t victim = rng() % c.size();
    down = static_cast<int>(victim);
    c.kill9(victim);
    std::this_thread::sleep_for(milliseconds(100 + rng() % 900));
    c.start(victim);
    ASSERT_TRUE(c.wait_healthy(victim, seconds(20))) << c.log_tail(victim);
    down = -1;
  }
  std::this_thread::sleep_for(seconds(2));  // let the last receipts arrive
  stop = true;
  for (auto& th : load) th.join();
  collector.join();

  ASSERT_GT(receipts.size(), 20u) << "too little load got through to judge anything";
  std::uint64_t top = 0;
  for (std::size_t i = 0; i < c.size(); ++i) top = std::max(top, c.height(i));
  ASSERT_TRUE(c.wait_height({0, 1, 2, 3}, top, seconds(60))) << c.all_logs_tail();

  std::size_t checks = 0;
  std::vector<http::HttpsClient> clients;
  for (std::size_t i = 0; i < c.size(); ++i) clients.push_back(c.target(i).client(3000));
  for (const auto& [id, got] : receipts) {
    auto v = ledger::verify_receipt(*anchor, got.receipt);
    EXPECT_TRUE(v.ok()) << id << ": " << v.error().to_string();
    for (std::size_t i = 0; i < c.size(); ++i) {
      auto r = clients[i].get("/v1/receipts/" + id);
      ASSERT_TRUE(r.ok());
      ASSERT_EQ(r->status, 200) << "node" << i << " lost committed tx " << id;
      auto rc = ledger::receipt_from_json(r->body);
      ASSERT_TRUE(rc.ok());
      EXPECT_EQ(rc->height, got.height) << "node" << i << " has " << id << " at another height";
      EXPECT_EQ(rc->header, got.header) << "node" << i << " has another block for " << id;
      ++checks;
    }
  }
  expect_same_chain(c, {0, 1, 2, 3}, top);
  std::printf(
      "kill loop: 20 kill -9, %llu txs accepted, %zu receipts verified offline and on 4 nodes "
      "(%zu checks), %llu heights identical on all nodes\n",
      static_cast<unsigned long long>(submitted.load()), receipts.size(), checks,
      static_cast<unsigned long long>(top));
}

}  // namespace
}  // namespace rl::testing
