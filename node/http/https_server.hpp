#pragma once
// A generic HTTPS/1.1 server: TLS 1.3, keep-alive, in-order pipelining, size limits and timeouts
// against hostile clients. Routing and JSON live in the caller's Handler; Beast and Asio stay
// behind the pimpl.
//
//   HttpsServerConfig cfg;
//   cfg.port = 8443;
//   cfg.identity = {cert_chain_pem, key_pem};
//   auto server = HttpsServer::start(cfg, [](HttpRequest&& req, Responder respond) {
//     respond(HttpResponse{200, "application/json", R"({"ok":true})", {}});
//   });
//   if (!server.ok()) ... server.error().code ...
//   (*server)->port();   // the bound port (useful with cfg.port = 0)
//   (*server)->stop();   // or just destroy it
//
// See shutdown_signal.hpp for stopping on SIGINT/SIGTERM.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "api/http_types.hpp"
#include "common/result.hpp"
#include "crypto/tls.hpp"

namespace rl::http {

struct HttpsServerConfig {
  std::string bind_address = "127.0.0.1";
  uint16_t port = 0;  // 0 = ephemeral; read the bound one from HttpsServer::port()
  crypto::TlsIdentity identity;
  std::string client_ca_pem;  // non-empty: mutual TLS, clients must chain to this CA

  size_t max_header_bytes = 8 * 1024;   // request line + headers -> 431 beyond
  size_t max_body_bytes = 1024 * 1024;  // -> 413 beyond
  size_t max_connections = 1024;        // beyond: accepted and closed at once

  std::chrono::milliseconds handshake_timeout{10'000};  // TCP accept -> TLS established
  std::chrono::milliseconds idle_timeout{60'000};       // between requests on a keep-alive conn
  // From the first byte of a request to its last: a client dribbling bytes (slowloris) is cut
  // off here no matter how regularly it sends.
  std::chrono::milliseconds read_timeout{10'000};
  std::chrono::milliseconds write_timeout{10'000};  // a response the client does not read

  int threads = 2;  // io threads
};

// Delivers the response for one request. Call it exactly once, from any thread, now or later;
// extra calls are ignored. If it is destroyed without being called the client gets a 500. If the
// client or the server has gone away meanwhile, the call is a no-op.
using Responder = std::function<void(HttpResponse)>;
// Called on an io thread for every well-formed request. Must not block: long work (e.g. waiting
// for a commit) keeps the Responder and answers later. Requests on one connection are handed
// over one at a time, in order; the next is read only after the previous response is written.
// An exception escaping the handler becomes a 500.
using Handler = std::function<void(HttpRequest&&, Responder)>;

class HttpsServer {
 public:
  // Binds, listens and starts the io threads. Errors: tls_* (see crypto/tls.hpp),
  // "http_invalid_config", "http_bind_failed".
  static Result<std::unique_ptr<HttpsServer>> start(HttpsServerConfig config, Handler handler);

  ~HttpsServer();  // stop()s
  HttpsServer(const HttpsServer&) = delete;
  HttpsServer& operator=(const HttpsServer&) = delete;

  uint16_t port() const;
  size_t connection_count() const;  // open connections, including ones still handshaking

  // Stops accepting, closes every connection without waiting for pending handlers, joins the io
  // threads. Idempotent. Must not be called from a Handler or an io thread (it joins them).
  void stop();

  struct Impl;
  // Only start() can make one (passkey, so that start() can use std::make_unique).
  class Key {
    friend class HttpsServer;
    Key() = default;
  };
  HttpsServer(Key, std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace rl::http
