// Encryption at rest through a real regledgerd (issue #14): a node whose KEK is in a PKCS#11
// token (SoftHSM2) stores, restarts and serves like one with a key file; and a node started with
// a wrong or missing key, or a keystore or config that does not fit its stores, refuses to start
// with a clear error and changes nothing on disk.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "common/file_io.hpp"
#include "crypto/hash.hpp"
#include "crypto/key_wrap.hpp"
#include "tests/support/must.hpp"
#include "tests/support/report_tx.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/single_node.hpp"

namespace rl::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// Every file under `dir` with a hash of its bytes: "changes nothing" is this map unchanged.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    out[e.path().string()] =
        to_hex(crypto::sha256(as_bytes(must(read_file(e.path().string(), std::size_t{1} << 30)))));
  }
  return out;
}

class KekStartupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    node_ = std::make_unique<SingleNode>(crypto::Suite::kP256Sha256, "kek");
    home_ = node_->home();
  }

  void edit_config(const std::function<void(node::NodeConfig&)>& edit) { node_->edit_config(edit); }

  void start_node() {
    std::string why;
    ASSERT_TRUE(node_->start(&why)) << why;
  }
  void stop_node() { ASSERT_EQ(node_->process().stop(), 0) << node_->process().log_tail(); }

  // Runs regledgerd on the home in the foreground: a refusal ends it at once (timeout: it
  // started, which is a failure here).
  std::pair<int, std::string> try_start() {
    return run_command("timeout 30 " + std::string(RL_BINARY_DIR) + "/node/regledgerd --home " +
                       home_ + " --api-port 0");
  }

  // A committed report with `marker` in its payload; returns its tx id.
  std::string commit_marked_report(const std::string& marker) {
    auto reporter = node_->enroll_reporter();
    auto tx = must(capital_adequacy_tx(
        reporter, node_->genesis().chain_id, api_height(node_->target()),
        R"({"institution":"bank-a","period":"2026-Q3","cet1_ratio":1,"total_capital":2,"note":")" +
            marker + "\"}"));
    return must(submit_and_wait(node_->target(), tx));
  }

  // Starts a node, commits a marked report, stops it: a home with encrypted stores.
  void make_stores() {
    start_node();
    commit_marked_report("KEK-STARTUP-MARK");
    stop_node();
  }

  void expect_refused(const std::string& code) {
    const auto before = snapshot(home_);
    auto [rc, out] = try_start();
    EXPECT_EQ(rc, 1) << out;
    EXPECT_NE(out.find("startup failed code=" + code), std::string::npos) << out;
    EXPECT_EQ(snapshot(home_), before) << "a refused start changed files in the home";
  }

  std::unique_ptr<SingleNode> node_;
  std::string home_;
};

TEST_F(KekStartupTest, AMissingKekFileIsRefused) {
  make_stores();
  fs::rename(home_ + "/kek.key", node_->dir() / "kek.key.away");
  expect_refused("kek_missing");
}

TEST_F(KekStartupTest, AnotherKekIsRefused) {
  make_stores();
  fs::remove(home_ + "/kek.key");
  ASSERT_TRUE(crypto::create_file_kek(home_ + "/kek.key").ok());
  expect_refused("kek_mismatch");
}

TEST_F(KekStartupTest, AKekFileOthersCanReadIsRefused) {
  make_stores();
  ::chmod((home_ + "/kek.key").c_str(), 0644);
  expect_refused("kek_file_mode");
}

TEST_F(KekStartupTest, AMissingKeystoreIsRefusedNotRecreated) {
  make_stores();
  fs::rename(home_ + "/data-keys.json", node_->dir() / "data-keys.json.away");
  expect_refused("data_keys_missing");
  EXPECT_FALSE(fs::exists(home_ + "/data-keys.json"));
}

TEST_F(KekStartupTest, EncryptedStoresWithEncryptionTurnedOffAreRefused) {
  make_stores();
  edit_config([](node::NodeConfig& c) { c.kek_file.clear(); });
  expect_refused("store_encrypted");
}

TEST_F(KekStartupTest, PlaintextStoresWithEncryptionTurnedOnAreRefused) {
  edit_config([](node::NodeConfig& c) { c.kek_file.clear(); });
  make_stores();
  edit_config([](node::NodeConfig& c) { c.kek_file = "kek.key"; });
  expect_refused("store_not_encrypted");
}

// The KEK in a PKCS#11 token, as banks keep such keys in an HSM: SoftHSM2 here.
TEST_F(KekStartupTest, AKekInAPkcs11TokenStoresAndRestarts) {
  const fs::path tokens = node_->dir() / "tokens";
  fs::create_directories(tokens);
  const std::string conf = (node_->dir() / "softhsm2.conf").string();
  ASSERT_TRUE(write_file(conf, "directories.tokendir = " + tokens.string() +
                                   "\nobjectstore.backend = file\nlog.level = ERROR\n")
                  .ok());
  // The node process inherits it.
  ::setenv("SOFTHSM2_CONF", conf.c_str(), 1);
  auto [rc, out] =
      run_command("softhsm2-util --init-token --free --label node0-hsm --pin 4321 --so-pin 8765");
  ASSERT_EQ(rc, 0) << out;
  ASSERT_TRUE(write_file(home_ + "/hsm.pin", "4321\n", true).ok());
  crypto::Pkcs11KekConfig p11{.module = "/usr/lib/softhsm/libsofthsm2.so",
                              .token_label = "node0-hsm",
                              .pin_file = home_ + "/hsm.pin",
                              .key_label = "regledger-kek"};
  ASSERT_TRUE(crypto::create_pkcs11_kek(p11).ok());
  fs::remove(home_ + "/kek.key");
  edit_config([&](node::NodeConfig& c) {
    c.kek_file.clear();
    c.pkcs11_module = p11.module;
    c.pkcs11_token = p11.token_label;
    c.pkcs11_pin_file = "hsm.pin";
    c.pkcs11_key_label = p11.key_label;
  });
  start_node();
  const std::string id = commit_marked_report("PKCS11-MARK-5150");
  stop_node();
  EXPECT_NE(must(read_file(node_->log_path())).find("kek=pkcs11:token=node0-hsm"),
            std::string::npos);
  const std::string keys = must(read_file(home_ + "/data-keys.json"));
  EXPECT_NE(keys.find("pkcs11:token=node0-hsm"), std::string::npos) << keys;
  for (const auto& [path, hash] : snapshot(home_)) {
    EXPECT_EQ(must(read_file(path, std::size_t{1} << 30)).find("PKCS11-MARK-5150"),
              std::string::npos)
        << path;
  }
  // Restarted, it opens its stores with the token and serves the report.
  start_node();
  auto r = node_->target().client(3000).get("/v1/txs/" + id);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, 200) << r->body;
  const Bytes tx = from_base64(json::parse(r->body)["tx"].get<std::string>()).value();
  EXPECT_NE(std::string(tx.begin(), tx.end()).find("PKCS11-MARK-5150"), std::string::npos);
  stop_node();
  // A wrong PIN is refused and changes nothing.
  ASSERT_TRUE(write_file(home_ + "/hsm.pin", "9999\n", true).ok());
  expect_refused("pkcs11_login");
}

}  // namespace
}  // namespace rl::testing
