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

#include "client/lib/tx_builder.hpp"
#include "common/file_io.hpp"
#include "crypto/hash.hpp"
#include "crypto/key_wrap.hpp"
#include "genesis/network_init.hpp"
#include "node/app/node_config.hpp"
#include "tests/support/api_enroll.hpp"
#include "tests/support/node_process.hpp"

namespace rl::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

template <typename T>
T must(Result<T> r) {
  if (!r.ok()) throw std::runtime_error(r.error().to_string());
  return std::move(r).value();
}

std::pair<int, std::string> run(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (p == nullptr) return {-1, "popen failed"};
  char buf[4096];
  while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
  const int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

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
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("regledger-kek-" + std::to_string(rd()));
    auto def = genesis::default_definition();
    def.scrypt_n = 1024;
    def.block.block_interval_ms = 50;
    auto init = must(genesis::init_network(def, dir_.string()));
    genesis_ = must(ledger::parse_genesis(must(read_file(init.genesis_path))));
    ca_pem_ = must(read_file(init.tls_ca_path));
    admin_.emplace(must(client::load_identity(init.admin_dir)));
    home_ = init.node_homes[0];
    edit_config([](node::NodeConfig& c) { c.read_access = "open"; });
    port_ = free_loopback_port();
  }
  void TearDown() override {
    node_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void edit_config(const std::function<void(node::NodeConfig&)>& edit) {
    auto cfg = must(node::load_node_config(home_));
    edit(cfg);
    ASSERT_TRUE(write_file(home_ + "/config.json", node::node_config_to_json(cfg)).ok());
  }

  void start_node() {
    node_ = std::make_unique<NodeProcess>(std::string(RL_BINARY_DIR) + "/node/regledgerd", home_,
                                          (dir_ / "node.log").string(), port_);
    node_->start();
    auto c = target().client(500);
    for (int i = 0; i < 200; ++i) {
      auto r = c.get("/healthz");
      if (r.ok() && r->status == 200) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "node did not become healthy:\n" << node_->log_tail();
  }

  ApiTarget target() const { return ApiTarget{port_, ca_pem_}; }

  // Runs regledgerd on the home in the foreground: a refusal ends it at once (timeout: it
  // started, which is a failure here).
  std::pair<int, std::string> try_start() {
    return run("timeout 30 " + std::string(RL_BINARY_DIR) + "/node/regledgerd --home " + home_ +
               " --api-port 0");
  }

  // A committed report with `marker` in its payload; returns its tx id.
  std::string commit_marked_report(const std::string& marker) {
    auto reporter = must(enroll_over_api(target(), genesis_, *admin_, dir_.string(), "bank-a",
                                         "bank-a-reporting", "0105"));
    auto tx = must(client::build_signed_tx(
        reporter, genesis_.chain_id, api_height(target()), [&](ledger::pb::TxBody& b) {
          auto* p = b.mutable_submit_report();
          p->set_template_id("capital-adequacy");
          p->set_period("2026-Q3");
          p->set_content_type("application/json");
          p->set_payload(R"({"institution":"bank-a","period":"2026-Q3","cet1_ratio":1,)"
                         R"("total_capital":2,"note":")" +
                         marker + "\"}");
        }));
    return must(submit_and_wait(target(), tx));
  }

  // Starts a node, commits a marked report, stops it: a home with encrypted stores.
  void make_stores() {
    start_node();
    commit_marked_report("KEK-STARTUP-MARK");
    ASSERT_EQ(node_->stop(), 0) << node_->log_tail();
  }

  void expect_refused(const std::string& code) {
    const auto before = snapshot(home_);
    auto [rc, out] = try_start();
    EXPECT_EQ(rc, 1) << out;
    EXPECT_NE(out.find("startup failed code=" + code), std::string::npos) << out;
    EXPECT_EQ(snapshot(home_), before) << "a refused start changed files in the home";
  }

  fs::path dir_;
  std::string home_;
  int port_ = 0;
  ledger::Genesis genesis_;
  std::string ca_pem_;
  std::optional<client::Identity> admin_;
  std::unique_ptr<NodeProcess> node_;
};

TEST_F(KekStartupTest, AMissingKekFileIsRefused) {
  make_stores();
  fs::rename(home_ + "/kek.key", dir_ / "kek.key.away");
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
  fs::rename(home_ + "/data-keys.json", dir_ / "data-keys.json.away");
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
  const fs::path tokens = dir_ / "tokens";
  fs::create_directories(tokens);
  const std::string conf = (dir_ / "softhsm2.conf").string();
  ASSERT_TRUE(write_file(conf, "directories.tokendir = " + tokens.string() +
                                   "\nobjectstore.backend = file\nlog.level = ERROR\n")
                  .ok());
  // The node process inherits it.
  ::setenv("SOFTHSM2_CONF", conf.c_str(), 1);
  auto [rc, out] =
      run("softhsm2-util --init-token --free --label node0-hsm --pin 4321 --so-pin 8765");
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
  ASSERT_EQ(node_->stop(), 0) << node_->log_tail();
  EXPECT_NE(must(read_file((dir_ / "node.log").string())).find("kek=pkcs11:token=node0-hsm"),
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
  auto r = target().client(3000).get("/v1/txs/" + id);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, 200) << r->body;
  const Bytes tx = from_base64(json::parse(r->body)["tx"].get<std::string>()).value();
  EXPECT_NE(std::string(tx.begin(), tx.end()).find("PKCS11-MARK-5150"), std::string::npos);
  ASSERT_EQ(node_->stop(), 0);
  // A wrong PIN is refused and changes nothing.
  ASSERT_TRUE(write_file(home_ + "/hsm.pin", "9999\n", true).ok());
  expect_refused("pkcs11_login");
}

}  // namespace
}  // namespace rl::testing
