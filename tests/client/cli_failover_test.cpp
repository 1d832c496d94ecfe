// `regledger` with several --node URLs and --genesis, against a real honest regledgerd and a
// lying node: it names the node whose answer verified, warns about the liar, and fails with
// no_valid_answer when only the liar is given.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "common/file_io.hpp"
#include "ledger/receipt.hpp"
#include "tests/client/cli_runner.hpp"
#include "tests/client/failover_fixture.hpp"

namespace rl::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

class CliFailoverTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    try {
      net_ = std::make_unique<HonestNetwork>("client-cli-failover");
    } catch (const std::exception& e) {
      setup_error_ = e.what();
    }
  }
  static void TearDownTestSuite() { net_.reset(); }
  void SetUp() override {
    ASSERT_TRUE(net_) << "honest network did not start: " << setup_error_;
    liar_ = std::make_unique<LyingNode>(*net_, Lie::kTamperHeader);
  }
  void TearDown() override { liar_.reset(); }

  // Runs regledger with `args` (and extra `env` assignments); stdout and stderr separately.
  // Reads carry report data: the CLI logs in as the reporter (identity dir + its password).
  CliRun regledger(const std::vector<std::string>& args, std::vector<std::string> env = {}) {
    env.push_back("REGLEDGER_IDENTITY=" + net_->reporter_dir);
    return run_regledger(net_->dir, env, args);
  }

  std::vector<std::string> nodes(const std::vector<std::string>& urls, bool genesis = true) {
    std::vector<std::string> a;
    for (const auto& u : urls) {
      a.push_back("--node");
      a.push_back(u);
    }
    a.push_back("--ca");
    a.push_back(net_->ca_path);
    if (genesis) {
      a.push_back("--genesis");
      a.push_back(net_->genesis_path);
    }
    return a;
  }

  static std::vector<std::string> plus(std::vector<std::string> a,
                                       const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  }

  // The receipt in `text` verifies against genesis and is for `tx_id`.
  void expect_valid_receipt(const std::string& text, const std::string& tx_id) {
    auto rc = ledger::receipt_from_json(text);
    ASSERT_TRUE(rc.ok()) << rc.error().to_string() << "\n" << text;
    auto v = ledger::verify_receipt(*net_->anchor, *rc);
    ASSERT_TRUE(v.ok()) << v.error().to_string();
    EXPECT_EQ(v->tx_id_hex, tx_id);
  }

  void expect_liar_warned(const CliRun& r) {
    EXPECT_TRUE(contains(r.err, "warning: node " + liar_->url())) << r.err;
    EXPECT_TRUE(contains(r.err, "caught lying")) << r.err;
    EXPECT_TRUE(contains(r.err, "commit certificate")) << r.err;
  }

  static std::unique_ptr<HonestNetwork> net_;
  static std::string setup_error_;
  std::unique_ptr<LyingNode> liar_;
};

std::unique_ptr<HonestNetwork> CliFailoverTest::net_;
std::string CliFailoverTest::setup_error_;

TEST_F(CliFailoverTest, ReceiptGetSkipsTheLiar) {
  auto r = regledger(plus(nodes({liar_->url(), net_->url}), {"receipt", "get", net_->tx_a}));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  expect_valid_receipt(r.out, net_->tx_a);
  EXPECT_TRUE(contains(r.err, "served by " + net_->url)) << r.err;
  expect_liar_warned(r);
  EXPECT_GE(liar_->receipt_requests(), 1);
}

TEST_F(CliFailoverTest, ReceiptGetWithOnlyTheLiarFails) {
  auto r = regledger(plus(nodes({liar_->url()}), {"receipt", "get", net_->tx_a}));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(r.out.empty()) << "printed an unverified receipt:\n" << r.out;
  EXPECT_TRUE(contains(r.err, "error: no_valid_answer")) << r.err;
  EXPECT_TRUE(contains(r.err, liar_->url())) << r.err;
  EXPECT_FALSE(contains(r.err, "served by")) << r.err;
}

// The same command without --genesis takes the liar's first answer: the forged receipt that
// `regledger verify` then rejects. This is what --genesis is for.
TEST_F(CliFailoverTest, WithoutGenesisTheLiarIsBelieved) {
  auto r = regledger(
      plus(nodes({liar_->url(), net_->url}, /*genesis=*/false),
           {"receipt", "get", net_->tx_a, "--out", (net_->dir / "forged.json").string()}));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto check =
      regledger({"verify", (net_->dir / "forged.json").string(), "--genesis", net_->genesis_path});
  EXPECT_EQ(check.exit_code, 1);
  EXPECT_TRUE(contains(check.err, "receipt INVALID")) << check.err;
}

TEST_F(CliFailoverTest, SettingsFromTheEnvironment) {
  auto r = regledger({"receipt", "get", net_->tx_b},
                     {"REGLEDGER_NODE=" + liar_->url() + "," + net_->url,
                      "REGLEDGER_CA=" + net_->ca_path, "REGLEDGER_GENESIS=" + net_->genesis_path});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  expect_valid_receipt(r.out, net_->tx_b);
  EXPECT_TRUE(contains(r.err, "served by " + net_->url)) << r.err;
  expect_liar_warned(r);
  // `verify` takes its genesis from the environment too.
  ASSERT_TRUE(write_file((net_->dir / "b.json").string(), r.out).ok());
  auto check = regledger({"verify", (net_->dir / "b.json").string()},
                         {"REGLEDGER_GENESIS=" + net_->genesis_path});
  EXPECT_EQ(check.exit_code, 0) << check.err;
}

TEST_F(CliFailoverTest, DeadNodeThenLiarThenHonest) {
  std::string down = closed_port_url();
  auto r =
      regledger(plus(nodes({down, liar_->url(), net_->url}),
                     {"receipt", "get", net_->tx_a, "--out", (net_->dir / "a.json").string()}));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  expect_valid_receipt(*read_file((net_->dir / "a.json").string()), net_->tx_a);
  EXPECT_TRUE(contains(r.err, "note: node " + down + " skipped: unreachable")) << r.err;
  expect_liar_warned(r);
  EXPECT_TRUE(contains(r.err, "served by " + net_->url)) << r.err;
}

TEST_F(CliFailoverTest, TxGetIsVerified) {
  auto r = regledger(plus(nodes({liar_->url(), net_->url}), {"tx", "get", net_->tx_a}));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  json j = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << r.out;
  EXPECT_EQ(j.value("tx_id", ""), net_->tx_a);
  EXPECT_EQ(j.value("status", ""), "committed");
  EXPECT_EQ(j.value("signer", ""), "bank-a-reporting");
  ASSERT_TRUE(j.contains("verified"));
  EXPECT_EQ(j["verified"].value("node", ""), net_->url);
  expect_liar_warned(r);

  auto alone = regledger(plus(nodes({liar_->url()}), {"tx", "get", net_->tx_a}));
  EXPECT_NE(alone.exit_code, 0);
  EXPECT_TRUE(contains(alone.err, "no_valid_answer")) << alone.err;

  // A transaction no node has is an honest "not found", not a lie.
  auto unknown = regledger(plus(nodes({net_->url}), {"tx", "get", std::string(64, 'b')}));
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_TRUE(contains(unknown.err, "error: tx_not_found")) << unknown.err;
  EXPECT_FALSE(contains(unknown.err, "caught lying")) << unknown.err;
}

TEST_F(CliFailoverTest, BlockGetIsVerified) {
  auto rc = ledger::receipt_from_json(
      regledger(plus(nodes({net_->url}), {"receipt", "get", net_->tx_a})).out);
  ASSERT_TRUE(rc.ok());
  std::string h = std::to_string(rc->height);
  auto r = regledger(plus(nodes({liar_->url(), net_->url}), {"block", "get", h}));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  json j = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << r.out;
  EXPECT_EQ(j["verified"].value("node", ""), net_->url);
  auto txs = j.value("txs", std::vector<std::string>{});
  EXPECT_NE(std::find(txs.begin(), txs.end(), net_->tx_a), txs.end()) << r.out;
  expect_liar_warned(r);

  auto alone = regledger(plus(nodes({liar_->url()}), {"block", "get", h}));
  EXPECT_NE(alone.exit_code, 0);
  EXPECT_TRUE(contains(alone.err, "no_valid_answer")) << alone.err;
}

TEST_F(CliFailoverTest, ReportSubmitSavesOnlyAVerifiedReceipt) {
  auto payload = net_->dir / "report.json";
  ASSERT_TRUE(write_file(payload.string(), R"({"institution":"bank-a","period":"2026-Q3",)"
                                           R"("cet1_ratio":11.0,"total_capital":900})")
                  .ok());
  auto out = net_->dir / "submitted.json";
  // The liar relays the submission and the status polls faithfully; only its receipt is forged.
  auto r = regledger(
      plus(nodes({liar_->url(), net_->url}),
           {"report", "submit", "--as", net_->reporter_dir, "--template", "capital-adequacy",
            "--period", "2026-Q3", "--file", payload.string(), "--receipt", out.string()}));
  EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
  std::cout << "  stdout: " << r.out;
  EXPECT_TRUE(contains(r.out, "receipt served by " + net_->url)) << r.out;
  EXPECT_TRUE(contains(r.out, "verified receipt saved to")) << r.out;
  expect_liar_warned(r);
  auto text = read_file(out.string());
  ASSERT_TRUE(text.ok());
  auto rc = ledger::receipt_from_json(*text);
  ASSERT_TRUE(rc.ok());
  EXPECT_TRUE(ledger::verify_receipt(*net_->anchor, *rc).ok());
  auto check = regledger({"verify", out.string(), "--genesis", net_->genesis_path});
  EXPECT_EQ(check.exit_code, 0) << check.err;
}

}  // namespace
}  // namespace rl::testing
