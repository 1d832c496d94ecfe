#pragma once
// Synchronous HTTPS/1.1 client over one persistent TLS 1.3 keep-alive connection.
//
//   HttpsClientConfig cfg{.host = "127.0.0.1", .port = 8443, .ca_pem = ca};
//   HttpsClient client(cfg);
//   auto res = client.request("POST", "/v1/tx", body);
//   if (!res.ok()) ... res.error().code  // connect_failed, tls_handshake_failed, timeout, ...
//   else ... res->status, res->body      // any HTTP status, 4xx/5xx included, is a success here
//
// Not thread-safe: one instance per thread (construction is cheap; the connection is opened on
// the first request). The server certificate must chain to `ca_pem` and name `host` in its
// subjectAltName (IP SAN for an IP address, DNS SAN otherwise).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/http_types.hpp"
#include "common/result.hpp"
#include "crypto/tls.hpp"

namespace rl::http {

struct HttpsClientConfig {
  std::string host;  // DNS name or IP address (no brackets), see parse_https_url
  uint16_t port = 443;
  std::string ca_pem;                           // trust anchor(s) for the server certificate
  std::optional<crypto::TlsIdentity> identity;  // client certificate for mutual TLS
  // Budget for one request(): connecting, handshaking, sending and receiving all together.
  int timeout_ms = 10'000;
  size_t max_response_body_bytes = 64 * 1024 * 1024;
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

class HttpsClient {
 public:
  explicit HttpsClient(HttpsClientConfig config);
  ~HttpsClient();
  HttpsClient(HttpsClient&&) noexcept;
  HttpsClient& operator=(HttpsClient&&) noexcept;

  // Sends one request and waits for its response. Connects (or reconnects) as needed. When a
  // reused keep-alive connection turns out to have been closed by the server before any response
  // byte arrived, the request is sent once more on a fresh connection — so a non-idempotent
  // request can in rare crash cases reach the server twice; RegLedger submissions are idempotent
  // by transaction id.
  // Errors: "invalid_argument", TLS configuration errors ("tls_bad_ca", ...), "connect_failed",
  // "tls_handshake_failed", "timeout", "http_error". After an error the connection is dropped.
  Result<HttpResponse> request(std::string_view method, std::string_view target,
                               std::string_view body = {}, const HeaderList& headers = {});

  Result<HttpResponse> get(std::string_view target) { return request("GET", target); }
  Result<HttpResponse> post(std::string_view target, std::string_view body) {
    return request("POST", target, body);
  }

  bool connected() const;
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rl::http
