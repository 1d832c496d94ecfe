// What a hostile or broken peer can do to the HTTPS server: limits, timeouts, garbage, old TLS.

#include <gtest/gtest.h>

#include <random>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "node/http/https_server.hpp"
#include "tests/node/test_support.hpp"

namespace rl::http {
namespace {

using namespace std::chrono_literals;
using test::client_config;
using test::pki;
using test::Probe;
using test::server_config;

void ok_handler(HttpRequest&& req, Responder respond) {
  respond(HttpResponse{200, "text/plain", "ok:" + std::to_string(req.body.size()), {}});
}

std::unique_ptr<HttpsServer> start(HttpsServerConfig cfg, Handler h = ok_handler) {
  auto server = HttpsServer::start(std::move(cfg), std::move(h));
  if (!server.ok()) ADD_FAILURE() << server.error().to_string();
  return server.ok() ? std::move(server).value() : nullptr;
}

// The server still answers a well-behaved client.
void expect_serving(const HttpsServer& server) {
  HttpsClient client(client_config(server.port()));
  auto res = client.request("GET", "/");
  ASSERT_TRUE(res.ok()) << res.error().to_string();
  EXPECT_EQ(res->status, 200);
}

std::string error_code_of(const std::string& raw_response) {
  size_t body = raw_response.find("\r\n\r\n");
  if (body == std::string::npos) return {};
  auto j = nlohmann::json::parse(raw_response.substr(body + 4), nullptr, false);
  if (j.is_discarded() || !j.contains("error")) return {};
  return j["error"]["code"];
}

TEST(HttpsHostile, BodyOverLimitGets413AndConnectionRecovers) {
  auto cfg = server_config();
  cfg.max_body_bytes = 64 * 1024;
  auto server = start(cfg);
  ASSERT_TRUE(server);
  HttpsClient client(client_config(server->port()));
  // The client sends the whole body; the server answers early and drains the rest, so the
  // client still reads the 413 instead of a connection reset.
  auto res = client.request("POST", "/big", std::string(300 * 1024, 'x'));
  ASSERT_TRUE(res.ok()) << res.error().to_string();
  EXPECT_EQ(res->status, 413);
  auto j = nlohmann::json::parse(res->body);
  EXPECT_EQ(j["error"]["code"], "body_too_large");
  EXPECT_FALSE(client.connected()) << "the server closes after a 413";
  // At the limit is fine, and the same client reconnects transparently.
  auto at_limit = client.request("POST", "/ok", std::string(64 * 1024, 'y'));
  ASSERT_TRUE(at_limit.ok()) << at_limit.error().to_string();
  EXPECT_EQ(at_limit->body, "ok:65536");
}

TEST(HttpsHostile, DeclaredContentLengthOverLimitIsRejectedBeforeTheBody) {
  auto cfg = server_config();
  cfg.max_body_bytes = 1024;
  auto server = start(cfg);
  ASSERT_TRUE(server);
  Probe probe(server->port());
  ASSERT_EQ(probe.handshake({pki().ca_pem}), "");
  ASSERT_TRUE(probe.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\nabc"));
  auto read = probe.read_until_closed(5s);
  EXPECT_EQ(read.data.rfind("HTTP/1.1 413", 0), 0u) << read.data;
  EXPECT_EQ(error_code_of(read.data), "body_too_large");
  EXPECT_NE(read.data.find("Connection: close"), std::string::npos);
  EXPECT_TRUE(read.closed);
}

TEST(HttpsHostile, ChunkedBodyOverLimitIsRejected) {
  auto cfg = server_config();
  cfg.max_body_bytes = 1024;
  auto server = start(cfg);
  ASSERT_TRUE(server);
  Probe probe(server->port());
  ASSERT_EQ(probe.handshake({pki().ca_pem}), "");
  std::string req = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 4; ++i) req += "200\r\n" + std::string(512, 'z') + "\r\n";
  req += "0\r\n\r\n";
  ASSERT_TRUE(probe.send(req));
  auto read = probe.read_until_closed(5s);
  EXPECT_EQ(read.data.rfind("HTTP/1.1 413", 0), 0u) << read.data;
  EXPECT_EQ(error_code_of(read.data), "body_too_large");
}

TEST(HttpsHostile, HeaderOverLimitGets431) {
  auto server = start(server_config());
  ASSERT_TRUE(server);
  HttpsClient client(client_config(server->port()));
  auto res = client.request("GET", "/", "", {{"X-Big", std::string(10 * 1024, 'h')}});
  ASSERT_TRUE(res.ok()) << res.error().to_string();
  EXPECT_EQ(res->status, 431);
  EXPECT_EQ(nlohmann::json::parse(res->body)["error"]["code"], "header_too_large");
  expect_serving(*server);
}

TEST(HttpsHostile, MalformedHttpGets400ThenClose) {
  auto server = start(server_config());
  ASSERT_TRUE(server);
  for (std::string bad :
       {"NOT HTTP AT ALL\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "GET / HTTP/1.1\r\nBad Header\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
        "GET http://evil.example/ HTTP/1.1\r\nHost: x\r\n\r\n"}) {
    Probe probe(server->port());
    ASSERT_EQ(probe.handshake({pki().ca_pem}), "");
    ASSERT_TRUE(probe.send(bad));
    auto read = probe.read_until_closed(5s);
    EXPECT_EQ(read.data.rfind("HTTP/1.1 400", 0), 0u) << bad << " -> " << read.data;
    EXPECT_FALSE(error_code_of(read.data).empty()) << read.data;
    EXPECT_TRUE(read.closed) << bad;
  }
  expect_serving(*server);
}

TEST(HttpsHostile, GarbageInsteadOfTlsHandshakeIsDropped) {
  auto server = start(server_config());
  ASSERT_TRUE(server);
  std::mt19937 rng(42);
  for (int round = 0; round < 5; ++round) {
    Probe probe(server->port());
    ASSERT_TRUE(probe.tcp_connected());
    std::string garbage(4096, '\0');
    for (auto& c : garbage) c = static_cast<char>(rng());
    if (round == 0) garbage[0] = 0x16;  // looks like a TLS handshake record, then nonsense
    probe.send_raw(garbage);
    auto read = probe.read_until_closed(3s);
    EXPECT_TRUE(read.closed) << "round " << round;
    EXPECT_LT(read.elapsed, 2500ms);
  }
  expect_serving(*server);
  EXPECT_TRUE(test::wait_until([&] { return server->connection_count() == 0; }));
}

TEST(HttpsHostile, PlaintextHttpToTlsPortIsClosed) {
  auto server = start(server_config());
  ASSERT_TRUE(server);
  Probe probe(server->port());
  ASSERT_TRUE(probe.send_raw("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  auto read = probe.read_until_closed(3s);
  EXPECT_TRUE(read.closed);
  EXPECT_EQ(read.data.find("HTTP/1."), std::string::npos) << "no plaintext HTTP answer";
  expect_serving(*server);
}

TEST(HttpsHostile, Tls12OnlyClientIsRefused) {
  auto server = start(server_config());
  ASSERT_TRUE(server);
  Probe probe(server->port());
  Probe::HandshakeOptions opts;
  opts.tls12_only = true;
  std::string err = probe.handshake(opts);
  EXPECT_FALSE(err.empty()) << "TLS 1.2 handshake must fail";
  expect_serving(*server);
}

TEST(HttpsHostile, SlowlorisIsDisconnectedAfterReadTimeout) {
  auto cfg = server_config();
  cfg.read_timeout = 400ms;
  cfg.idle_timeout = 10s;
  auto server = start(cfg);
  ASSERT_TRUE(server);

  // Half a request, then silence.
  Probe stalled(server->port());
  ASSERT_EQ(stalled.handshake({pki().ca_pem}), "");
  ASSERT_TRUE(stalled.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc"));
  auto read = stalled.read_until_closed(5s);
  EXPECT_TRUE(read.closed);
  EXPECT_GE(read.elapsed, 300ms);
  EXPECT_LT(read.elapsed, 2s) << "closed by read_timeout, not idle_timeout";

  // A byte every 100 ms never completes a header: the deadline is per request, not per read.
  Probe dribbler(server->port());
  ASSERT_EQ(dribbler.handshake({pki().ca_pem}), "");
  std::string header = "GET / HTTP/1.1\r\nX-Slow: ";
  auto t0 = std::chrono::steady_clock::now();
  bool cut_off = false;
  for (int i = 0; i < 40 && !cut_off; ++i) {
    cut_off = !dribbler.send(i == 0 ? header : "a");
    auto r = dribbler.read_until_closed(100ms);
    cut_off = cut_off || r.closed;
  }
  EXPECT_TRUE(cut_off);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  expect_serving(*server);
}

TEST(HttpsHostile, HandshakeAndIdleTimeoutsCloseSilentConnections) {
  auto cfg = server_config();
  cfg.handshake_timeout = 300ms;
  cfg.idle_timeout = 300ms;
  auto server = start(cfg);
  ASSERT_TRUE(server);
  Probe silent_tcp(server->port());
  ASSERT_TRUE(silent_tcp.tcp_connected());
  auto r1 = silent_tcp.read_until_closed(3s);
  EXPECT_TRUE(r1.closed);
  EXPECT_LT(r1.elapsed, 2s);

  Probe silent_tls(server->port());
  ASSERT_EQ(silent_tls.handshake({pki().ca_pem}), "");
  auto r2 = silent_tls.read_until_closed(3s);
  EXPECT_TRUE(r2.closed);
  EXPECT_LT(r2.elapsed, 2s);
}

TEST(HttpsHostile, MaxConnectionsIsEnforced) {
  auto cfg = server_config();
  cfg.max_connections = 2;
  auto server = start(cfg);
  ASSERT_TRUE(server);
  auto a = std::make_unique<HttpsClient>(client_config(server->port()));
  HttpsClient b(client_config(server->port()));
  ASSERT_TRUE(a->request("GET", "/").ok());
  ASSERT_TRUE(b.request("GET", "/").ok());
  EXPECT_EQ(server->connection_count(), 2u);

  HttpsClient c(client_config(server->port()));
  auto refused = c.request("GET", "/");
  EXPECT_FALSE(refused.ok());
  EXPECT_EQ(server->connection_count(), 2u);

  a.reset();  // frees a slot
  ASSERT_TRUE(test::wait_until([&] { return server->connection_count() == 1; }));
  auto accepted = c.request("GET", "/");
  EXPECT_TRUE(accepted.ok()) << accepted.error().to_string();
  EXPECT_TRUE(b.request("GET", "/").ok());
}

TEST(HttpsHostile, ClientTimesOutOnAServerThatNeverAnswers) {
  std::vector<Responder> parked;
  std::mutex mu;
  auto server = start(server_config(), [&](HttpRequest&&, Responder r) {
    std::lock_guard lock(mu);
    parked.push_back(std::move(r));
  });
  ASSERT_TRUE(server);
  auto cfg = client_config(server->port());
  cfg.timeout_ms = 300;
  HttpsClient client(cfg);
  auto t0 = std::chrono::steady_clock::now();
  auto res = client.request("GET", "/");
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, "timeout");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  server->stop();
}

}  // namespace
}  // namespace rl::http
