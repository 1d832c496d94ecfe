#include "client/lib/node_client.hpp"

#include <thread>

#include "client/http/https_url.hpp"

namespace rl::client {
namespace {

using nlohmann::json;

bool is_transport_error(const Error& e) {
  return e.code == "connect_failed" || e.code == "tls_handshake_failed" || e.code == "timeout" ||
         e.code == "http_error";
}

Result<json> to_json(const http::HttpResponse& r) {
  json j = json::parse(r.body, nullptr, false);
  if (r.status < 200 || r.status >= 300) {
    if (!j.is_discarded() && j.contains("error") && j["error"].is_object()) {
      return make_error(j["error"].value("code", "http_" + std::to_string(r.status)),
                        j["error"].value("message", std::string()));
    }
    return make_error("http_" + std::to_string(r.status), r.body.substr(0, 200));
  }
  if (j.is_discarded()) return make_error("bad_response", "node answered with invalid JSON");
  return j;
}

}  // namespace

Result<NodeClient> NodeClient::create(NodeClientConfig config) {
  if (config.urls.empty()) return make_error("no_nodes", "give at least one node URL (--node)");
  NodeClient c;
  for (const auto& u : config.urls) {
    RL_ASSIGN_OR_RETURN(auto url, http::parse_https_url(u));
    http::HttpsClientConfig hc;
    hc.host = url.host;
    hc.port = url.port;
    hc.ca_pem = config.ca_pem;
    hc.timeout_ms = config.timeout_ms;
    c.urls_.push_back(u);
    c.clients_.push_back(std::make_unique<http::HttpsClient>(hc));
  }
  return c;
}

Result<http::HttpResponse> NodeClient::request(const std::string& method, const std::string& target,
                                               const std::string& body,
                                               const std::string& content_type) {
  Error last = make_error("no_nodes", "no node answered");
  for (std::size_t attempt = 0; attempt < clients_.size(); ++attempt) {
    std::size_t i = (current_ + attempt) % clients_.size();
    auto r = clients_[i]->request(method, target, body, {{"content-type", content_type}});
    if (r.ok()) {
      current_ = i;
      return r;
    }
    last = make_error(r.error().code, urls_[i] + ": " + r.error().message);
    if (!is_transport_error(r.error())) return last;
  }
  return last;
}

Result<json> NodeClient::get_json(const std::string& target) {
  RL_ASSIGN_OR_RETURN(auto r, request("GET", target, ""));
  return to_json(r);
}

Result<json> NodeClient::post_json(const std::string& target, const json& body) {
  RL_ASSIGN_OR_RETURN(auto r, request("POST", target, body.dump()));
  return to_json(r);
}

Result<std::string> NodeClient::submit(ByteView tx) {
  RL_ASSIGN_OR_RETURN(auto r,
                      request("POST", "/v1/txs", to_string(tx), "application/octet-stream"));
  RL_ASSIGN_OR_RETURN(auto j, to_json(r));
  if (!j.contains("tx_id") || !j["tx_id"].is_string()) {
    return make_error("bad_response", "node did not return a tx_id");
  }
  return j["tx_id"].get<std::string>();
}

Result<json> NodeClient::wait_committed(const std::string& tx_id,
                                        std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto delay = std::chrono::milliseconds(20);
  while (true) {
    auto r = get_json("/v1/txs/" + tx_id);
    if (r.ok() && r->value("status", "") == "committed") return r;
    if (!r.ok() && r.error().code != "tx_not_found" && !is_transport_error(r.error())) {
      return r.error();
    }
    if (std::chrono::steady_clock::now() + delay > deadline) {
      return make_error("wait_timeout", "tx " + tx_id + " not committed within " +
                                            std::to_string(timeout.count()) + " ms");
    }
    std::this_thread::sleep_for(delay);
    delay = std::min(delay * 2, std::chrono::milliseconds(500));
  }
}

Result<std::string> NodeClient::receipt_text(const std::string& tx_id) {
  RL_ASSIGN_OR_RETURN(auto r, request("GET", "/v1/receipts/" + tx_id, ""));
  if (r.status != 200) {
    RL_ASSIGN_OR_RETURN(auto j, to_json(r));
    (void)j;
  }
  return r.body;
}

Result<ledger::Receipt> NodeClient::receipt(const std::string& tx_id) {
  RL_ASSIGN_OR_RETURN(auto text, receipt_text(tx_id));
  return ledger::receipt_from_json(text);
}

}  // namespace rl::client
