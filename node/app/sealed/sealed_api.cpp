#include "node/app/sealed/sealed_api.hpp"

#include <nlohmann/json.hpp>

#include "api/error_codes.hpp"
#include "ledger/sealed_access.hpp"
#include "ledger/tx.hpp"
#include "node/app/api.hpp"
#include "node/app/identity/read_policy.hpp"
#include "node/http/json_error.hpp"

namespace rl::node::sealed {
namespace {

using api::ApiError;
using api::Route;

using nlohmann::json;

constexpr std::size_t kMaxBodyBytes = 64 * 1024;
constexpr std::size_t kMaxSearchQueries = 64;

http::HttpResponse answer(const json& j) {
  http::HttpResponse resp;
  resp.body = j.dump();
  resp.headers.emplace_back("cache-control", "no-store");
  return resp;
}

Error no_such_report() {
  return http::api_error(ApiError::kReportNotFound, "no such report");
}

Result<json> parse_body(const http::HttpRequest& req) {
  if (req.body.size() > kMaxBodyBytes) {
    return http::api_error(ApiError::kBadRequest, "body over 64 KiB");
  }
  json j = json::parse(req.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return http::api_error(ApiError::kBadJson, "body is not a JSON object");
  }
  return j;
}

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The reader of a document-channel route, with everything the read rules need.
Result<identity::ReadContext> document_reader(identity::IdentityApi& identity,
                                              const http::HttpRequest& req) {
  const auto token = identity::bearer_token(req);
  if (token.empty()) {
    return http::api_error(ApiError::kSessionRequired,
                           "sealed reports need a session (POST /v1/auth/login)");
  }
  RL_ASSIGN_OR_RETURN(auto principal, identity.auth().authenticate(token, req.remote));
  RL_ASSIGN_OR_RETURN(auto ctx,
                      identity::load_read_context(identity.auth().ledger(), std::move(principal)));
  RL_TRY(identity::check_data_route_reader(identity::OptionalReader(ctx)));
  RL_TRY(identity::check_output_permission(identity::OptionalReader(ctx)));
  return ctx;
}

// The one rule of the document channel: the ordinary read rules, or both policy levels.
Result<bool> may_fetch(const ledger::Chain& chain, const identity::ReadContext& reader,
                       const ledger::SealedReport& r) {
  if (identity::may_read_report(identity::OptionalReader(reader), r.report)) return true;
  RL_ASSIGN_OR_RETURN(auto verdict, ledger::sealed_verdict(chain, r, reader.principal.account));
  return verdict.allowed();
}

json key_service_json(const ledger::pb::KeyServiceRecord& k) {
  return {{"name", k.name()},
          {"org", k.org_id()},
          {"key_id", to_hex(as_bytes(k.key_id()))},
          {"public_key_der", to_hex(as_bytes(k.public_key_der()))},
          {"api_url", k.api_url()},
          {"active", k.active()}};
}

}  // namespace

SealedApi::SealedApi(const ledger::Chain& chain, identity::IdentityApi& identity,
                     std::unique_ptr<KeyReleaser> releaser)
    : chain_(chain), identity_(identity), releaser_(std::move(releaser)) {}

bool SealedApi::serves(api::Route route) {
  switch (route) {
    case Route::kKeyServices:
    case Route::kKeysService:
    case Route::kKeysRelease:
    case Route::kSealedSearch:
    case Route::kSealed:
      return true;
    default:
      return false;
  }
}

http::HttpResponse SealedApi::route(const http::HttpRequest& req, const api::RouteMatch& match) {
  switch (match.route) {
    case Route::kKeyServices:
      return key_services();
    case Route::kKeysService:
      return this_service();
    case Route::kKeysRelease:
      return release(req);
    case Route::kSealedSearch:
      return search(req);
    case Route::kSealed:
      return document(req, match.params[0]);
    default:
      return http::json_error(ApiError::kRouteNotFound, "no route for " + req.path);
  }
}

http::HttpResponse SealedApi::key_services() {
  auto registry = ledger::load_key_services(chain_);
  if (!registry.ok()) return http::json_error(registry.error());
  json list = json::array();
  for (const auto& k : registry->services()) list.push_back(key_service_json(k));
  return answer({{"key_services", std::move(list)}, {"height", chain_.head().height}});
}

http::HttpResponse SealedApi::this_service() {
  if (!releaser_) return answer({{"enabled", false}});
  return answer({{"enabled", true},
                 {"name", releaser_->service()},
                 {"key_id", to_hex(releaser_->keys().current_key_id())}});
}

http::HttpResponse SealedApi::release(const http::HttpRequest& req) {
  auto& auth = identity_.auth();
  std::string account, report_id, failed_levels;
  auto result = [&]() -> Result<ReleasedShare> {
    if (!releaser_) {
      return http::api_error(ApiError::kKeyServiceDisabled, "this node runs no key service");
    }
    const auto token = identity::bearer_token(req);
    if (token.empty()) {
      return http::api_error(
          ApiError::kSessionRequired,
          "the key channel needs a session of scope \"keys\" (POST /v1/auth/login)");
    }
    RL_ASSIGN_OR_RETURN(auto reader,
                        auth.authenticate(token, req.remote, identity::SessionScope::kKeys));
    account = reader.account;
    RL_ASSIGN_OR_RETURN(auto body, parse_body(req));
    ReleaseRequest r;
    r.report_id = str(body, "report_id").substr(0, 64);
    report_id = r.report_id;
    auto at = body.find("signed_at_ms");
    if (at == body.end() || !at->is_number_integer()) {
      return http::api_error(ApiError::kBadRequest, "signed_at_ms (unix milliseconds) is required");
    }
    r.signed_at_ms = at->get<std::int64_t>();
    auto nonce = from_hex(str(body, "nonce"));
    auto sig = from_hex(str(body, "signature"));
    if (!nonce.ok() || !sig.ok()) {
      return http::api_error(ApiError::kBadRequest, "nonce and signature are hex");
    }
    r.nonce = std::move(nonce).value();
    r.signature = std::move(sig).value();
    return releaser_->release(reader, r, auth.now_ms(), failed_levels);
  }();
  const std::string code = result.ok() ? std::string() : result.error().code;
  json detail = {{"report_id", report_id},
                 {"service", releaser_ ? releaser_->service() : std::string()}};
  if (!failed_levels.empty()) detail["failed"] = failed_levels;
  // Recorded before it is answered: a share the log does not account for is not given.
  auto logged = auth.audit().append(auth.now_ms(), account, "key_release",
                                    result.ok() ? "ok" : "refused", code, req.remote,
                                    detail.dump(-1, ' ', false, json::error_handler_t::replace));
  if (!logged.ok()) {
    return http::json_error(ApiError::kAuditUnavailable, "the release could not be recorded");
  }
  if (!result.ok()) {
    auto resp = http::json_error(result.error());
    if (!failed_levels.empty()) {
      json j = json::parse(resp.body, nullptr, false);
      if (!j.is_discarded()) {
        j["error"]["failed"] = failed_levels;
        resp.body = j.dump();
      }
    }
    return resp;
  }
  return answer({{"service", result->service},
                 {"x", result->x},
                 {"threshold", result->threshold},
                 {"wrapped_share", to_hex(result->wrapped)},
                 {"height", result->height}});
}

http::HttpResponse SealedApi::document(const http::HttpRequest& req, std::string_view report_id) {
  auto reader = document_reader(identity_, req);
  if (!reader.ok()) return http::json_error(reader.error());
  if (report_id.size() != 64 || !from_hex(report_id).ok()) {
    return http::json_error(ApiError::kBadId, "report ids are 64 hex characters");
  }
  auto r = ledger::load_sealed_report(chain_, std::string(report_id));
  if (!r.ok()) return http::json_error(r.error());
  if (!*r) return http::json_error(no_such_report());
  auto visible = may_fetch(chain_, *reader, **r);
  if (!visible.ok()) return http::json_error(visible.error());
  if (!*visible) return http::json_error(no_such_report());
  auto id = from_hex(report_id);
  auto raw = chain_.tx_bytes(*id);
  if (!raw.ok()) return http::json_error(raw.error());
  if (!*raw) return http::json_error(ApiError::kStorageCorrupt, "sealed report without its tx");
  auto tx = ledger::decode_tx(chain_.anchor().suite, **raw);
  if (!tx.ok() || !tx->body.has_submit_report()) {
    return http::json_error(ApiError::kStorageCorrupt, "stored sealed report tx");
  }
  const auto& rep = **r;
  const auto& seal = rep.sealed.seal();
  auto registry = ledger::load_key_services(chain_);
  if (!registry.ok()) return http::json_error(registry.error());
  json shares = json::array();
  for (const auto& s : seal.shares()) {
    const auto* k = ledger::find_key_service(*registry, s.service());
    shares.push_back({{"service", s.service()},
                      {"key_id", to_hex(as_bytes(s.key_id()))},
                      {"x", s.x()},
                      {"api_url", k ? k->api_url() : std::string()}});
  }
  auto verdict = ledger::sealed_verdict(chain_, rep, reader->principal.account);
  if (!verdict.ok()) return http::json_error(verdict.error());
  json out = {{"report", report_json(rep.report)},
              {"seal",
               {{"t_policy", seal.t_policy()},
                {"threshold", seal.threshold()},
                {"seal_id", to_hex(as_bytes(seal.seal_id()))},
                {"key_check", to_hex(as_bytes(seal.key_check()))},
                {"keyword_tags", seal.keyword_tags_size()},
                {"shares", std::move(shares)}}},
              {"content_type", tx->body.submit_report().content_type()},
              {"ciphertext", to_base64(as_bytes(tx->body.submit_report().payload()))},
              {"you", {{"opens", verdict->allowed()}, {"failed", verdict->failed_levels()}}},
              {"height", chain_.head().height}};
  // Who else may open it is the owners' business: the policies' texts name other readers.
  if (rep.report.org_id() == reader->principal.org) {
    out["policies"] = {{"t", rep.t_policy.policy()},
                       {"t_version", rep.t_policy.version()},
                       {"s", rep.sealed.s_policy()},
                       {"s_height", rep.sealed.s_policy_height()}};
  }
  return answer(out);
}

http::HttpResponse SealedApi::search(const http::HttpRequest& req) {
  auto reader = document_reader(identity_, req);
  if (!reader.ok()) return http::json_error(reader.error());
  auto body = parse_body(req);
  if (!body.ok()) return http::json_error(body.error());
  auto queries = body->find("queries");
  if (queries == body->end() || !queries->is_array() || queries->empty() ||
      queries->size() > kMaxSearchQueries) {
    return http::json_error(ApiError::kBadRequest,
                            "queries is an array of 1-64 {report_id, trapdoor}");
  }
  json matches = json::array();
  for (const auto& q : *queries) {
    if (!q.is_object()) return http::json_error(ApiError::kBadRequest, "each query is an object");
    const auto id = str(q, "report_id");
    auto trapdoor = from_hex(str(q, "trapdoor"));
    if (id.size() != 64 || !from_hex(id).ok() || !trapdoor.ok() ||
        trapdoor->size() != ledger::sealing::kTagBytes) {
      return http::json_error(ApiError::kBadRequest,
                              "report_id is 64 hex, trapdoor 32 bytes of hex");
    }
    auto r = ledger::load_sealed_report(chain_, id);
    if (!r.ok()) return http::json_error(r.error());
    // A report the reader may not fetch never matches: the answer cannot tell it from one that
    // does not exist.
    if (!*r) continue;
    auto visible = may_fetch(chain_, *reader, **r);
    if (!visible.ok()) return http::json_error(visible.error());
    if (!*visible) continue;
    for (const auto& tag : (*r)->sealed.seal().keyword_tags()) {
      if (bytes_equal(tag, *trapdoor)) {
        matches.push_back(id);
        break;
      }
    }
  }
  return answer({{"matches", std::move(matches)}, {"searched", queries->size()}});
}

}  // namespace rl::node::sealed
