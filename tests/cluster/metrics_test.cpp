// GET /metrics on real regledgerd processes (docs/operations.md "Metrics"): the text passes
// `promtool check metrics`; it is served on a listener of its own and never on the API port;
// on a four-validator network under load the counters move (heights, committed txs, API
// requests by route), and a validator that was stopped while the others went on shows
// regledger_catching_up 1 after its restart, then 0 once it has caught up.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/file_io.hpp"
#include "tests/cluster/cluster_checks.hpp"
#include "tests/support/cluster.hpp"
#include "tests/support/metrics_scrape.hpp"
#include "tests/support/report_tx.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/single_node.hpp"

namespace rl::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

bool have_promtool() {
  return run_command("command -v promtool").first == 0;
}

// Runs `promtool check metrics` on `text`; returns (exit status, output).
std::pair<int, std::string> promtool_check_metrics(const std::string& text,
                                                   const std::filesystem::path& dir) {
  const auto file = dir / "scrape.txt";
  std::ofstream(file) << text;
  return run_command("promtool check metrics < " + file.string());
}

std::string scrape(int port) {
  auto r = plain_http_get(port, "/metrics");
  if (!r.ok() || r->status != 200) return {};
  return r->body;
}

double value(const std::string& text, const std::string& name,
             const std::map<std::string, std::string>& labels = {}) {
  return metric_value(text, name, labels).value_or(-1);
}

TEST(MetricsTest, SingleNodeServesPromtoolCleanTextOnItsOwnPortOnly) {
  SingleNode node(crypto::Suite::kP256Sha256, "metrics-single");
  const int metrics_port = free_loopback_port();
  node.edit_config(
      [&](node::NodeConfig& c) { c.metrics_listen = "127.0.0.1:" + std::to_string(metrics_port); });
  std::string why;
  ASSERT_TRUE(node.start(&why)) << why;
  ASSERT_NE(metrics_port, node.target().port);

  // Some API traffic first: an enrollment (logins included) and a report.
  auto reporter = node.enroll_reporter();
  auto tx = capital_adequacy_tx(reporter, node.genesis().chain_id, api_height(node.target()),
                                R"({"institution":"bank-a","period":"2026-Q3",)"
                                R"("cet1_ratio":12.5,"total_capital":1000})");
  ASSERT_TRUE(tx.ok()) << tx.error().to_string();
  auto id = submit_and_wait(node.target(), *tx);
  ASSERT_TRUE(id.ok()) << id.error().to_string() << node.process().log_tail();
  // The same tx again is refused (duplicate_tx): a refusal by code.
  auto again = node.target().client().request("POST", "/v1/txs", to_string(*tx),
                                              {{"content-type", "application/octet-stream"}});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->status, 409) << again->body;

  // The API port does not serve /metrics...
  auto on_api = node.target().client().get("/metrics");
  ASSERT_TRUE(on_api.ok()) << on_api.error().to_string();
  EXPECT_EQ(on_api->status, 404) << on_api->body;
  // ...and the metrics listener serves nothing but /metrics.
  auto other = plain_http_get(metrics_port, "/v1/status");
  ASSERT_TRUE(other.ok()) << other.error().to_string();
  EXPECT_EQ(other->status, 404);

  const std::string text = scrape(metrics_port);
  ASSERT_FALSE(text.empty()) << node.process().log_tail();
  EXPECT_GE(value(text, "regledger_height"), 1);
  EXPECT_GE(value(text, "regledger_txs_committed_total"), 1);
  EXPECT_GE(value(text, "regledger_txs_accepted_total"), 1);
  EXPECT_GE(value(text, "regledger_txs_refused_total", {{"code", "duplicate_tx"}}), 1);
  EXPECT_GE(value(text, "regledger_api_requests_total", {{"route", "/v1/txs"}, {"status", "202"}}),
            1);
  EXPECT_GE(value(text, "regledger_api_requests_total", {{"route", "/metrics"}, {"status", "404"}}),
            1);
  // Raw ids never become labels: the tx lookups are counted under their template.
  EXPECT_GE(value(text, "regledger_api_requests_total", {{"route", "/v1/txs/{id}"}}), 1);
  EXPECT_EQ(text.find(*id), std::string::npos);
  EXPECT_GE(value(text, "regledger_logins_total"), 1);
  EXPECT_GT(value(text, "regledger_api_request_duration_seconds_count", {{"route", "/v1/txs"}}), 0);
  EXPECT_GT(value(text, "process_resident_memory_bytes"), 0);
  EXPECT_GT(value(text, "regledger_rocksdb_memtable_bytes", {{"store", "chain"}}), 0);
  EXPECT_GT(value(text, "regledger_filesystem_avail_bytes", {{"store", "chain"}}), 0);
  EXPECT_EQ(value(text, "regledger_node_info", {{"name", "node0"}}), 1);

  if (!have_promtool()) {
    GTEST_SKIP() << "promtool not found: install Debian's prometheus package "
                    "(scripts/install-deps.sh does) to check the text format";
  }
  auto [rc, out] = promtool_check_metrics(text, node.dir());
  EXPECT_EQ(rc, 0) << out << "\n----- scraped -----\n" << text;
  std::printf("promtool check metrics: exit %d%s%s\n", rc, out.empty() ? "" : ": ", out.c_str());
}

TEST(MetricsTest, PromtoolAcceptsTheShippedRulesAndScrapeConfig) {
  if (!have_promtool()) {
    GTEST_SKIP() << "promtool not found: install Debian's prometheus package";
  }
  const std::string docs = std::string(RL_SOURCE_DIR) + "/docs/prometheus/";
  for (const std::string& cmd : {"promtool check rules " + docs + "alerts.yml",
                                 "promtool check config " + docs + "prometheus.yml",
                                 "cd " + docs + " && promtool test rules alerts_test.yml"}) {
    auto [rc, out] = run_command(cmd);
    EXPECT_EQ(rc, 0) << cmd << "\n" << out;
    std::printf("%s: exit %d\n%s", cmd.c_str(), rc, out.c_str());
  }
}

TEST(MetricsTest, FourValidatorsCountersMoveAndCatchingUpFlips) {
  ClusterOptions o;
  o.metrics = true;
  o.name = "metrics-cluster";
  Cluster c(o);
  c.start_all();
  ASSERT_TRUE(c.wait_height({0, 1, 2, 3}, 2, seconds(30))) << c.all_logs_tail();
  for (std::size_t i = 0; i < c.size(); ++i) {
    EXPECT_NE(c.metrics_port(i), c.target(i).port);
    EXPECT_NE(c.metrics_port(i), c.p2p_port(i));
  }
  auto on_api = c.target(0).client().get("/metrics");
  ASSERT_TRUE(on_api.ok());
  EXPECT_EQ(on_api->status, 404);

  const std::string before = scrape(c.metrics_port(0));
  ASSERT_FALSE(before.empty()) << c.log_tail(0);
  const double h0 = value(before, "regledger_height");
  const double txs0 = value(before, "regledger_txs_committed_total");
  const double posts0 =
      metric_value(before, "regledger_api_requests_total", {{"route", "/v1/txs"}}).value_or(0);

  // Load: reports submitted to node 0, each waited for.
  auto reporter = enroll_reporter(c, 0);
  constexpr int kReports = 5;
  for (int i = 0; i < kReports; ++i) {
    auto r = submit_report(c, 0, reporter, "2026-M" + std::to_string(i + 1));
    ASSERT_TRUE(r.ok()) << r.error().to_string() << c.all_logs_tail();
  }
  const std::string after = scrape(c.metrics_port(0));
  ASSERT_FALSE(after.empty());
  EXPECT_GT(value(after, "regledger_height"), h0);
  EXPECT_GE(value(after, "regledger_txs_committed_total"), txs0 + kReports);
  EXPECT_GE(value(after, "regledger_api_requests_total", {{"route", "/v1/txs"}}),
            posts0 + kReports);
  EXPECT_EQ(value(after, "regledger_peers_connected"), 3);
  EXPECT_GT(value(after, "regledger_consensus_messages_received_total", {{"type", "prevote"}}), 0);
  EXPECT_GT(value(after, "regledger_consensus_messages_received_total", {{"type", "precommit"}}),
            0);
  EXPECT_GT(value(after, "regledger_height_duration_seconds_count"), 0);
  EXPECT_GT(value(after, "regledger_p2p_sent_bytes_total", {{"channel", "consensus"}}), 0);
  EXPECT_GE(value(after, "regledger_peer_height", {{"peer", "node1"}}), h0);
  EXPECT_EQ(value(after, "regledger_validator_signing"), 1);
  EXPECT_EQ(value(after, "regledger_catching_up"), 0);
  // Every node's text passes promtool, not only a single validator's.
  if (have_promtool()) {
    auto [rc, out] = promtool_check_metrics(after, c.dir());
    EXPECT_EQ(rc, 0) << out;
  }

  // Validator 3 stops; the other three commit a long stretch under load, so that its catch-up
  // takes long enough to be seen.
  EXPECT_EQ(c.stop(3), 0) << c.log_tail(3);
  const std::uint64_t stopped_at = c.height(0);
  std::atomic<bool> loading{true};
  std::atomic<int> submitted{0};
  std::thread load([&] {
    auto http = c.target(1).client(10000);
    for (int i = 0; loading; ++i) {
      auto tx = capital_adequacy_tx(reporter, c.genesis().chain_id, c.height(1),
                                    capital_adequacy_payload("x"), "2030-M" + std::to_string(i));
      if (!tx.ok()) continue;
      auto r = http.request("POST", "/v1/txs", to_string(*tx),
                            {{"content-type", "application/octet-stream"}});
      if (r.ok() && r->status == 202) ++submitted;
      std::this_thread::sleep_for(milliseconds(5));
    }
  });
  // A few thousand txs over ~100 heights: node 3 re-executes them all while it syncs, which
  // takes seconds, and it is scraped every ~10 ms.
  const auto load_deadline = std::chrono::steady_clock::now() + seconds(30);
  while (c.height(0) < stopped_at + 100 && std::chrono::steady_clock::now() < load_deadline) {
    std::this_thread::sleep_for(milliseconds(200));
  }
  loading = false;
  load.join();
  const std::uint64_t target = c.height(0);
  ASSERT_GT(target, stopped_at + 20) << "the three did not go on\n" << c.all_logs_tail();

  // Restart: scrape node 3 as fast as it answers until it has caught up.
  c.start(3);
  bool saw_catching_up = false;
  bool caught_up = false;
  int scrapes = 0;
  double synced = 0;
  const auto deadline = std::chrono::steady_clock::now() + seconds(90);
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string t = scrape(c.metrics_port(3));
    if (t.empty()) {  // not listening yet
      std::this_thread::sleep_for(milliseconds(10));
      continue;
    }
    ++scrapes;
    if (value(t, "regledger_catching_up") == 1) saw_catching_up = true;
    if (saw_catching_up && value(t, "regledger_catching_up") == 0 &&
        value(t, "regledger_height") >= static_cast<double>(target)) {
      caught_up = true;
      synced = value(t, "regledger_blocks_synced_total");
      break;
    }
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_TRUE(saw_catching_up) << "regledger_catching_up never read 1 in " << scrapes
                               << " scrapes\n"
                               << c.log_tail(3);
  EXPECT_TRUE(caught_up) << c.log_tail(3);
  EXPECT_GT(synced, 0);
  std::printf(
      "metrics: node0 height %.0f -> %.0f, committed txs %.0f -> %.0f; node3 stopped at %llu, "
      "the others went to %llu with %d txs submitted; node3 scraped %d times: catching_up 1 "
      "seen=%d, back to 0 at height >= %llu=%d, blocks synced %.0f\n",
      h0, value(after, "regledger_height"), txs0, value(after, "regledger_txs_committed_total"),
      static_cast<unsigned long long>(stopped_at), static_cast<unsigned long long>(target),
      submitted.load(), scrapes, saw_catching_up, static_cast<unsigned long long>(target),
      caught_up, synced);
}

}  // namespace
}  // namespace rl::testing
