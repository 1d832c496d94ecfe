#include "node/app/identity/identity_api.hpp"

#include <nlohmann/json.hpp>

#include "api/error_codes.hpp"
#include "ledger/permission.hpp"
#include "node/http/json_error.hpp"
#include "node/http/query.hpp"

namespace rl::node::identity {
namespace {

using api::ApiError;
using api::Route;

using nlohmann::json;

constexpr std::size_t kMaxAuditPage = 1000;

http::HttpResponse ok_json(const json& j) {
  http::HttpResponse r;
  r.body = j.dump();
  return r;
}

Result<json> parse_object(const std::string& body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return http::api_error(ApiError::kBadJson, "request body is not valid JSON");
  }
  if (!j.is_object()) {
    return http::api_error(ApiError::kBadRequest, "request body must be a JSON object");
  }
  return j;
}

std::string string_field(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

// 200 committed, 202 pending or awaiting approval.
http::HttpResponse enroll_answer(const EnrollResult& r) {
  json j = {{"account", r.account}, {"org", r.org}};
  if (r.awaiting_approval) {
    j["status"] = "awaiting_approval";
    j["request_id"] = r.request_id;
  } else {
    j["certificate_pem"] = r.certificate_pem;
    j["chain"] = r.chain_pem;
    j["tx_id"] = r.tx_id;
    j["status"] = r.committed ? "committed" : "pending";
    if (!r.request_id.empty()) j["request_id"] = r.request_id;
  }
  http::HttpResponse resp;
  resp.status = r.committed ? 200 : 202;
  resp.body = j.dump();
  return resp;
}

std::string bearer_token(const http::HttpRequest& req) {
  auto it = req.headers.find("authorization");
  if (it == req.headers.end()) return {};
  constexpr std::string_view kScheme = "Bearer ";
  const auto& v = it->second;
  if (v.size() <= kScheme.size() || v.compare(0, kScheme.size(), kScheme) != 0) return {};
  return v.substr(kScheme.size());
}

json permission_json(const Principal& p) {
  return {{"code", p.permission_code},
          {"input", p.permission.input},
          {"output", p.permission.output},
          {"level", p.permission.level}};
}

std::optional<http::HttpResponse> IdentityApi::route(const http::HttpRequest& req,
                                                     const api::RouteMatch& match) {
  switch (match.route) {
    case Route::kAuthChallenge:
      return challenge(req);
    case Route::kAuthLogin:
      return login(req);
    case Route::kAuthLogout:
      return logout(req);
    case Route::kAuthSession:
      return session(req);
    case Route::kAudit:
      return audit(req);
    case Route::kCrl:
      return crl();
    case Route::kEnroll:
      return enroll(req);
    case Route::kDevicesEnroll:
      return enroll_device(req);
    case Route::kEnrollmentApprove:
      return approve_enrollment(req, std::string(match.params[0]));
    case Route::kEnrollment:
      return enrollment_status(std::string(match.params[0]));
    default:
      return std::nullopt;
  }
}

Result<std::optional<Principal>> IdentityApi::reader(const http::HttpRequest& req) {
  auto token = bearer_token(req);
  if (token.empty()) {
    if (access_ == ReadAccess::kOpen) return std::optional<Principal>();
    return http::api_error(ApiError::kSessionRequired,
                           "this query needs a session: log in (POST /v1/auth/login) and send "
                           "Authorization: Bearer <token>");
  }
  RL_ASSIGN_OR_RETURN(auto p, auth_.authenticate(token, req.remote));
  return std::optional<Principal>(std::move(p));
}

http::HttpResponse IdentityApi::challenge(const http::HttpRequest& req) {
  auto j = parse_object(req.body);
  if (!j.ok()) return http::json_error(j.error());
  auto c = auth_.issue_challenge(string_field(*j, "account"), req.remote);
  if (!c.ok()) return http::json_error(c.error());
  return ok_json({{"challenge_id", c->challenge_id},
                  {"challenge", to_base64(c->challenge)},
                  {"expires_at", c->expires_at_ms}});
}

http::HttpResponse IdentityApi::login(const http::HttpRequest& req) {
  auto j = parse_object(req.body);
  if (!j.ok()) return http::json_error(j.error());
  LoginRequest lr;
  auto scope = parse_session_scope(string_field(*j, "scope"));
  if (!scope.ok()) return http::json_error(scope.error());
  lr.scope = *scope;
  lr.account = string_field(*j, "account");
  lr.password = string_field(*j, "password");
  lr.certificate_pem = string_field(*j, "certificate_pem");
  lr.chain_pem = string_field(*j, "chain_pem");
  lr.challenge_id = string_field(*j, "challenge_id");
  auto sig = from_base64(string_field(*j, "signature"));
  if (!sig.ok()) return http::json_error(ApiError::kBadRequest, "signature is not base64");
  lr.signature = std::move(sig).value();
  auto s = auth_.login(lr, req.remote);
  if (!s.ok()) return http::json_error(s.error());
  return ok_json({{"token", s->token},
                  {"expires_at", s->expires_at_ms},
                  {"scope", session_scope_name(lr.scope)},
                  {"account", s->principal.account},
                  {"org", s->principal.org},
                  {"permission", permission_json(s->principal)}});
}

http::HttpResponse IdentityApi::logout(const http::HttpRequest& req) {
  auto token = bearer_token(req);
  if (token.empty()) return http::json_error(ApiError::kSessionRequired, "no bearer token");
  auto st = auth_.logout(token, req.remote);
  if (!st.ok()) return http::json_error(st.error());
  return ok_json({{"status", "logged_out"}});
}

http::HttpResponse IdentityApi::session(const http::HttpRequest& req) {
  auto token = bearer_token(req);
  if (token.empty()) return http::json_error(ApiError::kSessionRequired, "no bearer token");
  auto p = auth_.authenticate(token, req.remote);
  if (!p.ok()) return http::json_error(p.error());
  return ok_json({{"account", p->account},
                  {"org", p->org},
                  {"org_kind", p->org_kind},
                  {"role", p->role},
                  {"permission", permission_json(*p)},
                  {"cert_id", to_hex(p->cert_id)}});
}

http::HttpResponse IdentityApi::audit(const http::HttpRequest& req) {
  auto token = bearer_token(req);
  if (token.empty()) return http::json_error(ApiError::kSessionRequired, "no bearer token");
  auto p = auth_.authenticate(token, req.remote);
  if (!p.ok()) return http::json_error(p.error());
  // Every organization's authentication decisions are in one chained log: supervisors only.
  if (!ledger::is_supervisor_kind(p->org_kind)) {
    return http::json_error(ApiError::kPermissionDenied,
                            "the audit log is for auditors and regulators");
  }
  auto from = http::u64_param(req, "from", 1);
  auto limit = http::limit_param(req, 100, kMaxAuditPage);
  if (!from.ok()) return http::json_error(from.error());
  if (!limit.ok()) return http::json_error(limit.error());
  auto rows = auth_.audit().read(*from, *limit);
  if (!rows.ok()) return http::json_error(rows.error());
  json out = json::array();
  for (const auto& e : *rows) out.push_back(api::audit_entry_to_json(e));
  return ok_json({{"entries", out}, {"last_seq", auth_.audit().last_seq()}});
}

http::HttpResponse IdentityApi::enroll(const http::HttpRequest& req) {
  if (enroll_ == nullptr || !submit_) {
    return http::json_error(
        ApiError::kEnrollUnavailable,
        "this node does not enroll (identity.ca_cert, ca_key and operator are not configured)");
  }
  auto j = parse_object(req.body);
  if (!j.ok()) return http::json_error(j.error());
  auto r = enroll_->enroll(string_field(*j, "account"), string_field(*j, "password"),
                           string_field(*j, "csr_pem"), req.remote, submit_);
  if (!r.ok()) {
    // Admission codes of the BindCertificate (e.g. permission_denied for a misconfigured
    // operator) keep the API's usual statuses.
    return http::json_error(r.error());
  }
  return enroll_answer(*r);
}

http::HttpResponse IdentityApi::approve_enrollment(const http::HttpRequest& req,
                                                   const std::string& id) {
  if (enroll_ == nullptr || !submit_) {
    return http::json_error(ApiError::kEnrollUnavailable, "this node does not enroll");
  }
  auto token = bearer_token(req);
  if (token.empty()) return http::json_error(ApiError::kSessionRequired, "no bearer token");
  auto p = auth_.authenticate(token, req.remote);
  if (!p.ok()) return http::json_error(p.error());
  auto r = enroll_->approve(id, *p, req.remote, submit_);
  if (!r.ok()) {
    return http::json_error(r.error());
  }
  return enroll_answer(*r);
}

http::HttpResponse IdentityApi::enrollment_status(const std::string& id) {
  if (enroll_ == nullptr) {
    return http::json_error(ApiError::kEnrollUnavailable, "this node does not enroll");
  }
  auto r = enroll_->status(id);
  if (!r.ok()) return http::json_error(r.error());
  return enroll_answer(*r);
}

http::HttpResponse IdentityApi::enroll_device(const http::HttpRequest& req) {
  if (device_enroll_ == nullptr || !submit_) {
    return http::json_error(
        ApiError::kEnrollUnavailable,
        "this node does not enroll (identity.ca_cert, ca_key and operator are not configured)");
  }
  auto token = bearer_token(req);
  if (token.empty()) return http::json_error(ApiError::kSessionRequired, "no bearer token");
  auto p = auth_.authenticate(token, req.remote);
  if (!p.ok()) return http::json_error(p.error());
  auto j = parse_object(req.body);
  if (!j.ok()) return http::json_error(j.error());
  DeviceEnrollRequest dr{string_field(*j, "device_id"), string_field(*j, "owner_org"),
                         string_field(*j, "csr_pem")};
  auto r = device_enroll_->enroll(*p, dr, req.remote, submit_);
  if (!r.ok()) return http::json_error(r.error());
  json out = {{"device_id", r->device_id},
              {"owner_org", r->owner_org},
              {"certificate_pem", r->certificate_pem},
              {"chain_pem", r->chain_pem},
              {"tx_id", r->tx_id},
              {"committed", r->committed},
              {"status", r->committed ? "committed" : "pending"},
              {"mac_key", to_hex(r->mac_key)}};
  http::HttpResponse resp;
  resp.status = r->committed ? 200 : 202;
  resp.body = out.dump();
  // The body carries a device secret: no cache keeps it.
  resp.headers.emplace_back("cache-control", "no-store");
  return resp;
}

http::HttpResponse IdentityApi::crl() {
  if (!ca_) {
    return http::json_error(ApiError::kCrlUnavailable,
                            "this node has no issuing CA configured (identity.ca_cert)");
  }
  constexpr std::int64_t kValidityS = 3600;
  const std::int64_t now_s = auth_.now_ms() / 1000;
  std::lock_guard lock(crl_mu_);
  if (!crl_cache_ || crl_cache_->height != auth_.ledger().chain().head().height ||
      now_s - crl_built_s_ > kValidityS / 2) {
    auto built = build_crl(auth_.ledger().chain(), *ca_, now_s, kValidityS);
    if (!built.ok()) return http::json_error(built.error());
    crl_cache_ = std::move(built).value();
    crl_built_s_ = now_s;
  }
  const auto& snap = crl_cache_;
  http::HttpResponse r;
  r.content_type = "application/x-pem-file";
  r.body = snap->pem;
  r.headers.emplace_back("x-regledger-height", std::to_string(snap->height));
  r.headers.emplace_back("x-regledger-revoked", std::to_string(snap->revoked));
  return r;
}

}  // namespace rl::node::identity
