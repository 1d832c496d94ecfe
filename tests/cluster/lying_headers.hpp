#pragma once
// A node that lies about validator-set handoffs: an HTTPS server with a member's genuine TLS
// identity that relays every request to an honest node, except that the validator_handoffs of
// GET /v1/headers/{h} are tampered with (the last handoff's first member gets another power).
// A client that follows handoffs from genesis must catch it.

#include <memory>
#include <mutex>
#include <string>

#include "client/http/https_client.hpp"
#include "node/http/https_server.hpp"

namespace rl::testing {

class LyingHeaders {
 public:
  // `identity_home` holds node.pem / node.key (a member's TLS identity for 127.0.0.1).
  LyingHeaders(int upstream_port, const std::string& ca_pem, const std::string& identity_home);
  ~LyingHeaders();
  LyingHeaders(const LyingHeaders&) = delete;
  LyingHeaders& operator=(const LyingHeaders&) = delete;

  std::string url() const;
  int tampered() const;  // header responses whose handoffs it changed

 private:
  http::HttpResponse handle(const http::HttpRequest& req);

  mutable std::mutex mu_;  // one HttpsClient is not thread-safe; guards tampered_ too
  std::unique_ptr<http::HttpsClient> upstream_;
  int tampered_ = 0;
  std::unique_ptr<http::HttpsServer> server_;
};

}  // namespace rl::testing
