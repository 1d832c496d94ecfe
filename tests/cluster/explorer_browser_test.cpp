// The web explorer in a real browser (issue #17, docs/explorer.md): a four-validator network
// whose nodes require sessions, a report submitted through the API, its receipt and two
// tampered copies written to build/.../tests/artifacts/explorer/, then headless Chromium
// (tests/cluster/explorer_browser.py, Selenium) loads the pages, searches, and verifies the
// receipts in the page. The screenshots stay in that folder as the test's artifacts.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "client/lib/session.hpp"
#include "client/lib/tx_builder.hpp"
#include "common/file_io.hpp"
#include "ledger/genesis.hpp"
#include "node/explorer/explorer_routes.hpp"
#include "regledger.pb.h"
#include "tests/cluster/cluster_checks.hpp"
#include "tests/support/cluster.hpp"
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

void write(const fs::path& p, const std::string& text) {
  auto st = write_file(p.string(), text);
  if (!st.ok()) throw std::runtime_error(st.error().to_string());
}

// The receipt with one byte of its transaction changed: it still decodes, but its Merkle leaf
// is no longer the one the block committed.
std::string tamper_tx(json receipt) {
  auto tx = from_base64(receipt["tx"].get<std::string>());
  if (!tx.ok() || tx->empty()) throw std::runtime_error("receipt tx");
  tx->back() ^= 0x01;
  receipt["tx"] = to_base64(*tx);
  return receipt.dump(2);
}

// The receipt with the last byte of the first precommit signature changed (the low byte of s:
// still canonical DER, no longer a valid signature).
std::string tamper_commit(json receipt) {
  auto raw = from_base64(receipt["commit"].get<std::string>());
  ledger::pb::CommitCertificate cert;
  if (!raw.ok() || !cert.ParseFromArray(raw->data(), static_cast<int>(raw->size())) ||
      cert.signatures_size() == 0) {
    throw std::runtime_error("receipt commit");
  }
  std::string sig = cert.signatures(0).signature();
  sig.back() = static_cast<char>(sig.back() ^ 0x01);
  cert.mutable_signatures(0)->set_signature(sig);
  receipt["commit"] = to_base64(to_bytes(cert.SerializeAsString()));
  return receipt.dump(2);
}

Result<Bytes> report_tx(const client::Identity& reporter, const std::string& chain_id,
                        std::uint64_t height, const std::string& period) {
  return client::build_signed_tx(reporter, chain_id, height, [&](ledger::pb::TxBody& b) {
    auto* p = b.mutable_submit_report();
    p->set_template_id("capital-adequacy");
    p->set_period(period);
    p->set_content_type("application/json");
    p->set_payload(R"({"institution":"bank-a","period":")" + period +
                   R"(","cet1_ratio":12.5,"total_capital":1000})");
  });
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

  // The explorer's files over the node's real HTTPS listener, anonymously, with their headers.
  auto page = node.client().get("/explorer/");
  ASSERT_TRUE(page.ok()) << page.error().to_string();
  EXPECT_EQ(page->status, 200);
  std::map<std::string, std::string> headers(page->headers.begin(), page->headers.end());
  EXPECT_EQ(headers["content-type"], "text/html; charset=utf-8");
  EXPECT_EQ(headers["content-security-policy"], node::explorer::kContentSecurityPolicy);
  EXPECT_EQ(headers["x-content-type-options"], "nosniff");
  auto unknown = node.client().get("/explorer/secret.json");
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->status, 404);

  auto token = login_over_api(node, c.admin());
  ASSERT_TRUE(token.ok()) << token.error().to_string();
  auto reporter = enroll_reporter(c, 0);
  // Another bank's reporter: a viewer whose session may read none of bank-a's reports.
  auto other_bank =
      enroll_over_api(node, c.genesis(), c.admin(), c.dir(), "bank-b", "bank-b-reporting", "0105");
  ASSERT_TRUE(other_bank.ok()) << other_bank.error().to_string();
  auto login_client = node.client();
  auto other_token = client::login_over(login_client, *other_bank, kEnrolledPassword);
  ASSERT_TRUE(other_token.ok()) << other_token.error().to_string();
  // Several reports in one batch, so that they share a block and the receipt's Merkle path has
  // real sibling hashes (a one-tx block's path is empty).
  std::vector<std::string> periods = {"2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"};
  Bytes batch;
  for (const auto& period : periods) {
    auto tx = report_tx(reporter, c.genesis().chain_id, c.height(0), period);
    ASSERT_TRUE(tx.ok()) << tx.error().to_string();
    // The batch framing: u32 big-endian length, then the Tx bytes (ledger/tx_batch.hpp).
    const auto n = static_cast<std::uint32_t>(tx->size());
    for (int shift = 24; shift >= 0; shift -= 8)
      batch.push_back(static_cast<std::uint8_t>(n >> shift));
    batch.insert(batch.end(), tx->begin(), tx->end());
  }
  auto posted = node.client(10'000).request("POST", "/v1/txs/batch", to_string(batch),
                                            {{"content-type", "application/octet-stream"}});
  ASSERT_TRUE(posted.ok()) << posted.error().to_string();
  ASSERT_EQ(posted->status, 200) << posted->body;
  const json results = json::parse(posted->body)["results"];
  ASSERT_EQ(results.size(), periods.size()) << posted->body;
  // The receipt to check: a report inside the fullest block, neither first nor last, so the
  // Merkle path has siblings on both sides.
  std::string id, period;
  json committed, receipt;
  auto inner = [](const json& r) {
    const auto index = r["index"].get<std::uint64_t>();
    return index > 0 && index + 1 < r["tx_count"].get<std::uint64_t>();
  };
  auto better = [&](const json& r, const json& than) {
    return r["tx_count"] > than["tx_count"] ||
           (r["tx_count"] == than["tx_count"] && inner(r) && !inner(than));
  };
  for (std::size_t i = 0; i < periods.size(); ++i) {
    ASSERT_TRUE(results[i].contains("tx_id")) << posted->body;
    const std::string tx_id = results[i]["tx_id"];
    ASSERT_TRUE(wait_committed(node, tx_id, *token)) << tx_id << c.all_logs_tail();
    json r = get_json(node, "/v1/receipts/" + tx_id, *token);
    if (receipt.is_null() || better(r, receipt)) {
      id = tx_id;
      period = periods[i];
      receipt = r;
    }
  }
  committed = get_json(node, "/v1/txs/" + id, *token);
  ASSERT_GE(receipt["tx_count"].get<int>(), 2) << "the batch never shared a block";
  ASSERT_FALSE(receipt["proof"].empty());
  // A regulator's review: the report's status history gets a second entry.
  auto review = client::build_signed_tx(c.admin(), c.genesis().chain_id, c.height(0),
                                        [&](ledger::pb::TxBody& b) {
                                          auto* p = b.mutable_review_report();
                                          p->set_report_id(id);
                                          p->set_decision("ACCEPTED");
                                          p->add_reasons("figures reconciled");
                                        });
  ASSERT_TRUE(review.ok()) << review.error().to_string();
  auto reviewed = submit_and_wait(node, *review, std::chrono::seconds(30), *token);
  ASSERT_TRUE(reviewed.ok()) << reviewed.error().to_string();

  const fs::path out = fs::path(RL_BINARY_DIR) / "tests/artifacts/explorer";
  fs::remove_all(out);  // no screenshot of an earlier run may pass for this one's
  fs::create_directories(out);
  write(out / "genesis.json", ledger::genesis_to_json(c.genesis()));
  write(out / "receipt.json", receipt.dump(2));
  write(out / "receipt-tampered-tx.json", tamper_tx(receipt));
  write(out / "receipt-tampered-commit.json", tamper_commit(receipt));
  // What the browser cannot check must be said, not passed: an SM2/SM3 network (the same file
  // with its suite renamed) and a receipt that carries validator-set handoffs.
  json sm2 = json::parse(ledger::genesis_to_json(c.genesis()));
  sm2["suite"] = "sm2-sm3";
  write(out / "genesis-sm2.json", sm2.dump(2));
  json with_handoffs = receipt;
  with_handoffs["validator_handoffs"] = json::array({{{"header", ""}, {"commit", ""}}});
  write(out / "receipt-with-handoffs.json", with_handoffs.dump(2));
  const json the_case = {{"chain_id", c.genesis().chain_id},
                         {"token", *token},
                         {"account", c.admin().account},
                         {"other_token", other_token->token},
                         {"other_account", other_bank->account},
                         {"tx_id", id},
                         {"report_id", id},  // a report's id is its submission's tx id
                         {"height", committed["height"]},
                         {"signer", reporter.account},
                         {"org", reporter.org},
                         {"period", period},
                         {"proof", receipt["proof"]},
                         {"files",
                          {{"genesis", (out / "genesis.json").string()},
                           {"receipt", (out / "receipt.json").string()},
                           {"tampered_tx", (out / "receipt-tampered-tx.json").string()},
                           {"tampered_commit", (out / "receipt-tampered-commit.json").string()},
                           {"genesis_sm2", (out / "genesis-sm2.json").string()},
                           {"with_handoffs", (out / "receipt-with-handoffs.json").string()}}}};
  write(out / "case.json", the_case.dump(2));

  // The reference verifier agrees with what the browser must show for each file.
  const std::string cli = std::string(RL_BINARY_DIR) + "/client/regledger verify --genesis " +
                          (out / "genesis.json").string() + " ";
  EXPECT_EQ(run_command(cli + (out / "receipt.json").string()).first, 0);
  auto [tx_rc, tx_why] = run_command(cli + (out / "receipt-tampered-tx.json").string());
  EXPECT_EQ(tx_rc, 1) << tx_why;
  EXPECT_NE(tx_why.find("Merkle"), std::string::npos) << tx_why;
  auto [commit_rc, commit_why] = run_command(cli + (out / "receipt-tampered-commit.json").string());
  EXPECT_EQ(commit_rc, 1) << commit_why;
  EXPECT_NE(commit_why.find("signature is invalid"), std::string::npos) << commit_why;

  const std::string base = "https://127.0.0.1:" + std::to_string(node.port) + "/explorer/";
  auto [rc, output] = run_command(std::string(kPython) + " " + RL_SOURCE_DIR +
                                  "/tests/cluster/explorer_browser.py --base " + base + " --case " +
                                  (out / "case.json").string() + " --out " + out.string() +
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
