// Key rotation under load with a kill -9 in the middle (issue #14): reports are submitted while
// `regledgerd rekey` runs against a real node; the node is killed right after the new data key
// is on disk, restarted (the rekey resumes on its own), and then every report whose receipt a
// client had reads back byte-identical, no file is under the old key, and a store opened with
// only the old key fails. Both suites: AES-256 (P-256 networks) and SM4 (SM2 networks).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "common/file_io.hpp"
#include "crypto/key_wrap.hpp"
#include "ledger/data_keys.hpp"
#include "ledger/rekey.hpp"
#include "node/app/admin_socket.hpp"
#include "tests/support/must.hpp"
#include "tests/support/report_tx.hpp"
#include "tests/support/single_node.hpp"

namespace rl::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

class RekeyCrashTest : public ::testing::TestWithParam<crypto::Suite> {
 protected:
  void SetUp() override {
    node_ = std::make_unique<SingleNode>(GetParam(), "rekey");
    ASSERT_TRUE(must(node::load_node_config(node_->home())).storage_encrypted())
        << "genesis init must turn encryption at rest on";
    std::string why;
    ASSERT_TRUE(node_->start(&why)) << why;
  }

  ApiTarget target() const { return node_->target(); }

  std::unique_ptr<ledger::DataKeyStore> keystore() const {
    auto cfg = must(node::load_node_config(node_->home()));
    std::shared_ptr<const crypto::KeyEncryptionKey> kek =
        must(crypto::open_file_kek(cfg.path(cfg.kek_file), GetParam()));
    return must(ledger::DataKeyStore::open(cfg.path(cfg.data_keys_file), kek,
                                           crypto::storage_cipher_for(GetParam()), false));
  }

  json node_status() const {
    auto r = node::admin_call(node_->home() + "/admin.sock", {{"command", "status"}}, {});
    return r.ok() ? *r : json::object();
  }

  std::unique_ptr<SingleNode> node_;
};

TEST_P(RekeyCrashTest, KillNineMidRekeyUnderLoadLosesNothingAndTheOldKeyOpensNothing) {
  auto reporter = node_->enroll_reporter();
  const std::string chain_id = node_->genesis().chain_id;
  const std::string home = node_->home();
  const Bytes old_key = [&] {
    auto ks = keystore();
    auto k = ks->ring()->find(1);
    return Bytes(k->bytes().begin(), k->bytes().end());
  }();

  // Load: three submitters; every accepted tx is kept with its exact bytes.
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::map<std::string, Bytes> accepted;  // tx id -> signed bytes
  const std::uint64_t base_height = api_height(target());
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      auto c = target().client(2000);
      for (int n = 0; !stop; ++n) {
        const std::string payload =
            R"({"institution":"bank-a","period":"2026-Q3","cet1_ratio":1,"total_capital":2,)"
            R"("note":"REKEY-MARK-)" +
            std::to_string(t) + "-" + std::to_string(n) + R"(","pad":")" + std::string(500, 'y') +
            "\"}";
        auto tx = capital_adequacy_tx(reporter, chain_id, base_height, payload);
        if (!tx.ok()) continue;
        auto r = c.post("/v1/txs", json{{"tx", to_base64(*tx)}}.dump());
        if (r.ok() && r->status == 202) {
          std::lock_guard lock(mu);
          accepted[json::parse(r->body)["tx_id"].get<std::string>()] = *tx;
        }
      }
    });
  }
  // A reader that notes which accepted txs it has seen committed: those must survive the kill.
  std::set<std::string> seen_committed;
  std::thread collector([&] {
    auto c = target().client(2000);
    while (!stop) {
      std::vector<std::string> ids;
      {
        std::lock_guard lock(mu);
        for (const auto& [id, bytes] : accepted) {
          if (!seen_committed.count(id)) ids.push_back(id);
        }
      }
      for (const auto& id : ids) {
        if (stop) break;
        auto r = c.get("/v1/txs/" + id);
        if (r.ok() && r->status == 200 && json::parse(r->body)["status"] == "committed") {
          std::lock_guard lock(mu);
          seen_committed.insert(id);
        }
      }
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));

  // rekey through the admin socket; kill -9 as the tables are being rewritten under the new key.
  const std::string cmd =
      std::string(RL_BINARY_DIR) + "/node/regledgerd rekey --home " + home + " 2>&1";
  FILE* rekey = ::popen(cmd.c_str(), "r");
  ASSERT_NE(rekey, nullptr);
  std::string out;
  char line[512];
  bool killed = false;
  while (std::fgets(line, sizeof line, rekey) != nullptr) {
    out += line;
    if (!killed && std::string(line).find("step 2/5") != std::string::npos) {
      node_->process().kill9();
      killed = true;
    }
  }
  const int rekey_status = ::pclose(rekey);
  stop = true;
  for (auto& th : threads) th.join();
  collector.join();
  ASSERT_TRUE(killed) << out;
  EXPECT_NE(rekey_status, 0) << "the rekey client should see its node die:\n" << out;
  // The crash hit the middle of the rotation: key 2 is current, key 1 still retiring.
  {
    auto ks = keystore();
    EXPECT_EQ(ks->current_id(), 2u);
    EXPECT_EQ(ks->retiring(), std::vector<std::uint32_t>{1});
  }

  // Restart: the node resumes the rekey by itself.
  std::string why;
  ASSERT_TRUE(node_->start(&why)) << why;
  bool done = false;
  for (int i = 0; i < 300 && !done; ++i) {
    auto s = node_status();
    done = s.contains("retiring_keys") && s["retiring_keys"].empty() && s["data_key"] == 2;
    if (!done) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(done) << node_->process().log_tail();

  // Every accepted tx that committed reads back byte-identical. Txs accepted but not committed
  // before the kill may be gone with the mempool; those that were committed must all be here.
  auto c = target().client(3000);
  std::size_t committed = 0;
  for (const auto& [id, bytes] : accepted) {
    auto r = c.get("/v1/txs/" + id);
    ASSERT_TRUE(r.ok());
    if (seen_committed.count(id)) {
      ASSERT_EQ(r->status, 200) << "tx " << id << " was committed before the kill and is gone";
    }
    if (r->status == 404) continue;
    ASSERT_EQ(r->status, 200) << r->body;
    auto j = json::parse(r->body);
    if (j["status"] != "committed") continue;
    EXPECT_EQ(from_base64(j["tx"].get<std::string>()).value(), bytes) << id;
    ++committed;
  }
  EXPECT_GT(committed, 20u) << "too little load to mean anything";
  EXPECT_GT(seen_committed.size(), 0u);
  std::printf(
      "rekey + kill -9 (%s): %zu txs accepted, %zu seen committed before the kill, %zu committed "
      "after restart, all byte-identical\n",
      std::string(crypto::suite_name(GetParam())).c_str(), accepted.size(), seen_committed.size(),
      committed);

  // The old key opens nothing; the keystore on disk opens everything; no marker on disk.
  ASSERT_EQ(node_->process().stop(), 0) << node_->process().log_tail();
  const std::string data = home + "/data";
  const std::string audit = home + "/audit";
  EXPECT_TRUE(must(ledger::files_under_keys({data, audit}, {1})).empty());
  auto old_ring = std::make_shared<ledger::KeyRing>(crypto::storage_cipher_for(GetParam()));
  ASSERT_TRUE(old_ring->add(1, old_key).ok());
  ASSERT_TRUE(old_ring->set_current(1).ok());
  auto old_env = std::make_shared<const ledger::EncryptedEnv>(old_ring);
  auto with_old = ledger::Store::open(data, {old_env});
  ASSERT_FALSE(with_old.ok());
  EXPECT_NE(with_old.error().message.find("does not hold"), std::string::npos)
      << with_old.error().message;
  EXPECT_FALSE(ledger::Store::open(audit, {old_env}).ok());
  auto ks = keystore();
  EXPECT_EQ(ks->ring()->ids(), std::vector<std::uint32_t>{2});
  auto env = std::make_shared<const ledger::EncryptedEnv>(ks->ring());
  EXPECT_TRUE(ledger::Store::open(data, {env}).ok());
  for (const auto& e : fs::recursive_directory_iterator(home)) {
    if (!e.is_regular_file()) continue;
    const std::string bytes = must(read_file(e.path().string(), std::size_t{1} << 30));
    EXPECT_EQ(bytes.find("REKEY-MARK-"), std::string::npos) << e.path();
  }
}

INSTANTIATE_TEST_SUITE_P(BothSuites, RekeyCrashTest,
                         ::testing::Values(crypto::Suite::kP256Sha256, crypto::Suite::kSm2Sm3),
                         [](const auto& info) {
                           return info.param == crypto::Suite::kSm2Sm3 ? std::string("Sm2Sm4")
                                                                       : std::string("P256Aes");
                         });

}  // namespace
}  // namespace rl::testing
