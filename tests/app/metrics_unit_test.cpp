// The counting behind /metrics (node/app/metrics/): route templates keep labels bounded, the
// histograms bucket like Prometheus ("less than or equal"), unknown statuses and codes fall into
// "other", login failures name their factor, and config.json "metrics" is parsed strictly.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <thread>
#include <vector>

#include "api/routes.hpp"
#include "common/file_io.hpp"
#include "config/node_config.hpp"
#include "node/app/identity/auth_stats.hpp"
#include "node/app/metrics/api_routes.hpp"
#include "node/app/metrics/histogram.hpp"
#include "node/app/metrics/request_stats.hpp"
#include "tests/app/config_home.hpp"

namespace rl::testing {
namespace {

using node::metrics::api_route_template;

TEST(MetricsRoutesTest, PathsMapToTheirTemplates) {
  EXPECT_EQ(api_route_template("/healthz"), "/healthz");
  EXPECT_EQ(api_route_template("/v1/txs"), "/v1/txs");
  EXPECT_EQ(api_route_template("/v1/txs/batch"), "/v1/txs/batch");
  EXPECT_EQ(api_route_template("/v1/txs/00ff"), "/v1/txs/{id}");
  EXPECT_EQ(api_route_template("/v1/reports"), "/v1/reports");
  EXPECT_EQ(api_route_template("/v1/reports/r-1"), "/v1/reports/{id}");
  EXPECT_EQ(api_route_template("/v1/reports/r-1/versions"), "/v1/reports/{id}/versions");
  EXPECT_EQ(api_route_template("/v1/reports/r-1/chunks"), "/v1/reports/{id}/chunks");
  EXPECT_EQ(api_route_template("/v1/reports/r-1/chunks/7"), "/v1/reports/{id}/chunks/{n}");
  EXPECT_EQ(api_route_template("/v1/blocks/12"), "/v1/blocks/{height}");
  EXPECT_EQ(api_route_template("/v1/sealed/search"), "/v1/sealed/search");
  EXPECT_EQ(api_route_template("/v1/sealed/abc"), "/v1/sealed/{id}");
  EXPECT_EQ(api_route_template("/v1/enroll/e1/approve"), "/v1/enroll/{id}/approve");
  EXPECT_EQ(api_route_template("/v1/third-party/reports/x"), "/v1/third-party/reports/{id}");
  EXPECT_EQ(api_route_template("/metrics"), "/metrics");
  EXPECT_EQ(api_route_template("/explorer"), "/explorer");
  EXPECT_EQ(api_route_template("/explorer/"), "/explorer/");
  EXPECT_EQ(api_route_template("/explorer/app.js"), "/explorer/{file}");
}

TEST(MetricsRoutesTest, TheLabelsAreTheRouteTablesTemplatesThenMetricsAndOther) {
  // No second list of routes: the labels are api/routes.hpp's templates, in its order.
  const auto labels = node::metrics::api_route_templates();
  ASSERT_EQ(labels.size(), api::routes().size() + 2);
  for (std::size_t i = 0; i < api::routes().size(); ++i) {
    EXPECT_EQ(labels[i], api::routes()[i].path) << i;
    EXPECT_EQ(node::metrics::api_route_index(api::routes()[i].path), i)
        << api::routes()[i].path << " (a template matches itself)";
  }
  EXPECT_EQ(labels[labels.size() - 2], "/metrics");
  EXPECT_EQ(labels.back(), "other");
}

TEST(MetricsRoutesTest, AnythingElseIsOther) {
  for (const char* p :
       {"", "/", "/v1", "/v1/txs/", "/v1/reports//versions", "/v1/blocks/1/2", "/etc/passwd",
        "/v1/reports/a/chunks/", "/v2/status", "healthz", "/explorer/a/b.js"}) {
    EXPECT_EQ(api_route_template(p), "other") << p;
  }
  // Whatever clients send, the label takes one of a fixed set of values.
  EXPECT_EQ(node::metrics::api_route_templates().size(), node::metrics::kApiRouteCount);
}

TEST(MetricsHistogramTest, BucketsAreLessThanOrEqual) {
  static constexpr std::array<double, 3> kBounds = {0.1, 1, 10};
  node::metrics::HistogramCounts h(kBounds);
  for (double v : {0.05, 0.1, 0.5, 1.0, 20.0}) h.observe(v);
  EXPECT_EQ(h.counts[0], 2u);  // 0.05 and 0.1
  EXPECT_EQ(h.counts[1], 2u);  // 0.5 and 1
  EXPECT_EQ(h.counts[2], 0u);
  EXPECT_EQ(h.counts[3], 1u);  // +Inf
  EXPECT_EQ(h.count(), 5u);
  EXPECT_DOUBLE_EQ(h.sum, 21.65);
}

TEST(MetricsHistogramTest, AtomicHistogramCountsFromManyThreads) {
  node::metrics::AtomicHistogram h;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&h] {
      for (int i = 0; i < 1000; ++i) h.observe(0.002);
    });
  }
  for (auto& t : threads) t.join();
  auto s = h.snapshot();
  EXPECT_EQ(s.count(), 4000u);
  EXPECT_NEAR(s.sum, 8.0, 1e-9);
  EXPECT_EQ(s.counts[node::metrics::bucket_index(s.bounds, 0.002)], 4000u);
}

TEST(MetricsRequestStatsTest, StatusesAndCodesOutsideTheListsAreOther) {
  node::metrics::ApiRequestStats r;
  r.observe("/v1/reports/abc", 200, 0.001);
  r.observe("/v1/reports/def", 200, 0.002);
  r.observe("/v1/reports/def", 299, 0.002);
  const auto route = node::metrics::api_route_index("/v1/reports/x");
  const auto statuses = node::metrics::ApiRequestStats::statuses();
  EXPECT_EQ(r.requests(route, 0), 2u);                // 200 is first
  EXPECT_EQ(r.requests(route, statuses.size()), 1u);  // 299: other
  EXPECT_EQ(r.latency(route).count(), 3u);

  node::metrics::TxRefusalStats t;
  t.count("mempool_full");
  t.count("nonce_replayed");
  t.count("some_template_rule");
  const auto codes = node::metrics::TxRefusalStats::codes();
  auto index = [&](std::string_view c) {
    return static_cast<std::size_t>(std::find(codes.begin(), codes.end(), c) - codes.begin());
  };
  EXPECT_EQ(t.refused(index("mempool_full")), 1u);
  EXPECT_EQ(t.refused(index("nonce_replayed")), 1u);
  EXPECT_EQ(t.refused(codes.size()), 1u);
}

TEST(MetricsAuthStatsTest, RefusalCodesNameTheFactor) {
  using node::identity::login_factor_for;
  using node::identity::LoginFactor;
  EXPECT_EQ(login_factor_for("bad_password"), LoginFactor::kPassword);
  EXPECT_EQ(login_factor_for("certificate_revoked"), LoginFactor::kCertificate);
  EXPECT_EQ(login_factor_for("bad_login_signature"), LoginFactor::kSignature);
  EXPECT_EQ(login_factor_for("challenge_expired"), LoginFactor::kChallenge);
  EXPECT_EQ(login_factor_for("account_locked"), LoginFactor::kAccount);
  EXPECT_EQ(login_factor_for("too_many_sessions"), LoginFactor::kOther);
  EXPECT_EQ(node::identity::login_factor_name(LoginFactor::kCertificate), "certificate");
}

class MetricsConfigTest : public ConfigHomeTest {};

TEST_F(MetricsConfigTest, OffByDefaultAndRoundTrips) {
  auto off = load("{}");
  ASSERT_TRUE(off.ok()) << off.error().to_string();
  EXPECT_TRUE(off->metrics_listen.empty());
  EXPECT_EQ(node::node_config_to_json(*off).find("metrics"), std::string::npos);

  node::NodeConfig c;
  c.metrics_listen = "127.0.0.1:9464";
  auto back = load(node::node_config_to_json(c));
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(back->metrics_listen, "127.0.0.1:9464");
  EXPECT_FALSE(back->metrics_allow_remote);
}

TEST_F(MetricsConfigTest, RefusesTyposBadAddressesRemoteAndSharedPorts) {
  auto expect_bad = [&](const std::string& text) {
    auto r = load(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.error().code, "bad_config") << text;
  };
  expect_bad(R"({"metrics": {"listne": "127.0.0.1:9464"}})");
  expect_bad(R"({"metrics": "127.0.0.1:9464"})");
  expect_bad(R"({"metrics": {"listen": "127.0.0.1"}})");
  expect_bad(R"({"metrics": {"listen": "127.0.0.1:99999"}})");
  expect_bad(R"({"metrics": {"listen": "::1:9464"}})");
  expect_bad(R"({"metrics": {"listen": "127.0.0.1:9464 "}})");
  // Unauthenticated text beyond this host only when asked for.
  expect_bad(R"({"metrics": {"listen": "0.0.0.0:9464"}})");
  auto remote = load(R"({"metrics": {"listen": "0.0.0.0:9464", "allow_remote": true}})");
  ASSERT_TRUE(remote.ok()) << remote.error().to_string();
  // Never the API port (whose /metrics is a 404) or the P2P port.
  expect_bad(R"({"api": {"port": 9464}, "metrics": {"listen": "127.0.0.1:9464"}})");
  expect_bad(R"({"p2p": {"port": 9464}, "metrics": {"listen": "127.0.0.1:9464"}})");
}

TEST(MetricsListenAddressTest, Parses) {
  auto v4 = node::parse_listen_address("127.0.0.1:0");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 0);
  EXPECT_TRUE(v4->loopback());
  auto v6 = node::parse_listen_address("[::1]:9464");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 9464);
  EXPECT_TRUE(v6->loopback());
  auto any = node::parse_listen_address("0.0.0.0:9464");
  ASSERT_TRUE(any.ok());
  EXPECT_FALSE(any->loopback());
  EXPECT_FALSE(node::parse_listen_address(":9464").ok());
  EXPECT_FALSE(node::parse_listen_address("[]:9464").ok());
  EXPECT_FALSE(node::parse_listen_address("host:").ok());
}

}  // namespace
}  // namespace rl::testing
