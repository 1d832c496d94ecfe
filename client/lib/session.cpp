#include "client/lib/session.hpp"

#include "api/routes.hpp"
#include "crypto/keys.hpp"
#include "proto/login_sign_bytes.hpp"

namespace rl::client {

using api::Route;

using nlohmann::json;

Result<json> json_answer(const Result<http::HttpResponse>& r) {
  if (!r.ok()) return r.error();
  auto j = json::parse(r->body, nullptr, false);
  if (r->status / 100 != 2) {
    if (j.is_object() && j.contains("error") && j["error"].is_object()) {
      return make_error(j["error"].value("code", "http_error"), j["error"].value("message", ""));
    }
    return make_error("http_error", "HTTP " + std::to_string(r->status));
  }
  if (!j.is_object()) return make_error("bad_response", "the node's answer is not a JSON object");
  return j;
}

http::HeaderList bearer_headers(const std::string& token) {
  return {{"authorization", "Bearer " + token}};
}

Result<SessionToken> login_over(http::HttpsClient& c, const Identity& id,
                                const std::string& password, const std::string& scope) {
  RL_ASSIGN_OR_RETURN(auto ch, json_answer(c.post(api::route_path<Route::kAuthChallenge>(),
                                                  json{{"account", id.account}}.dump())));
  auto challenge = from_base64(ch.value("challenge", ""));
  if (!challenge.ok() || challenge->size() != 32) {
    return make_error("bad_response", "the node's challenge is not 32 base64 bytes");
  }
  RL_ASSIGN_OR_RETURN(auto sig,
                      crypto::sign(id.key, node::identity::login_message(id.chain_id, *challenge)));
  json req = {{"account", id.account},
              {"password", password},
              {"certificate_pem", id.cert.to_pem()},
              {"challenge_id", ch.value("challenge_id", "")},
              {"signature", to_base64(sig)}};
  if (scope != "documents") req["scope"] = scope;
  RL_ASSIGN_OR_RETURN(auto s,
                      json_answer(c.post(api::route_path<Route::kAuthLogin>(), req.dump())));
  SessionToken t;
  t.token = s.value("token", "");
  t.expires_at_ms = s.value("expires_at", std::int64_t{0});
  t.permission = s.value("permission", json::object());
  if (t.token.empty()) return make_error("bad_response", "the node's login answer has no token");
  return t;
}

}  // namespace rl::client
