// Functional behaviour of HttpsServer + HttpsClient over real TLS on 127.0.0.1.

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "node/http/https_server.hpp"
#include "node/http/json_error.hpp"
#include "tests/node/test_support.hpp"

namespace rl::http {
namespace {

using namespace std::chrono_literals;
using test::client_config;
using test::pki;
using test::server_config;

// Echoes what it saw as JSON, so tests can check the server's parsing.
void echo_handler(HttpRequest&& req, Responder respond) {
  nlohmann::json j = {{"method", req.method}, {"path", req.path},       {"target", req.target},
                      {"query", req.query},   {"headers", req.headers}, {"body", req.body},
                      {"remote", req.remote}};
  respond(HttpResponse{200, "application/json", j.dump(), {{"X-Echo", "1"}}});
}

std::unique_ptr<HttpsServer> start(HttpsServerConfig cfg, Handler h = echo_handler) {
  auto server = HttpsServer::start(std::move(cfg), std::move(h));
  if (!server.ok()) ADD_FAILURE() << server.error().to_string();
  return server.ok() ? std::move(server).value() : nullptr;
}

nlohmann::json body_json(const Result<HttpResponse>& res) {
  if (!res.ok()) return nlohmann::json{{"transport_error", res.error().to_string()}};
  return nlohmann::json::parse(res->body, nullptr, false);
}

std::string header(const HttpResponse& res, const std::string& name) {
  for (const auto& [k, v] : res.headers) {
    if (k == name) return v;
  }
  return {};
}

TEST(HttpsServer, GetAndPostRoundTrip) {
  auto server = start(server_config());
  ASSERT_TRUE(server);
  EXPECT_NE(server->port(), 0);
  HttpsClient client(client_config(server->port()));

  auto get = client.request("GET", "/v1/status?x=1%202&y=a+b&flag", "", {{"X-Custom", "Value"}});
  ASSERT_TRUE(get.ok()) << get.error().to_string();
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(get->content_type, "application/json");
  EXPECT_EQ(header(*get, "x-echo"), "1");
  auto j = body_json(get);
  EXPECT_EQ(j["method"], "GET");
  EXPECT_EQ(j["path"], "/v1/status");
  EXPECT_EQ(j["target"], "/v1/status?x=1%202&y=a+b&flag");
  EXPECT_EQ(j["query"]["x"], "1 2");
  EXPECT_EQ(j["query"]["y"], "a b");
  EXPECT_EQ(j["query"]["flag"], "");
  EXPECT_EQ(j["headers"]["x-custom"], "Value");
  EXPECT_EQ(j["headers"]["host"], "127.0.0.1:" + std::to_string(server->port()));
  EXPECT_EQ(j["remote"].get<std::string>().rfind("127.0.0.1:", 0), 0u);

  auto post = client.request("POST", "/v1/tx", R"({"a":1})");
  ASSERT_TRUE(post.ok()) << post.error().to_string();
  EXPECT_EQ(body_json(post)["body"], R"({"a":1})");
  EXPECT_EQ(body_json(post)["headers"]["content-type"], "application/json");
}

TEST(HttpsServer, KeepAliveServesManyRequestsOnOneConnection) {
  auto server = start(server_config());
  ASSERT_TRUE(server);
  HttpsClient client(client_config(server->port()));
  std::set<std::string> remotes;
  for (int i = 0; i < 200; ++i) {
    auto res = client.request("POST", "/n", std::to_string(i));
    ASSERT_TRUE(res.ok()) << res.error().to_string();
    auto j = body_json(res);
    ASSERT_EQ(j["body"], std::to_string(i));
    remotes.insert(j["remote"].get<std::string>());
  }
  EXPECT_EQ(remotes.size(), 1u) << "every request should reuse the same TCP connection";
  EXPECT_EQ(server->connection_count(), 1u);
}

TEST(HttpsServer, PipelinedRequestsAreAnsweredInOrder) {
  auto server = start(server_config(), [](HttpRequest&& req, Responder respond) {
    respond(HttpResponse{200, "text/plain", "resp-" + req.path.substr(1), {}});
  });
  ASSERT_TRUE(server);
  test::Probe probe(server->port());
  ASSERT_EQ(probe.handshake({pki().ca_pem}), "");
  ASSERT_TRUE(
      probe.send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\n"
                 "POST /2 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                 "GET /3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  auto read = probe.read_until_closed(5s);
  EXPECT_TRUE(read.closed);
  size_t a = read.data.find("resp-1");
  size_t b = read.data.find("resp-2");
  size_t c = read.data.find("resp-3");
  ASSERT_NE(a, std::string::npos) << read.data;
  ASSERT_NE(b, std::string::npos) << read.data;
  ASSERT_NE(c, std::string::npos) << read.data;
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
}

TEST(HttpsServer, ConcurrentClientsFromSeveralThreads) {
  auto cfg = server_config();
  cfg.threads = 3;
  auto server = start(cfg);
  ASSERT_TRUE(server);
  constexpr int kThreads = 6;
  constexpr int kRequests = 100;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      HttpsClient client(client_config(server->port()));
      for (int i = 0; i < kRequests; ++i) {
        std::string body = std::to_string(t) + "/" + std::to_string(i);
        auto res = client.request("POST", "/c", body);
        if (res.ok() && body_json(res)["body"] == body) ok.fetch_add(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), kThreads * kRequests);
}

// A worker that answers requests later from its own thread, like a long-poll on a commit.
class DeferredWorker {
 public:
  DeferredWorker() : thread_([this] { run(); }) {}
  ~DeferredWorker() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  void push(HttpRequest req, Responder r) {
    {
      std::lock_guard lock(mu_);
      queue_.emplace_back(std::move(req), std::move(r));
    }
    cv_.notify_all();
  }

 private:
  void run() {
    std::unique_lock lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] { return done_ || !queue_.empty(); });
      if (queue_.empty()) return;
      auto [req, respond] = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      std::this_thread::sleep_for(20ms);
      respond(HttpResponse{200, "text/plain", "later:" + req.body, {}});
      lock.lock();
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<HttpRequest, Responder>> queue_;
  bool done_ = false;
  std::thread thread_;
};

TEST(HttpsServer, DeferredResponderCalledFromAnotherThread) {
  DeferredWorker worker;
  auto server = start(server_config(), [&](HttpRequest&& req, Responder respond) {
    worker.push(std::move(req), std::move(respond));
  });
  ASSERT_TRUE(server);
  HttpsClient client(client_config(server->port()));
  for (int i = 0; i < 5; ++i) {
    auto res = client.request("POST", "/wait", "x" + std::to_string(i));
    ASSERT_TRUE(res.ok()) << res.error().to_string();
    EXPECT_EQ(res->body, "later:x" + std::to_string(i));
  }
}

TEST(HttpsServer, DeferredResponseAfterClientLeftIsHarmless) {
  std::mutex mu;
  std::vector<Responder> parked;
  auto server = start(server_config(), [&](HttpRequest&&, Responder respond) {
    std::lock_guard lock(mu);
    parked.push_back(std::move(respond));
  });
  ASSERT_TRUE(server);
  {
    auto cfg = client_config(server->port());
    cfg.timeout_ms = 200;
    HttpsClient client(cfg);
    auto res = client.request("GET", "/never");
    ASSERT_FALSE(res.ok());
    EXPECT_EQ(res.error().code, "timeout");
  }  // client gone
  std::this_thread::sleep_for(50ms);
  {
    std::lock_guard lock(mu);
    ASSERT_EQ(parked.size(), 1u);
    parked[0](HttpResponse{200, "text/plain", "too late", {}});
    parked[0](HttpResponse{200, "text/plain", "twice", {}});  // ignored
  }
  EXPECT_TRUE(test::wait_until([&] { return server->connection_count() == 0; }));
  // The server is unaffected.
  std::lock_guard lock(mu);
  parked.clear();
}

TEST(HttpsServer, HandlerExceptionsAndDroppedRespondersBecome500) {
  auto server = start(server_config(), [](HttpRequest&& req, Responder respond) {
    if (req.path == "/throw") throw std::runtime_error("boom");
    if (req.path == "/drop") return;  // responder destroyed unanswered
    if (req.path == "/bad-status") return respond(HttpResponse{42, "", "", {}});
    respond(HttpResponse{200, "text/plain", "ok", {}});
  });
  ASSERT_TRUE(server);
  HttpsClient client(client_config(server->port()));
  for (const char* path : {"/throw", "/drop", "/bad-status"}) {
    auto res = client.request("GET", path);
    ASSERT_TRUE(res.ok()) << res.error().to_string();
    EXPECT_EQ(res->status, 500) << path;
    EXPECT_EQ(body_json(res)["error"]["code"], "internal_error") << path;
  }
  auto res = client.request("GET", "/fine");
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->body, "ok");
}

TEST(HttpsServer, ResponseHeadersAreSanitizedAndHeadHasNoBody) {
  auto server = start(server_config(), [](HttpRequest&&, Responder respond) {
    respond(HttpResponse{200,
                         "text/plain",
                         "hello",
                         {{"X-Good", "yes"},
                          {"X-Evil", "a\r\nSet-Cookie: pwned=1"},
                          {"Bad Name", "v"},
                          {"Content-Length", "999"}}});
  });
  ASSERT_TRUE(server);
  HttpsClient client(client_config(server->port()));
  auto res = client.request("GET", "/");
  ASSERT_TRUE(res.ok()) << res.error().to_string();
  EXPECT_EQ(res->body, "hello");
  EXPECT_EQ(header(*res, "x-good"), "yes");
  EXPECT_EQ(header(*res, "x-evil"), "");
  EXPECT_EQ(header(*res, "set-cookie"), "");
  EXPECT_EQ(header(*res, "content-length"), "5");

  auto head = client.request("HEAD", "/");
  ASSERT_TRUE(head.ok()) << head.error().to_string();
  EXPECT_EQ(head->body, "");
  EXPECT_EQ(header(*head, "content-length"), "5");
  // The connection is still in sync after HEAD.
  auto again = client.request("GET", "/");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->body, "hello");
}

TEST(HttpsServer, InvalidQueryIsRejectedWithJson400) {
  auto server = start(server_config());
  ASSERT_TRUE(server);
  HttpsClient client(client_config(server->port()));
  for (const char* target : {"/x?a=%zz", "/x?a=1&a=2", "/x?=v", "/x?a=%00"}) {
    auto res = client.request("GET", target);
    ASSERT_TRUE(res.ok()) << res.error().to_string();
    EXPECT_EQ(res->status, 400) << target;
    EXPECT_EQ(body_json(res)["error"]["code"], "invalid_query") << target;
  }
}

TEST(HttpsServer, ClientReconnectsAfterServerClosedIdleConnection) {
  auto cfg = server_config();
  cfg.idle_timeout = 200ms;
  auto server = start(cfg);
  ASSERT_TRUE(server);
  HttpsClient client(client_config(server->port()));
  ASSERT_TRUE(client.request("GET", "/1").ok());
  ASSERT_TRUE(test::wait_until([&] { return server->connection_count() == 0; }));
  auto res = client.request("POST", "/2", "again");
  ASSERT_TRUE(res.ok()) << res.error().to_string();
  EXPECT_EQ(body_json(res)["body"], "again");
}

TEST(HttpsServer, ConnectionCloseIsHonoured) {
  auto server = start(server_config());
  ASSERT_TRUE(server);
  HttpsClient client(client_config(server->port()));
  auto res = client.request("GET", "/", "", {{"Connection", "close"}});
  ASSERT_TRUE(res.ok()) << res.error().to_string();
  EXPECT_FALSE(client.connected());
  EXPECT_TRUE(test::wait_until([&] { return server->connection_count() == 0; }));
}

TEST(HttpsServer, StopWithOpenConnectionsReturnsPromptly) {
  std::mutex mu;
  std::vector<Responder> parked;
  auto server = start(server_config(), [&](HttpRequest&& req, Responder respond) {
    if (req.path == "/park") {
      std::lock_guard lock(mu);
      parked.push_back(std::move(respond));
      return;
    }
    respond(HttpResponse{200, "text/plain", "ok", {}});
  });
  ASSERT_TRUE(server);
  std::vector<std::unique_ptr<HttpsClient>> idle;
  for (int i = 0; i < 3; ++i) {
    idle.push_back(std::make_unique<HttpsClient>(client_config(server->port())));
    ASSERT_TRUE(idle.back()->request("GET", "/").ok());
  }
  std::thread waiter([&] {
    HttpsClient client(client_config(server->port()));
    auto res = client.request("GET", "/park");
    EXPECT_FALSE(res.ok());  // the server went away before answering
  });
  ASSERT_TRUE(test::wait_until([&] {
    std::lock_guard lock(mu);
    return parked.size() == 1;
  }));
  test::Probe half_open(server->port());  // mid-handshake
  ASSERT_TRUE(half_open.tcp_connected());

  auto t0 = std::chrono::steady_clock::now();
  server->stop();
  auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(took, 1s);
  server->stop();  // idempotent
  waiter.join();
  // A responder called after stop, and one outliving the server, are no-ops.
  std::lock_guard lock(mu);
  parked[0](HttpResponse{200, "text/plain", "late", {}});
  server.reset();
  parked.clear();
}

TEST(HttpsServer, StartErrorsAreReported) {
  auto cfg = server_config();
  cfg.identity.cert_chain_pem = "not a certificate";
  auto bad_cert = HttpsServer::start(cfg, echo_handler);
  ASSERT_FALSE(bad_cert.ok());
  EXPECT_EQ(bad_cert.error().code, "tls_bad_certificate");

  cfg = server_config();
  cfg.bind_address = "not-an-ip";
  auto bad_addr = HttpsServer::start(cfg, echo_handler);
  ASSERT_FALSE(bad_addr.ok());
  EXPECT_EQ(bad_addr.error().code, "http_invalid_config");

  cfg = server_config();
  cfg.threads = 0;
  EXPECT_EQ(HttpsServer::start(cfg, echo_handler).error().code, "http_invalid_config");

  auto first = start(server_config());
  ASSERT_TRUE(first);
  cfg = server_config();
  cfg.port = first->port();
  auto in_use = HttpsServer::start(cfg, echo_handler);
  ASSERT_FALSE(in_use.ok());
  EXPECT_EQ(in_use.error().code, "http_bind_failed");
}

TEST(HttpsClient, ReportsConnectFailureAndBadArguments) {
  uint16_t dead_port;
  {
    auto s = start(server_config());
    ASSERT_TRUE(s);
    dead_port = s->port();
  }
  HttpsClient client(client_config(dead_port));
  auto res = client.request("GET", "/");
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, "connect_failed");

  EXPECT_EQ(client.request("GET", "no-slash").error().code, "invalid_argument");
  EXPECT_EQ(client.request("G ET", "/").error().code, "invalid_argument");
  EXPECT_EQ(client.request("GET", "/", "", {{"X", "a\r\nb"}}).error().code, "invalid_argument");

  auto cfg = client_config(dead_port);
  cfg.ca_pem = "garbage";
  HttpsClient bad_ca(cfg);
  EXPECT_EQ(bad_ca.request("GET", "/").error().code, "tls_bad_ca");
}

TEST(JsonError, HasTheApiShape) {
  auto res = json_error(api::ApiError::kNotFound, "no such \"thing\"");
  EXPECT_EQ(res.status, 404);
  auto j = nlohmann::json::parse(res.body);
  EXPECT_EQ(j["error"]["code"], "not_found");
  EXPECT_EQ(j["error"]["message"], "no such \"thing\"");
}

TEST(JsonError, AnErrorFromBelowTakesItsCodesStatusAndAnUnknownCodeIsA400ThatKeepsItsCode) {
  // A code of the table reached as a string (e.g. from the identity layer): the table's status.
  auto known = json_error(make_error("nonce_replayed", "seen"));
  EXPECT_EQ(known.status, 409);
  EXPECT_EQ(nlohmann::json::parse(known.body)["error"]["code"], "nonce_replayed");
  // A code the table does not list (a transaction admission rule): 400, its code on the wire.
  auto unknown = json_error(make_error("tx_expired", "too old"));
  EXPECT_EQ(unknown.status, 400);
  auto j = nlohmann::json::parse(unknown.body);
  EXPECT_EQ(j["error"]["code"], "tx_expired");
  EXPECT_EQ(j["error"]["message"], "too old");
}

}  // namespace
}  // namespace rl::http
