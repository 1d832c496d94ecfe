#include "client/lib/sealed_client.hpp"

#include <algorithm>
#include <chrono>
#include <set>

#include "api/routes.hpp"
#include "client/lib/session.hpp"
#include "common/wall_clock.hpp"
#include "crypto/document_cipher.hpp"
#include "crypto/envelope.hpp"
#include "crypto/symmetric.hpp"

namespace rl::client {

using api::Route;

using nlohmann::json;

namespace {

Error bad_file(const std::string& why) {
  return make_error("bad_seal_file", why);
}

Error bad_response(const std::string& why) {
  return make_error("bad_response", why);
}

Result<std::vector<std::string>> string_list(const json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end()) return out;
  if (!it->is_array()) return bad_file(std::string(key) + " must be an array of strings");
  for (const auto& v : *it) {
    if (!v.is_string()) return bad_file(std::string(key) + " must be an array of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

Result<Bytes> hex_field(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return bad_response(std::string("no ") + key);
  auto b = from_hex(it->get<std::string>());
  if (!b.ok()) return bad_response(std::string(key) + " is not hex");
  return std::move(b).value();
}

}  // namespace

Result<SealRequest> parse_seal_request(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad_file("not a JSON object");
  static const std::set<std::string> kKnown = {"t_policy", "s_policy", "threshold", "key_services",
                                               "keywords"};
  for (const auto& [k, v] : j.items()) {
    if (!kKnown.contains(k)) return bad_file("unknown field '" + k + "'");
  }
  SealRequest r;
  auto str = [&](const char* key) -> Result<std::string> {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string())
      return bad_file(std::string(key) + " (a string) is required");
    return it->get<std::string>();
  };
  RL_ASSIGN_OR_RETURN(r.t_policy, str("t_policy"));
  RL_ASSIGN_OR_RETURN(r.s_policy, str("s_policy"));
  if (auto t = j.find("threshold"); t != j.end()) {
    if (!t->is_number_unsigned() || t->get<std::uint64_t>() < 1 || t->get<std::uint64_t>() > 16) {
      return bad_file("threshold must be 1-16");
    }
    r.threshold = t->get<std::uint32_t>();
  }
  RL_ASSIGN_OR_RETURN(r.key_services, string_list(j, "key_services"));
  RL_ASSIGN_OR_RETURN(r.keywords, string_list(j, "keywords"));
  if (r.keywords.size() > ledger::sealing::kMaxKeywordTags) return bad_file("at most 32 keywords");
  return r;
}

Result<std::vector<KeyServiceInfo>> parse_key_services(const json& answer) {
  auto it = answer.find("key_services");
  if (it == answer.end() || !it->is_array()) return bad_response("no key_services list");
  std::vector<KeyServiceInfo> out;
  for (const auto& k : *it) {
    if (!k.is_object()) return bad_response("key service entries are objects");
    KeyServiceInfo i;
    i.name = k.value("name", "");
    i.org = k.value("org", "");
    RL_ASSIGN_OR_RETURN(i.key_id, hex_field(k, "key_id"));
    RL_ASSIGN_OR_RETURN(i.public_key_der, hex_field(k, "public_key_der"));
    i.api_url = k.value("api_url", "");
    i.active = k.value("active", false);
    out.push_back(std::move(i));
  }
  return out;
}

std::uint32_t default_threshold(std::size_t n) {
  if (n <= 1) return static_cast<std::uint32_t>(n);
  const std::size_t f = (n - 1) / 3;
  // At least 2: one service alone never opens a report.
  return static_cast<std::uint32_t>(std::min(n, std::max<std::size_t>(2, 2 * f + 1)));
}

Result<SealedPayload> seal_payload(crypto::Suite suite, const std::string& chain_id,
                                   const std::string& org, const std::string& submitter,
                                   const SealRequest& request,
                                   const std::vector<KeyServiceInfo>& services,
                                   ByteView plaintext) {
  // The chosen services: the named ones, else every active one.
  std::vector<const KeyServiceInfo*> chosen;
  for (const auto& s : services) {
    const bool named = std::find(request.key_services.begin(), request.key_services.end(),
                                 s.name) != request.key_services.end();
    if (request.key_services.empty() ? s.active : named) chosen.push_back(&s);
  }
  for (const auto& name : request.key_services) {
    auto it = std::find_if(chosen.begin(), chosen.end(),
                           [&](const KeyServiceInfo* s) { return s->name == name; });
    if (it == chosen.end() || !(*it)->active) {
      return bad_file("key service " + name + " is not an active key service of the network");
    }
  }
  if (chosen.empty()) return bad_file("the network has no active key service");
  if (chosen.size() > ledger::sealing::kMaxShares) return bad_file("at most 16 key services");
  const std::uint32_t t =
      request.threshold == 0 ? default_threshold(chosen.size()) : request.threshold;
  if (t > chosen.size()) {
    return bad_file("threshold " + std::to_string(t) + " is more than the " +
                    std::to_string(chosen.size()) + " key services");
  }

  ledger::sealing::SealContext ctx{chain_id, org, submitter,
                                   crypto::random_bytes(ledger::sealing::kSealIdBytes),
                                   request.t_policy};
  Bytes key = crypto::random_bytes(ledger::sealing::kDataKeyBytes);
  SealedPayload out;
  auto& e = out.envelope;
  e.set_t_policy(request.t_policy);
  e.set_s_policy(request.s_policy);
  e.set_threshold(t);
  e.set_seal_id(to_string(ctx.seal_id));
  e.set_key_check(to_string(ledger::sealing::key_check(suite, ctx.seal_id, key)));
  auto result = [&]() -> Status {
    RL_ASSIGN_OR_RETURN(
        out.ciphertext,
        crypto::seal_document(suite, key, ledger::sealing::document_aad(ctx), plaintext));
    RL_ASSIGN_OR_RETURN(auto search, ledger::sealing::search_key(suite, ctx.seal_id, key));
    for (const auto& w : request.keywords) {
      auto tag = ledger::sealing::keyword_tag(suite, search, w);
      if (!tag.ok()) return bad_file(tag.error().message + ": '" + w + "'");
      e.add_keyword_tags(to_string(*tag));
    }
    crypto::cleanse(search);
    RL_ASSIGN_OR_RETURN(auto shares, crypto::shamir::split(key, t, chosen.size()));
    for (std::size_t i = 0; i < chosen.size(); ++i) {
      const auto& s = *chosen[i];
      RL_ASSIGN_OR_RETURN(auto pub, crypto::PublicKey::from_der(s.public_key_der));
      auto* ks = e.add_shares();
      ks->set_service(s.name);
      ks->set_key_id(to_string(s.key_id));
      ks->set_x(shares[i].x);
      RL_ASSIGN_OR_RETURN(
          auto wrapped,
          crypto::encrypt_to(pub, ledger::sealing::share_aad(ctx, s.name, shares[i].x),
                             shares[i].y));
      ks->set_wrapped(to_string(wrapped));
      crypto::cleanse(shares[i].y);
    }
    return {};
  }();
  crypto::cleanse(key);
  if (!result.ok()) return result.error();
  return out;
}

Result<FetchedSealed> parse_fetched_sealed(const std::string& chain_id, const json& j) {
  if (!j.is_object() || !j.contains("report") || !j.contains("seal")) {
    return bad_response("not a sealed report answer");
  }
  const auto& r = j["report"];
  const auto& s = j["seal"];
  FetchedSealed f;
  f.report_id = r.value("report_id", "");
  f.context.chain_id = chain_id;
  f.context.org = r.value("org", "");
  f.context.submitter = r.value("submitter", "");
  f.context.t_policy = s.value("t_policy", "");
  RL_ASSIGN_OR_RETURN(f.context.seal_id, hex_field(s, "seal_id"));
  RL_ASSIGN_OR_RETURN(f.key_check, hex_field(s, "key_check"));
  f.threshold = s.value("threshold", 0u);
  if (!s.contains("shares") || !s["shares"].is_array()) return bad_response("no shares");
  for (const auto& sh : s["shares"]) {
    f.shares.push_back({sh.value("service", ""), sh.value("x", 0u), sh.value("api_url", "")});
  }
  auto ct = from_base64(j.value("ciphertext", ""));
  if (!ct.ok()) return bad_response("ciphertext is not base64");
  f.ciphertext = std::move(ct).value();
  if (f.threshold == 0 || f.threshold > f.shares.size()) return bad_response("bad threshold");
  return f;
}

Result<json> release_request(const Identity& reader, const std::string& report_id,
                             const std::string& service, std::int64_t now_ms) {
  const Bytes nonce = crypto::random_bytes(16);
  RL_ASSIGN_OR_RETURN(
      auto sig, crypto::sign(reader.key, ledger::sealing::release_sign_bytes(
                                             reader.chain_id, service, report_id, now_ms, nonce)));
  return json{{"report_id", report_id},
              {"signed_at_ms", now_ms},
              {"nonce", to_hex(nonce)},
              {"signature", to_hex(sig)}};
}

Result<crypto::shamir::Share> share_from_release(const Identity& reader,
                                                 const std::string& report_id,
                                                 const std::string& service, std::uint32_t x,
                                                 const json& answer) {
  if (answer.value("service", "") != service || answer.value("x", 0u) != x) {
    return bad_response("the key service answered for another share");
  }
  RL_ASSIGN_OR_RETURN(auto wrapped, hex_field(answer, "wrapped_share"));
  auto y = crypto::decrypt_with(
      reader.key,
      ledger::sealing::release_aad(reader.chain_id, report_id, service, reader.account, x),
      wrapped);
  if (!y.ok()) return bad_response("the released share does not open: " + y.error().code);
  return crypto::shamir::Share{static_cast<std::uint8_t>(x), std::move(y).value()};
}

Result<crypto::shamir::Share> request_share(http::HttpsClient& c, const Identity& reader,
                                            const std::string& password,
                                            const std::string& report_id,
                                            const std::string& service, std::uint32_t x) {
  RL_ASSIGN_OR_RETURN(auto session, login_over(c, reader, password, "keys"));
  const auto now = rl::wall_now_ms();
  RL_ASSIGN_OR_RETURN(auto body, release_request(reader, report_id, service, now));
  auto answer = json_answer(c.request("POST", api::route_path<Route::kKeysRelease>(), body.dump(),
                                      bearer_headers(session.token)));
  // The key-channel session is for this one request.
  (void)c.request("POST", api::route_path<Route::kAuthLogout>(), "", bearer_headers(session.token));
  if (!answer.ok()) return answer.error();
  return share_from_release(reader, report_id, service, x, *answer);
}

Result<Bytes> recover_data_key(crypto::Suite suite, const FetchedSealed& f,
                               const std::vector<crypto::shamir::Share>& shares) {
  if (shares.size() < f.threshold) {
    return make_error("key_check_failed", std::to_string(shares.size()) + " shares of the " +
                                              std::to_string(f.threshold) + " needed");
  }
  RL_ASSIGN_OR_RETURN(auto key, crypto::shamir::combine(shares));
  if (!crypto::equal_ct(ledger::sealing::key_check(suite, f.context.seal_id, key), f.key_check)) {
    crypto::cleanse(key);
    return make_error("key_check_failed", "the shares do not recover the report's key");
  }
  return key;
}

Result<Bytes> open_payload(crypto::Suite suite, const FetchedSealed& f, ByteView data_key) {
  return crypto::open_document(suite, data_key, ledger::sealing::document_aad(f.context),
                               f.ciphertext);
}

}  // namespace rl::client
