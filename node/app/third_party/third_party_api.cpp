#include "node/app/third_party/third_party_api.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "api/error_codes.hpp"
#include "api/routes.hpp"
#include "ledger/id_rules.hpp"
#include "ledger/state_keys.hpp"
#include "node/app/api.hpp"
#include "node/app/identity/read_policy.hpp"
#include "node/app/identity/report_listing.hpp"
#include "node/app/third_party/mask_key.hpp"
#include "node/app/third_party/report_masker.hpp"
#include "node/http/json_error.hpp"
#include "node/http/query.hpp"

namespace rl::node::third_party {
namespace {

using api::ApiError;
using api::Route;

using nlohmann::json;

constexpr std::string_view kGrantHeader = "x-regledger-grant";
// A page of masked reports; every row's hash goes into one audit entry, so pages stay small.
constexpr std::size_t kMaxPage = 100;
constexpr std::size_t kMaxFieldsParam = 64;
constexpr std::size_t kMaxCursorHex = 1024;
constexpr std::size_t kMaxAuditedTarget = 512;

Error no_such_report() {
  return http::api_error(ApiError::kReportNotFound, "no such report");
}

std::string param(const http::HttpRequest& req, const char* key) {
  auto it = req.query.find(key);
  return it == req.query.end() ? std::string() : it->second;
}

Status check_params(const http::HttpRequest& req, bool list) {
  static const std::set<std::string> kList = {"template", "org",   "period",
                                              "fields",   "limit", "after"};
  for (const auto& [k, v] : req.query) {
    if (list ? !kList.contains(k) : k != "fields") {
      return http::api_error(ApiError::kBadQuery, "unknown query parameter '" + k + "'");
    }
  }
  for (const char* k : {"template", "org"}) {
    if (auto v = param(req, k); !v.empty() && !ledger::valid_id(v)) {
      return http::api_error(ApiError::kBadQuery,
                             std::string(k) + " is an id: 1-64 of [A-Za-z0-9._-]");
    }
  }
  if (auto v = param(req, "period"); !v.empty() && !ledger::valid_id(v, 32)) {
    return http::api_error(ApiError::kBadQuery, "period is 1-32 of [A-Za-z0-9._-]");
  }
  return {};
}

// The `fields` parameter: a comma-separated list of field names (nullopt when absent).
Result<std::optional<std::set<std::string>>> fields_param(const http::HttpRequest& req) {
  auto it = req.query.find("fields");
  if (it == req.query.end()) return std::optional<std::set<std::string>>();
  std::set<std::string> out;
  std::string_view rest = it->second;
  while (true) {
    const auto comma = rest.find(',');
    const auto name = rest.substr(0, comma);
    if (name.empty() || name.size() > ledger::masking::kMaxFieldNameBytes) {
      return http::api_error(ApiError::kBadQuery,
                             "fields is a comma-separated list of 1-64 byte names");
    }
    out.emplace(name);
    if (out.size() > kMaxFieldsParam) {
      return http::api_error(ApiError::kBadQuery, "at most 64 fields");
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return std::optional<std::set<std::string>>(std::move(out));
}

// The fields this call may see: the grant's list (or every field its templates mask),
// narrowed to the ones asked for. A field asked for outside that is out_of_scope_field.
Result<std::optional<std::set<std::string>>> call_fields(
    const ledger::pb::ThirdPartyGrantRecord& grant, const ReportMasker& masker,
    const std::optional<std::set<std::string>>& asked) {
  const auto& granted = grant.scope().fields();
  auto in_scope = [&](const std::string& f) {
    return granted.empty() ? masker.masks(f)
                           : std::find(granted.begin(), granted.end(), f) != granted.end();
  };
  for (const auto& f : asked.value_or(std::set<std::string>{})) {
    if (!in_scope(f)) {
      return http::api_error(ApiError::kOutOfScopeField,
                             "field '" + f + "' is outside the grant's scope");
    }
  }
  if (asked) return asked;
  if (granted.empty()) return std::optional<std::set<std::string>>();
  return std::optional<std::set<std::string>>(
      std::set<std::string>(granted.begin(), granted.end()));
}

// The list filters against the scope. They are the caller's own words checked against the
// grant, so a refusal says nothing about which reports exist.
Status check_list_scope(const http::HttpRequest& req,
                        const ledger::pb::ThirdPartyGrantRecord& grant,
                        const identity::ReadScope& scope) {
  const auto& s = grant.scope();
  auto listed = [](const auto& names, const std::string& v) {
    return std::find(names.begin(), names.end(), v) != names.end();
  };
  if (auto t = param(req, "template"); !t.empty() && !listed(s.templates(), t)) {
    return http::api_error(ApiError::kOutOfScopeTemplate,
                           "template " + t + " is outside the grant's scope");
  }
  if (auto o = param(req, "org"); !o.empty() && !listed(s.orgs(), o)) {
    return http::api_error(ApiError::kOutOfScopeOrg,
                           "organization " + o + " is outside the grant's scope");
  }
  if (auto p = param(req, "period"); !p.empty() && !scope.sees_period(p)) {
    return http::api_error(ApiError::kOutOfScopePeriod,
                           "period " + p + " is outside the grant's scope");
  }
  return {};
}

Result<identity::ReportQuery> list_query(const http::HttpRequest& req) {
  identity::ReportQuery q;
  q.org = param(req, "org");
  q.template_id = param(req, "template");
  q.period = param(req, "period");
  RL_ASSIGN_OR_RETURN(q.limit, http::limit_param(req, kMaxPage, kMaxPage));
  if (auto a = param(req, "after"); !a.empty()) {
    auto cursor = from_hex(a);
    if (a.size() > kMaxCursorHex || !cursor.ok()) {
      return http::api_error(ApiError::kBadQuery,
                             "after is the `next` cursor of a previous page (hex)");
    }
    q.after = std::move(cursor).value();
  }
  return q;
}

std::string audit_detail(const http::HttpRequest& req, const ThirdPartyApi::Call& call) {
  json returned = json::array();
  for (const auto& [id, hash] : call.returned) {
    returned.push_back({{"report_id", id}, {"payload_hash", hash}});
  }
  json d = {{"grant", call.grant},
            {"route", req.target.substr(0, kMaxAuditedTarget)},
            {"returned", std::move(returned)}};
  if (!call.reason.empty()) d["reason"] = call.reason;
  return d.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

ThirdPartyApi::ThirdPartyApi(const ledger::Chain& chain, identity::IdentityApi& identity,
                             ThirdPartyConfig config)
    : chain_(chain),
      identity_(identity),
      config_(std::move(config)),
      limiter_(config_.max_tracked_grants) {
  if (config_.mask_key) mask_key_id_ = mask_key_id(chain_.anchor().suite, *config_.mask_key);
}

bool ThirdPartyApi::is_route(std::string_view path) {
  return path.starts_with("/v1/third-party/");
}

Result<std::pair<identity::Principal, ledger::pb::ThirdPartyGrantRecord>> ThirdPartyApi::authorize(
    const http::HttpRequest& req, Call& call) {
  RL_ASSIGN_OR_RETURN(auto who, identity_.reader(req));
  if (!who) {
    return http::api_error(ApiError::kSessionRequired,
                           "third-party calls need a session (POST /v1/auth/login)");
  }
  identity::Principal principal = std::move(*who);
  call.account = principal.account;
  if (!ledger::is_third_party_kind(principal.org_kind)) {
    return http::api_error(ApiError::kNotThirdParty,
                           "organization " + principal.org + " is not a third party (kind " +
                               principal.org_kind + "); use the ordinary routes");
  }
  if (!config_.mask_key) {
    return http::api_error(ApiError::kMaskingUnavailable,
                           "this node has no mask key (config.json protection.mask_key_file)");
  }

  // The grant. Another third party's grant answers as one that does not exist.
  auto header = req.headers.find(std::string(kGrantHeader));
  if (header == req.headers.end() || header->second.empty()) {
    return http::api_error(ApiError::kGrantRequired,
                           "name the grant in the X-RegLedger-Grant header");
  }
  call.grant = header->second.substr(0, ledger::limits::kMaxIdBytes + 1);
  auto unknown = [] {
    return http::api_error(ApiError::kGrantUnknown, "no such grant for this caller");
  };
  if (!ledger::valid_id(call.grant)) return unknown();
  RL_ASSIGN_OR_RETURN(auto raw, chain_.state_value(ledger::keys::third_party_grant(call.grant)));
  ledger::pb::ThirdPartyGrantRecord grant;
  if (!raw) return unknown();
  if (!grant.ParseFromArray(raw->data(), static_cast<int>(raw->size()))) {
    return http::api_error(ApiError::kStateCorrupt, "third-party grant record does not decode");
  }
  if (grant.third_party_org() != principal.org) return unknown();
  if (!grant.active()) {
    return http::api_error(
        ApiError::kGrantRevoked,
        "grant " + call.grant + " was revoked at height " + std::to_string(grant.revoked_height()));
  }
  if (identity_.auth().now_ms() >= grant.expires_at_ms()) {
    return http::api_error(ApiError::kGrantExpired, "grant " + call.grant + " expired");
  }
  call.per_minute = grant.rate_limit_per_minute();
  if (!limiter_.try_acquire(call.grant, grant.rate_limit_per_minute(), identity_.auth().now_ms())) {
    return http::api_error(ApiError::kRateLimited,
                           "grant " + call.grant + " allows " +
                               std::to_string(grant.rate_limit_per_minute()) +
                               " calls per minute on this node");
  }
  return std::make_pair(std::move(principal), std::move(grant));
}

Result<std::string> ThirdPartyApi::serve(const http::HttpRequest& req, Call& call) {
  const auto match = api::match_route(req.path);
  if (!match ||
      (match->route != Route::kThirdPartyReports && match->route != Route::kThirdPartyReport)) {
    return http::api_error(ApiError::kRouteNotFound, "no route for " + req.path);
  }
  if (!api::route_allows(match->route, req.method)) {
    std::string message = "use ";
    message += api::route_info(match->route).methods;
    return http::api_error(ApiError::kMethodNotAllowed, message);
  }
  std::optional<std::string_view> report_id;
  if (match->route == Route::kThirdPartyReport) report_id = match->params[0];

  RL_ASSIGN_OR_RETURN(auto allowed, authorize(req, call));
  auto& [principal, grant] = allowed;

  // The request against the scope: its own words only, so nothing here depends on data.
  RL_TRY(check_params(req, !report_id));
  RL_ASSIGN_OR_RETURN(auto asked, fields_param(req));
  RL_ASSIGN_OR_RETURN(auto masker, ReportMasker::load(chain_, grant, *config_.mask_key));
  RL_ASSIGN_OR_RETURN(auto fields, call_fields(grant, masker, asked));
  masker.narrow_to(std::move(fields));
  RL_ASSIGN_OR_RETURN(auto ctx, identity::third_party_context(identity_.auth().ledger(),
                                                              std::move(principal), grant));
  const identity::OptionalReader reader(std::move(ctx));
  RL_TRY(identity::check_output_permission(reader));

  json head = {{"grant", call.grant}, {"mask_key_id", mask_key_id_}};
  if (report_id) {
    if (report_id->size() != 64 || !from_hex(*report_id).ok()) {
      return http::api_error(ApiError::kBadId, "report ids are 64 hex characters");
    }
    RL_ASSIGN_OR_RETURN(auto report, chain_.report(std::string(*report_id)));
    if (!report) {
      call.reason = "absent";
      return no_such_report();
    }
    if (!identity::may_read_report(reader, *report)) {
      call.reason = "out_of_scope";
      return no_such_report();
    }
    // A sealed payload is a ciphertext only its policy's readers open (docs/sealed.md); no
    // masking rule applies to it.
    if (report->sealed()) {
      call.reason = "sealed";
      return no_such_report();
    }
    RL_ASSIGN_OR_RETURN(auto m, masker.mask(*report));
    call.returned.emplace_back(report->report_id(), m.payload_hash);
    head["report"] = json::parse(m.row_json, nullptr, false);
    return head.dump();
  }

  RL_TRY(check_list_scope(req, grant, reader->scope));
  RL_ASSIGN_OR_RETURN(auto q, list_query(req));
  RL_ASSIGN_OR_RETURN(auto page, identity::list_visible_reports(chain_, reader, q));
  json rows = json::array();
  for (const auto& r : page.reports) {
    if (r.sealed()) continue;
    RL_ASSIGN_OR_RETURN(auto m, masker.mask(r));
    call.returned.emplace_back(r.report_id(), m.payload_hash);
    rows.push_back(json::parse(m.row_json, nullptr, false));
  }
  head["count"] = rows.size();
  head["reports"] = std::move(rows);
  if (!page.next.empty()) head["next"] = to_hex(page.next);
  return head.dump();
}

http::HttpResponse ThirdPartyApi::route(const http::HttpRequest& req) {
  Call call;
  auto body = serve(req, call);
  const std::string code = body.ok() ? std::string() : body.error().code;
  // Recorded before it is answered: an answer the log does not hold is not given.
  auto logged = identity_.auth().audit().append(identity_.auth().now_ms(), call.account,
                                                "third_party", body.ok() ? "ok" : "refused", code,
                                                req.remote, audit_detail(req, call));
  if (!logged.ok()) {
    return http::json_error(ApiError::kAuditUnavailable, "the call could not be recorded");
  }
  if (!body.ok()) {
    auto resp = http::json_error(body.error());
    if (code == api::to_string(ApiError::kRateLimited) && call.per_minute > 0) {
      const auto wait_s = static_cast<int>(std::ceil(60.0 / call.per_minute));
      resp.headers.emplace_back("retry-after", std::to_string(wait_s));
    }
    if (code == api::to_string(ApiError::kMethodNotAllowed)) {
      // The 405 is answered only after it is audited, so it is built here rather than by
      // http::method_not_allowed; its Allow header is the same table's.
      if (const auto match = api::match_route(req.path)) {
        resp.headers.emplace_back("allow", std::string(api::route_info(match->route).methods));
      }
    }
    return resp;
  }
  http::HttpResponse resp;
  resp.body = std::move(body).value();
  resp.headers.emplace_back("cache-control", "no-store");
  return resp;
}

}  // namespace rl::node::third_party
