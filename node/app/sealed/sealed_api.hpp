#pragma once
// The routes of sealed reports (docs/sealed.md, decision 0063). Two channels, each with its own
// sessions (identity::SessionScope):
//
// Document channel (sessions of scope "documents", like every query route):
//   GET  /v1/sealed/<report_id>   the ciphertext and its envelope (never a key), to a reader who
//                                 sees the report under the ordinary read rules or satisfies both
//                                 of its policy levels; anyone else gets report_not_found, as for
//                                 an id that does not exist. The policies' texts go to the
//                                 report's own organization only.
//   POST /v1/sealed/search        {"queries":[{"report_id","trapdoor"}]} (at most 64): which of
//                                 these reports carry a keyword tag equal to its trapdoor, among
//                                 the ones the reader may fetch. The node sees tags, never words.
// Key channel (sessions of scope "keys"):
//   POST /v1/keys/release         {"report_id","signed_at_ms","nonce","signature"} (hex): this
//                                 node's key service's share, re-encrypted to the reader's
//                                 certificate key; refusals say which policy level failed.
//                                 Every call, answered or refused, is in the audit log first.
// Public:
//   GET  /v1/key-services         the key services on the ledger (names, keys, URLs)
//   GET  /v1/keys/service         this node's key service, if it runs one

#include <memory>
#include <string_view>

#include "api/http_types.hpp"
#include "api/routes.hpp"
#include "ledger/chain.hpp"
#include "node/app/identity/identity_api.hpp"
#include "node/app/sealed/key_release.hpp"

namespace rl::node::sealed {

class SealedApi {
 public:
  // `releaser`: this node's key service (nullptr: the node runs none; /v1/keys/release answers
  // key_service_disabled).
  SealedApi(const ledger::Chain& chain, identity::IdentityApi& identity,
            std::unique_ptr<KeyReleaser> releaser);

  // Whether `route` is one of the routes above.
  static bool serves(api::Route route);
  // Answers a request on one of them. `match` is its route, whose methods the caller
  // (Api::route) has checked against the route table.
  http::HttpResponse route(const http::HttpRequest& req, const api::RouteMatch& match);

 private:
  http::HttpResponse key_services();
  http::HttpResponse this_service();
  http::HttpResponse release(const http::HttpRequest& req);
  http::HttpResponse document(const http::HttpRequest& req, std::string_view report_id);
  http::HttpResponse search(const http::HttpRequest& req);

  const ledger::Chain& chain_;
  identity::IdentityApi& identity_;
  std::unique_ptr<KeyReleaser> releaser_;
};

}  // namespace rl::node::sealed
