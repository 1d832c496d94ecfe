// The web explorer in a real browser (issue #17, docs/explorer.md): a four-validator network
// whose nodes require sessions, reports submitted through the API, a receipt and its changed
// copies written to build/.../tests/artifacts/explorer/, then headless Chromium
// (tests/cluster/explorer_browser.py, Selenium) loads the pages, searches, and verifies the
// receipts in the page. The screenshots stay in that folder as the test's artifacts.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

#include "client/lib/session.hpp"
#include "client/lib/tx_builder.hpp"
#include "common/file_io.hpp"
#include "node/explorer/explorer_routes.hpp"
#include "tests/cluster/cluster_checks.hpp"
#include "tests/cluster/explorer_receipt_files.hpp"
#include "tests/support/cluster.hpp"
#include "tests/support/report_tx.hpp"
#include "tests/support/run_command.hpp"

namespace rl::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The password tests/support/api_enroll.cpp gives the accounts it registers.
constexpr const char* kEnrolledPassword = "a long test password";
constexpr const char* kPython = "/usr/bin/python3";  // Debian's, where python3-selenium is
constexpr const char* kChromium = "/usr/bin/chromium";
constexpr const char* kChromedriver = "/usr/bin/chromedriver";

// Empty when the browser tooling is installed; otherwise what is missing.
std::string missing_browser_tools() {
  std::string missing;
  for (const char* p : {kPython, kChromium, kChromedriver}) {
    if (!fs::exists(p)) missing += std::string(" ") + p;
  }
  if (missing.empty() && run_command(std::string(kPython) + " -c 'import selenium'").first != 0) {
    missing += " python3-selenium";
  }
  return missing;
}

http::HeaderList bearer(const std::string& token) {
  return {{"authorization", "Bearer " + token}};
}

json get_json(const ApiTarget& t, const std::string& path, const std::string& token) {
  auto r = t.client(10'000).request("GET", path, "", bearer(token));
  if (!r.ok()) throw std::runtime_error(path + ": " + r.error().to_string());
  if (r->status != 200) throw std::runtime_error(path + ": " + r->body);
  return json::parse(r->body);
}

bool wait_committed(const ApiTarget& t, const std::string& id, const std::string& token) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = t.client().request("GET", "/v1/txs/" + id, "", bearer(token));
    if (r.ok() && r->status == 200 && json::parse(r->body)["status"] == "committed") return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

Bytes report_tx(const Cluster& c, const client::Identity& reporter, const std::string& period) {
  auto tx = capital_adequacy_tx(reporter, c.genesis().chain_id, c.height(0),
                                capital_adequacy_payload(period), period);
  if (!tx.ok()) throw std::runtime_error("report tx: " + tx.error().to_string());
  return std::move(tx).value();
}

struct CommittedReport {
  std::string id;  // the tx id, which is also the report id
  std::string period;
  json receipt;
};

// True when the receipt's tx is neither first nor last in its block: its Merkle path then has
// siblings on both sides.
bool inside_its_block(const json& receipt) {
  const auto index = receipt["index"].get<std::uint64_t>();
  return index > 0 && index + 1 < receipt["tx_count"].get<std::uint64_t>();
}

// One report per period, posted as one batch so that they share a block (a one-tx block's
// Merkle path is empty); returns the one inside the fullest block.
CommittedReport submit_report_batch(const Cluster& c, const client::Identity& reporter,
                                    const std::vector<std::string>& periods,
                                    const std::string& token) {
  Bytes batch;
  for (const auto& period : periods) {
    const Bytes tx = report_tx(c, reporter, period);
    // The batch framing: u32 big-endian length, then the Tx bytes (ledger/tx_batch.hpp).
    const auto n = static_cast<std::uint32_t>(tx.size());
    for (int shift = 24; shift >= 0; shift -= 8)
      batch.push_back(static_cast<std::uint8_t>(n >> shift));
    batch.insert(batch.end(), tx.begin(), tx.end());
  }
  const ApiTarget node = c.target(0);
  auto posted = node.client(10'000).request("POST", "/v1/txs/batch", to_string(batch),
                                            {{"content-type", "application/octet-stream"}});
  if (!posted.ok() || posted->status != 200) throw std::runtime_error("batch refused");
  const json results = json::parse(posted->body)["results"];
  CommittedReport best;
  for (std::size_t i = 0; i < periods.size(); ++i) {
    if (!results[i].contains("tx_id")) throw std::runtime_error("refused: " + posted->body);
    const std::string id = results[i]["tx_id"];
    if (!wait_committed(node, id, token)) throw std::runtime_error(id + " not committed");
    json r = get_json(node, "/v1/receipts/" + id, token);
    if (best.receipt.is_null() || r["tx_count"] > best.receipt["tx_count"] ||
        (r["tx_count"] == best.receipt["tx_count"] && inside_its_block(r) &&
         !inside_its_block(best.receipt))) {
      best = {id, periods[i], std::move(r)};
    }
  }
  return best;
}

// A regulator's review: the report's status history gets a second entry.
void accept_report(const Cluster& c, const std::string& id, const std::string& token) {
  auto review = client::build_signed_tx(c.admin(), c.genesis().chain_id, c.height(0),
                                        [&](ledger::pb::TxBody& b) {
                                          auto* p = b.mutable_review_report();
                                          p->set_report_id(id);
                                          p->set_decision("ACCEPTED");
                                          p->add_reasons("figures reconciled");
                                        });
  if (!review.ok()) throw std::runtime_error(review.error().to_string());
  auto done = submit_and_wait(c.target(0), *review, std::chrono::seconds(30), token);
  if (!done.ok()) throw std::runtime_error("review: " + done.error().to_string());
}

// The reference verifier, `regledger verify`, gives the verdicts the browser must show.
void expect_cli_verdicts(const ReceiptFiles& f) {
  const std::string cli =
      std::string(RL_BINARY_DIR) + "/client/regledger verify --genesis " + f.genesis.string() + " ";
  auto [good_rc, good_out] = run_command(cli + f.receipt.string());
  EXPECT_EQ(good_rc, 0) << good_out;
  auto [tx_rc, tx_why] = run_command(cli + f.tampered_tx.string());
  EXPECT_EQ(tx_rc, 1) << tx_why;
  EXPECT_NE(tx_why.find("Merkle"), std::string::npos) << tx_why;
  auto [commit_rc, commit_why] = run_command(cli + f.tampered_commit.string());
  EXPECT_EQ(commit_rc, 1) << commit_why;
  EXPECT_NE(commit_why.find("bad signature from validator 0"), std::string::npos) << commit_why;
}

// The explorer's files over the node's real HTTPS listener, anonymously, with their headers.
void expect_served_anonymously(const ApiTarget& node) {
  auto page = node.client().get("/explorer/");
  ASSERT_TRUE(page.ok()) << page.error().to_string();
  EXPECT_EQ(page->status, 200);
  std::map<std::string, std::string> headers(page->headers.begin(), page->headers.end());
  EXPECT_EQ(headers["content-type"], "text/html; charset=utf-8");
  EXPECT_EQ(headers["content-security-policy"], node::explorer::kContentSecurityPolicy);
  EXPECT_EQ(headers["x-content-type-options"], "nosniff");
  auto unknown = node.client().get("/explorer/secret.json");
  ASSERT_TRUE(unknown.ok()) << unknown.error().to_string();
  EXPECT_EQ(unknown->status, 404);
}

bool is_png(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  char magic[8] = {};
  in.read(magic, sizeof magic);
  return in.gcount() == 8 && std::string(magic, 8) == "\x89PNG\r\n\x1a\n";
}

TEST(ExplorerBrowserTest, PagesSearchSessionsAndReceiptsInHeadlessChromium) {
  if (auto missing = missing_browser_tools(); !missing.empty()) {
    GTEST_SKIP() << "the browser test needs" << missing
                 << " (scripts/install-deps.sh installs chromium, chromium-driver and "
                    "python3-selenium)";
  }
  ClusterOptions o;
  o.name = "explorer";
  o.read_access = "session";  // the explorer must follow the API's session rules
  Cluster c(o);
  c.start_all();
  for (std::size_t i = 0; i < c.size(); ++i) {
    ASSERT_TRUE(c.wait_healthy(i, std::chrono::seconds(30))) << c.log_tail(i);
  }
  const ApiTarget node = c.target(0);
  ASSERT_NO_FATAL_FAILURE(expect_served_anonymously(node));

  auto token = login_over_api(node, c.admin());
  ASSERT_TRUE(token.ok()) << token.error().to_string();
  const auto reporter = enroll_reporter(c, 0);
  // Another bank's reporter: a viewer whose session may read none of bank-a's reports.
  auto other_bank =
      enroll_over_api(node, c.genesis(), c.admin(), c.dir(), "bank-b", "bank-b-reporting", "0105");
  ASSERT_TRUE(other_bank.ok()) << other_bank.error().to_string();
  auto login_client = node.client();
  auto other_token = client::login_over(login_client, *other_bank, kEnrolledPassword);
  ASSERT_TRUE(other_token.ok()) << other_token.error().to_string();

  const auto report = submit_report_batch(
      c, reporter, {"2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"}, *token);
  ASSERT_GE(report.receipt["tx_count"].get<int>(), 2) << "the batch never shared a block";
  ASSERT_FALSE(report.receipt["proof"].empty());
  accept_report(c, report.id, *token);
  const json committed = get_json(node, "/v1/txs/" + report.id, *token);

  const fs::path out = fs::path(RL_BINARY_DIR) / "tests/artifacts/explorer";
  fs::remove_all(out);  // no screenshot of an earlier run may pass for this one's
  fs::create_directories(out);
  const ReceiptFiles files = write_receipt_files(out, c.genesis(), report.receipt);
  expect_cli_verdicts(files);
  const json the_case = {{"chain_id", c.genesis().chain_id},
                         {"token", *token},
                         {"account", c.admin().account},
                         {"other_token", other_token->token},
                         {"other_account", other_bank->account},
                         {"tx_id", report.id},
                         {"report_id", report.id},  // a report's id is its submission's tx id
                         {"height", committed["height"]},
                         {"signer", reporter.account},
                         {"org", reporter.org},
                         {"period", report.period},
                         {"proof", report.receipt["proof"]},
                         {"files", files.to_json()}};
  const fs::path case_file = out / "case.json";
  ASSERT_TRUE(write_file(case_file.string(), the_case.dump(2)).ok());

  const std::string base = "https://127.0.0.1:" + std::to_string(node.port) + "/explorer/";
  auto [rc, output] = run_command(std::string(kPython) + " " + RL_SOURCE_DIR +
                                  "/tests/cluster/explorer_browser.py --base " + base + " --case " +
                                  case_file.string() + " --out " + out.string() +
                                  " --chromedriver " + kChromedriver);
  std::printf("%s", output.c_str());
  EXPECT_EQ(rc, 0) << output;
  for (const char* shot :
       {"01-status.png", "02-block-anonymous.png", "03-blocks.png", "04-block.png", "05-tx.png",
        "06-report.png", "07-search-report.png", "08-verify-valid.png", "09-verify-tampered-tx.png",
        "10-verify-tampered-commit.png", "11-verify-sm2.png", "12-other-bank-report.png"}) {
    EXPECT_TRUE(is_png(out / shot)) << shot << " is missing or not a PNG";
  }
  std::printf("screenshots in %s\n", out.string().c_str());
}

}  // namespace
}  // namespace rl::testing
