#pragma once
// The client API, /v1 (docs/api/openapi.yaml): JSON over HTTPS. Every error is
// {"error":{"code","message"}} with a status that matches the code; a rejected request changes
// no state.

#include <atomic>
#include <functional>

#include "ledger/chain.hpp"
#include "node/app/mempool.hpp"
#include "node/http/http_types.hpp"
#include "node/http/https_server.hpp"

namespace rl::node {

struct ApiStats {
  std::atomic<std::uint64_t> txs_accepted{0};
  std::atomic<std::uint64_t> txs_rejected{0};
};

class Api {
 public:
  Api(ledger::Chain& chain, Mempool& mempool, std::string node_name)
      : chain_(chain), mempool_(mempool), node_name_(std::move(node_name)) {}

  void handle(http::HttpRequest&& req, http::Responder respond);
  // Synchronous form, for tests and for handle().
  http::HttpResponse route(const http::HttpRequest& req);
  const ApiStats& stats() const { return stats_; }
  // Called with the exact Tx bytes of every transaction the API admitted (the validator network
  // gossips them to peers). Set before the server starts.
  void set_on_accepted(std::function<void(const Bytes&)> f) { on_accepted_ = std::move(f); }

 private:
  http::HttpResponse post_tx(const http::HttpRequest& req);
  // POST /v1/txs/batch: each transaction admitted on its own, as by POST /v1/txs.
  http::HttpResponse post_tx_batch(const http::HttpRequest& req);
  // Admission of one transaction's exact bytes; its hex id on success.
  Result<std::string> accept_tx(ByteView raw);
  http::HttpResponse get_status();
  http::HttpResponse get_block(std::string_view height);
  http::HttpResponse get_tx(std::string_view id);
  http::HttpResponse get_receipt(std::string_view id);
  http::HttpResponse get_report(std::string_view id);
  http::HttpResponse list_reports(const http::HttpRequest& req);

  ledger::Chain& chain_;
  Mempool& mempool_;
  std::string node_name_;
  ApiStats stats_;
  std::function<void(const Bytes&)> on_accepted_;
};

// HTTP status for an error code of the API.
int http_status_for(const std::string& code);

}  // namespace rl::node
