#pragma once
// The third-party routes (decision 0060, docs/protection.md "Third-party access and call scopes"):
//   GET /v1/third-party/reports?template=&org=&period=&fields=a,b&limit=&after=
//   GET /v1/third-party/reports/<report_id>?fields=a,b
// The caller logs in like every reader (Authorization: Bearer <token>) and names its grant in
// the header X-RegLedger-Grant. Answers carry masked payloads and non-sensitive metadata only.
// Every call, answered or refused, is appended to the audit log before it is answered: grant,
// route, outcome and, for answered calls, the hash of each masked payload returned (never a
// value). An answer that could not be recorded is not given (audit_unavailable).
//
// Refusals, in the order they are checked (none depends on which reports exist):
//   session_* (as every reader), not_third_party, masking_unavailable, grant_required,
//   grant_unknown (also: another third party's grant), grant_revoked, grant_expired,
//   rate_limited, bad_query / bad_id, out_of_scope_field, out_of_scope_template,
//   out_of_scope_org, out_of_scope_period, permission_denied (no output permission).
// A report id that exists outside the scope answers report_not_found, byte for byte as an id
// that does not exist.

#include <optional>
#include <string>
#include <string_view>

#include "api/http_types.hpp"
#include "ledger/chain.hpp"
#include "node/app/identity/identity_api.hpp"
#include "node/app/third_party/rate_limiter.hpp"

namespace rl::node::third_party {

struct ThirdPartyConfig {
  std::optional<Bytes> mask_key;  // nullopt: every route answers masking_unavailable
  std::size_t max_tracked_grants = 10'000;
};

class ThirdPartyApi {
 public:
  ThirdPartyApi(const ledger::Chain& chain, identity::IdentityApi& identity,
                ThirdPartyConfig config);

  static bool is_route(std::string_view path);
  // Answers a request whose path is_route.
  http::HttpResponse route(const http::HttpRequest& req);

  // What the audit log records of one call.
  struct Call {
    std::string account;
    std::string grant;
    std::string reason;            // why a report id was not found (audit only)
    std::uint32_t per_minute = 0;  // the grant's rate, for Retry-After
    std::vector<std::pair<std::string, std::string>> returned;  // report id, payload hash
  };

 private:
  // The caller and its grant, once the session, the caller's kind, the mask key, the grant and
  // the rate limit allow the call.
  Result<std::pair<identity::Principal, ledger::pb::ThirdPartyGrantRecord>> authorize(
      const http::HttpRequest& req, Call& call);
  // The response body of an answered call.
  Result<std::string> serve(const http::HttpRequest& req, Call& call);

  const ledger::Chain& chain_;
  identity::IdentityApi& identity_;
  ThirdPartyConfig config_;
  RateLimiter limiter_;
  std::string mask_key_id_;
};

}  // namespace rl::node::third_party
