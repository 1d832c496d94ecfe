#pragma once
// The client library's connection to the network: a list of node URLs, tried in turn. A node
// that cannot be reached or times out is skipped and the next one is used; an HTTP error from a
// reachable node is an answer, not a failover reason.

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "client/http/https_client.hpp"
#include "common/bytes.hpp"
#include "ledger/receipt.hpp"

namespace rl::client {

struct NodeClientConfig {
  std::vector<std::string> urls;  // https://host:port
  std::string ca_pem;             // network root CA (genesis root), to verify node TLS
  int timeout_ms = 10000;
};

class NodeClient {
 public:
  static Result<NodeClient> create(NodeClientConfig config);

  // GET/POST returning parsed JSON of a 2xx answer; a non-2xx answer becomes its API error
  // (code and message from the body).
  Result<nlohmann::json> get_json(const std::string& target);
  Result<nlohmann::json> post_json(const std::string& target, const nlohmann::json& body);

  Result<nlohmann::json> status() { return get_json("/v1/status"); }
  // Submits exact Tx bytes; returns the tx id (hex).
  Result<std::string> submit(ByteView tx);
  // Polls until the tx is committed or `timeout` passes (code: wait_timeout).
  Result<nlohmann::json> wait_committed(const std::string& tx_id,
                                        std::chrono::milliseconds timeout);
  Result<ledger::Receipt> receipt(const std::string& tx_id);
  Result<std::string> receipt_text(const std::string& tx_id);

  const std::string& current_url() const { return urls_[current_]; }

 private:
  NodeClient() = default;
  Result<http::HttpResponse> request(const std::string& method, const std::string& target,
                                     const std::string& body,
                                     const std::string& content_type = "application/json");
  std::vector<std::string> urls_;
  std::vector<std::unique_ptr<http::HttpsClient>> clients_;
  std::size_t current_ = 0;
};

}  // namespace rl::client
