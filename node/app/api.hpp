#pragma once
// The client API, /v1 (docs/api/openapi.yaml): JSON over HTTPS. Every error is
// {"error":{"code","message"}} with a status that matches the code; a rejected request changes
// no state.

#include <atomic>
#include <functional>
#include <nlohmann/json.hpp>

#include "api/http_types.hpp"
#include "ledger/chain.hpp"
#include "node/app/identity/identity_api.hpp"
#include "node/app/identity/read_policy.hpp"
#include "node/app/mempool.hpp"
#include "node/app/metrics/request_stats.hpp"
#include "node/http/https_server.hpp"

namespace rl::node {

namespace third_party {
class ThirdPartyApi;
}
namespace sealed {
class SealedApi;
}

// Read by the metrics collector (node/app/metrics/node_collector.hpp) at scrape time.
struct ApiStats {
  std::atomic<std::uint64_t> txs_accepted{0};
  std::atomic<std::uint64_t> txs_rejected{0};
  metrics::TxRefusalStats refused;    // txs_rejected by error code
  metrics::ApiRequestStats requests;  // every request handle() answered
};

class Api {
 public:
  // `identity` answers /v1/auth/*, /v1/audit and authenticates the readers of every query
  // endpoint (node/app/identity/read_policy.hpp says who may read what).
  Api(ledger::Chain& chain, Mempool& mempool, identity::IdentityApi& identity,
      std::string node_name)
      : chain_(chain), mempool_(mempool), identity_(identity), node_name_(std::move(node_name)) {
    identity_.set_submitter([this](const Bytes& raw) { return submit_raw(raw); });
  }

  void handle(http::HttpRequest&& req, http::Responder respond);
  // Synchronous form, for tests and for handle().
  http::HttpResponse route(const http::HttpRequest& req);
  const ApiStats& stats() const { return stats_; }
  // Called with the exact Tx bytes of every transaction the API admitted (the validator network
  // gossips them to peers). Set before the server starts.
  void set_on_accepted(std::function<void(const Bytes&)> f) { on_accepted_ = std::move(f); }
  // The /v1/third-party/ routes (decision 0060). Not owned; nullptr (the default): they answer
  // masking_unavailable. Set before the server starts.
  void set_third_party(third_party::ThirdPartyApi* api) { third_party_ = api; }
  // The sealed-report routes (decision 0063). Not owned; nullptr: they answer route_not_found.
  // Set before the server starts.
  void set_sealed(sealed::SealedApi* api) { sealed_ = api; }

 private:
  http::HttpResponse post_tx(const http::HttpRequest& req);
  // POST /v1/txs/batch: each transaction admitted on its own, as by POST /v1/txs.
  http::HttpResponse post_tx_batch(const http::HttpRequest& req);
  // Admission of exact Tx bytes (decode, mempool, gossip); returns the tx id (hex).
  Result<std::string> submit_raw(ByteView raw);
  http::HttpResponse get_status();
  http::HttpResponse get_template(std::string_view id);
  http::HttpResponse list_templates();
  static constexpr std::size_t kMaxTemplatesListed = 1000;
  using Reader = identity::OptionalReader;  // nullopt: reads are open (config)
  // A stored block by its decimal height. Codes: bad_height, block_not_found, storage_corrupt.
  struct StoredBlock {
    std::uint64_t height = 0;
    Bytes raw;
    ledger::pb::Block block;
    ledger::pb::BlockHeader header;
  };
  Result<StoredBlock> load_block(std::string_view height) const;
  http::HttpResponse get_block(std::string_view height, const Reader& reader);
  http::HttpResponse get_header(std::string_view height);
  http::HttpResponse get_tx(std::string_view id, const Reader& reader);
  http::HttpResponse get_receipt(std::string_view id, const Reader& reader);
  http::HttpResponse get_report(std::string_view id, const Reader& reader);
  http::HttpResponse get_report_versions(std::string_view id, const Reader& reader);
  // GET /v1/events (report_events.hpp): `reader` for stream=reports, nullptr for blocks.
  http::HttpResponse get_events(const http::HttpRequest& req, const Reader* reader);
  // GET /v1/balances/<org>: the organization's settlement-unit balance; its own accounts and
  // supervisors only.
  http::HttpResponse get_balance(std::string_view org, const Reader& reader);
  http::HttpResponse list_reports(const http::HttpRequest& req, const Reader& reader);
  http::HttpResponse get_report_chunks(std::string_view id, const Reader& reader);
  http::HttpResponse get_report_chunk(std::string_view id, std::string_view index,
                                      const Reader& reader);
  http::HttpResponse get_own_chunk(std::string_view id, const Reader& reader);

  ledger::Chain& chain_;
  Mempool& mempool_;
  identity::IdentityApi& identity_;
  std::string node_name_;
  ApiStats stats_;
  std::function<void(const Bytes&)> on_accepted_;
  third_party::ThirdPartyApi* third_party_ = nullptr;
  sealed::SealedApi* sealed_ = nullptr;
};

// A report's ledger record as the API shows it (never a payload).
nlohmann::json report_json(const ledger::pb::ReportRecord& r);

}  // namespace rl::node
