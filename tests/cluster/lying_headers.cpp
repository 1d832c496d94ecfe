#include "tests/cluster/lying_headers.hpp"

#include <nlohmann/json.hpp>

#include "common/file_io.hpp"
#include "node/http/json_error.hpp"
#include "tests/support/must.hpp"

namespace rl::testing {

LyingHeaders::LyingHeaders(int upstream_port, const std::string& ca_pem,
                           const std::string& identity_home) {
  http::HttpsClientConfig up;
  up.host = "127.0.0.1";
  up.port = static_cast<std::uint16_t>(upstream_port);
  up.ca_pem = ca_pem;
  up.timeout_ms = 5000;
  upstream_ = std::make_unique<http::HttpsClient>(up);
  http::HttpsServerConfig cfg;
  cfg.identity = {must(read_file(identity_home + "/node.pem"), "liar cert"),
                  must(read_file(identity_home + "/node.key"), "liar key")};
  server_ = must(
      http::HttpsServer::start(
          cfg, [this](http::HttpRequest&& req, http::Responder respond) { respond(handle(req)); }),
      "start lying node");
}

LyingHeaders::~LyingHeaders() {
  server_->stop();
}

std::string LyingHeaders::url() const {
  return "https://127.0.0.1:" + std::to_string(server_->port());
}

int LyingHeaders::tampered() const {
  std::lock_guard lock(mu_);
  return tampered_;
}

http::HttpResponse LyingHeaders::handle(const http::HttpRequest& req) {
  std::lock_guard lock(mu_);
  auto r = upstream_->request(req.method, req.target, req.body, {});
  if (!r.ok()) {
    // The proxy's own failure, not an answer of the node's API: a gateway status of its own.
    auto failed = http::json_error(make_error("upstream", r.error().to_string()));
    failed.status = 502;
    return failed;
  }
  http::HttpResponse out;
  out.status = r->status;
  out.body = r->body;
  if (r->status == 200 && req.path.rfind("/v1/headers/", 0) == 0) {
    auto j = nlohmann::json::parse(out.body, nullptr, false);
    if (!j.is_discarded() && j.contains("validator_handoffs") && !j["validator_handoffs"].empty()) {
      auto& members = j["validator_handoffs"].back()["validators"];
      members[0]["power"] = members[0]["power"].get<std::uint64_t>() + 1;
      out.body = j.dump();
      ++tampered_;
    }
  }
  return out;
}

}  // namespace rl::testing
