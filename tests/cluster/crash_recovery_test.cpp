// kill -9 of a real regledgerd while it takes submissions, then restart: every transaction
// whose receipt a client had been given is still there, in the same block with the same hash,
// and the store opens cleanly.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "client/http/https_client.hpp"
#include "client/lib/identity.hpp"
#include "client/lib/tx_builder.hpp"
#include "common/file_io.hpp"
#include "config/node_config.hpp"
#include "crypto/hash.hpp"
#include "genesis/network_init.hpp"
#include "ledger/receipt.hpp"
#include "tests/support/api_enroll.hpp"
#include "tests/support/must.hpp"
#include "tests/support/node_process.hpp"
#include "tests/support/report_tx.hpp"
#include "tests/support/single_node.hpp"

namespace rl::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

class CrashRecoveryTest : public ::testing::Test {
 protected:
  void SetUp() override { start_network(crypto::Suite::kP256Sha256); }

  void start_network(crypto::Suite suite) {
    node_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("regledger-crash-" + std::to_string(rd()));
    auto def = genesis::default_definition();
    def.suite = suite;
    def.scrypt_n = 1024;
    def.block.block_interval_ms = 50;
    auto init = must(genesis::init_network(def, dir_.string()));
    genesis_ = must(ledger::parse_genesis(must(read_file(init.genesis_path))));
    anchor_ = must(ledger::make_trust_anchor(genesis_));
    ca_pem_ = must(read_file(init.tls_ca_path));
    admin_.emplace(must(client::load_identity(init.admin_dir)));
    // Crash recovery is checked with plain readers, as in the cluster harness; read access
    // rules are tested in tests/app.
    auto cfg = must(node::load_node_config(init.node_homes[0]));
    cfg.read_access = "open";
    ASSERT_TRUE(
        write_file(init.node_homes[0] + "/config.json", node::node_config_to_json(cfg)).ok());
    node_ = std::make_unique<NodeProcess>(std::string(RL_BINARY_DIR) + "/node/regledgerd",
                                          init.node_homes[0], (dir_ / "node.log").string(),
                                          free_loopback_port());
    node_->start();
    wait_healthy();
  }

  void TearDown() override {
    node_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  http::HttpsClient client(int timeout_ms = 3000) const { return target().client(timeout_ms); }
  ApiTarget target() const { return ApiTarget{node_->api_port(), ca_pem_}; }
  std::uint64_t height() const { return api_height(target()); }

  void wait_healthy() {
    auto c = client(500);
    for (int i = 0; i < 200; ++i) {
      auto r = c.get("/healthz");
      if (r.ok() && r->status == 200) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "node did not become healthy:\n" << node_->log_tail();
  }

  client::Identity enroll_reporter() {
    return must(enroll_over_api(target(), genesis_, *admin_, dir_.string(), "bank-a",
                                "bank-a-reporting", "0105"));
  }

  fs::path dir_;
  ledger::Genesis genesis_;
  std::optional<ledger::TrustAnchor> anchor_;
  std::string ca_pem_;
  std::optional<client::Identity> admin_;
  std::unique_ptr<NodeProcess> node_;
};

struct Seen {
  std::uint64_t height;
  Bytes header;
};

TEST_F(CrashRecoveryTest, ReceiptsSurviveKill9UnderLoad) {
  auto reporter = enroll_reporter();
  std::map<std::string, Seen> receipted;  // tx id -> what the client was told
  std::uint64_t total_submitted = 0;

  for (int round = 0; round < 3; ++round) {
    std::atomic<bool> stop{false};
    std::mutex mu;
    std::vector<std::string> pending;
    std::uint64_t base_height = height();
    std::vector<std::thread> threads;
    for (int t = 0; t < 3; ++t) {
      threads.emplace_back([&, t] {
        auto c = client(2000);
        std::string payload = R"({"institution":"bank-a","period":"2026-Q3","cet1_ratio":)" +
                              std::to_string(t) + R"(,"total_capital":1,"pad":")" +
                              std::string(700, 'x') + "\"}";
        while (!stop) {
          auto tx = capital_adequacy_tx(reporter, genesis_.chain_id, base_height, payload);
          if (!tx.ok()) continue;
          auto r = c.post("/v1/txs", json{{"tx", to_base64(*tx)}}.dump());
          if (r.ok() && r->status == 202) {
            std::lock_guard lock(mu);
            pending.push_back(json::parse(r->body)["tx_id"].get<std::string>());
          }
        }
      });
    }
    // A client that collects receipts for what was accepted, as a real reporter would.
    std::map<std::string, Seen> got;
    std::thread collector([&] {
      auto c = client(2000);
      while (!stop) {
        std::vector<std::string> ids;
        {
          std::lock_guard lock(mu);
          ids = pending;
        }
        for (const auto& id : ids) {
          if (stop) break;
          if (got.count(id)) continue;
          auto r = c.get("/v1/receipts/" + id);
          if (!r.ok() || r->status != 200) continue;
          auto rc = ledger::receipt_from_json(r->body);
          if (rc.ok()) got[id] = Seen{rc->height, rc->header};
        }
      }
    });
    // Let load run, then kill at a moment that varies by round.
    std::this_thread::sleep_for(std::chrono::milliseconds(800 + 300 * round));
    node_->kill9();
    stop = true;
    for (auto& th : threads) th.join();
    collector.join();
    total_submitted += pending.size();
    ASSERT_GT(got.size(), 0u) << "no receipts were collected in round " << round;
    receipted.insert(got.begin(), got.end());

    node_->start();
    wait_healthy();
    auto c = client();
    for (const auto& [id, seen] : receipted) {
      auto r = c.get("/v1/receipts/" + id);
      ASSERT_TRUE(r.ok());
      ASSERT_EQ(r->status, 200) << "tx " << id << " lost after kill -9 (round " << round << ")";
      auto rc = must(ledger::receipt_from_json(r->body));
      EXPECT_EQ(rc.height, seen.height) << id;
      EXPECT_EQ(rc.header, seen.header) << "block of " << id << " changed after restart";
      auto v = ledger::verify_receipt(*anchor_, rc);
      EXPECT_TRUE(v.ok()) << v.error().to_string();
    }
  }
  std::printf("kill -9 x3: %llu txs accepted, %zu receipts checked after each restart\n",
              static_cast<unsigned long long>(total_submitted), receipted.size());
  EXPECT_EQ(node_->stop(), 0) << node_->log_tail();
}

// An sm2-sm3 network: SM2 signatures and SM3 hashes on the ledger, P-256 on the TLS transport.
TEST_F(CrashRecoveryTest, Sm2NetworkEndToEnd) {
  start_network(crypto::Suite::kSm2Sm3);
  auto reporter = enroll_reporter();
  EXPECT_EQ(reporter.suite, crypto::Suite::kSm2Sm3);
  auto tx = must(capital_adequacy_tx(reporter, genesis_.chain_id, height(),
                                     R"({"institution":"bank-a","period":"2026-Q3","cet1_ratio":1,)"
                                     R"("total_capital":2})"));
  auto id = must(submit_and_wait(target(), tx));
  auto c = client();
  auto r = c.get("/v1/receipts/" + id);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, 200);
  auto receipt = must(ledger::receipt_from_json(r->body));
  auto v = ledger::verify_receipt(*anchor_, receipt);
  ASSERT_TRUE(v.ok()) << v.error().to_string();
  EXPECT_EQ(v->signer, "bank-a-reporting");
  EXPECT_EQ(anchor_->suite, crypto::Suite::kSm2Sm3);
}

TEST_F(CrashRecoveryTest, CleanShutdownAndRestartKeepsHead) {
  enroll_reporter();
  auto c = client();
  auto before = json::parse(c.get("/v1/status")->body);
  EXPECT_EQ(node_->stop(), 0) << node_->log_tail();
  node_->start();
  wait_healthy();
  auto c2 = client();
  auto after = json::parse(c2.get("/v1/status")->body);
  EXPECT_EQ(after["height"], before["height"]);
  EXPECT_EQ(after["app_hash"], before["app_hash"]);
  EXPECT_EQ(after["block_hash"], before["block_hash"]);
}

}  // namespace
}  // namespace rl::testing
