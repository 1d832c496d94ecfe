#include "ledger/genesis.hpp"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "crypto/hash.hpp"
#include "crypto/keys.hpp"
#include "ledger/id_rules.hpp"
#include "ledger/json_keys.hpp"
#include "ledger/limits.hpp"
#include "ledger/report_template.hpp"

namespace rl::ledger {
namespace {

using nlohmann::json;

Error bad(const std::string& what) {
  return make_error("bad_genesis", what);
}

Result<std::string> get_string(const json& j, const char* key, bool required = true) {
  auto it = j.find(key);
  if (it == j.end()) {
    if (required) return bad(std::string("missing field '") + key + "'");
    return std::string();
  }
  if (!it->is_string()) return bad(std::string("field '") + key + "' must be a string");
  return it->get<std::string>();
}

Result<std::uint64_t> get_uint(const json& j, const char* key, std::uint64_t dflt,
                               bool required = false) {
  auto it = j.find(key);
  if (it == j.end()) {
    if (required) return bad(std::string("missing field '") + key + "'");
    return dflt;
  }
  if (!it->is_number_unsigned()) {
    return bad(std::string("field '") + key + "' must be a non-negative integer");
  }
  return it->get<std::uint64_t>();
}

Result<Bytes> get_hex(const json& j, const char* key) {
  RL_ASSIGN_OR_RETURN(auto s, get_string(j, key));
  auto b = from_hex(s);
  if (!b.ok()) return bad(std::string("field '") + key + "' is not hex");
  return std::move(b).value();
}

Result<std::vector<std::string>> get_string_array(const json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end()) return out;
  if (!it->is_array()) return bad(std::string("field '") + key + "' must be an array");
  for (const auto& e : *it) {
    if (!e.is_string()) return bad(std::string("field '") + key + "' must hold strings");
    out.push_back(e.get<std::string>());
  }
  return out;
}

// Ids name state records (org/<id>, acct/<id>, tmpl/<id>) and P2P identities: a second entry
// with the same id would silently overwrite the first one's record.
template <typename Items, typename IdOf>
Status refuse_duplicates(const Items& items, const std::string& kind, IdOf id_of) {
  std::set<std::string> seen;
  for (const auto& item : items) {
    const std::string& id = id_of(item);
    if (!seen.insert(id).second) return bad("duplicate " + kind + " '" + id + "'");
  }
  return {};
}

Result<std::int64_t> get_positive(const json& j, const char* key, std::int64_t dflt) {
  RL_ASSIGN_OR_RETURN(auto v, get_uint(j, key, static_cast<std::uint64_t>(dflt)));
  if (v == 0 || v > (std::uint64_t{1} << 62)) {
    return bad(std::string("offline.limits.") + key + " must be 1 .. 2^62");
  }
  return static_cast<std::int64_t>(v);
}

// The "offline" section (ledger/genesis_offline.hpp); strict like the top level.
Result<GenesisOffline> parse_offline(const json& o) {
  if (!o.is_object()) return bad("offline must be an object");
  for (const auto& [k, v] : o.items()) {
    if (k != "issuer_keys" && k != "master_key_hash" && k != "limits") {
      return bad("unknown field 'offline." + k + "'");
    }
  }
  GenesisOffline off;
  RL_ASSIGN_OR_RETURN(off.issuer_keys, get_string_array(o, "issuer_keys"));
  if (off.issuer_keys.empty() || off.issuer_keys.size() > 16) {
    return bad("offline.issuer_keys must name 1-16 keys");
  }
  RL_ASSIGN_OR_RETURN(off.master_key_hash, get_hex(o, "master_key_hash"));
  if (off.master_key_hash.empty() || off.master_key_hash.size() > 64) {
    return bad("offline.master_key_hash must be a hash");
  }
  if (o.contains("limits")) {
    const auto& l = o["limits"];
    if (!l.is_object()) return bad("offline.limits must be an object");
    static const std::set<std::string> kLimits = {"balance_cap", "per_transfer_cap",
                                                  "transfers_before_settle", "hop_limit",
                                                  "voucher_expiry_seconds"};
    for (const auto& [k, v] : l.items()) {
      if (!kLimits.count(k)) return bad("unknown field 'offline.limits." + k + "'");
    }
    auto& lim = off.limits;
    RL_ASSIGN_OR_RETURN(lim.balance_cap, get_positive(l, "balance_cap", lim.balance_cap));
    RL_ASSIGN_OR_RETURN(lim.per_transfer_cap,
                        get_positive(l, "per_transfer_cap", lim.per_transfer_cap));
    RL_ASSIGN_OR_RETURN(auto tbs,
                        get_positive(l, "transfers_before_settle",
                                     static_cast<std::int64_t>(lim.transfers_before_settle)));
    lim.transfers_before_settle = static_cast<std::uint64_t>(tbs);
    RL_ASSIGN_OR_RETURN(auto hops, get_positive(l, "hop_limit", lim.hop_limit));
    if (hops > 64) return bad("offline.limits.hop_limit must be 1-64");
    lim.hop_limit = static_cast<std::uint32_t>(hops);
    RL_ASSIGN_OR_RETURN(lim.max_voucher_lifetime,
                        get_positive(l, "voucher_expiry_seconds", lim.max_voucher_lifetime));
  }
  return off;
}

// The "key_services" section: each a regulator of this genesis's key, of the network's suite.
Result<std::vector<GenesisKeyService>> parse_key_services(const json& arr, const Genesis& g) {
  if (!arr.is_array() || arr.size() > 16) return bad("key_services must be an array of 0-16");
  std::vector<GenesisKeyService> out;
  for (const auto& k : arr) {
    if (!k.is_object()) return bad("key_services entries must be objects");
    for (const auto& [key, v] : k.items()) {
      if (key != "name" && key != "org" && key != "public_key" && key != "api") {
        return bad("unknown field 'key_services." + key + "'");
      }
    }
    GenesisKeyService ks;
    RL_ASSIGN_OR_RETURN(ks.name, get_string(k, "name"));
    RL_ASSIGN_OR_RETURN(ks.org, get_string(k, "org"));
    RL_ASSIGN_OR_RETURN(ks.public_key_pem, get_string(k, "public_key"));
    RL_ASSIGN_OR_RETURN(ks.api_url, get_string(k, "api"));
    if (!valid_id(ks.name)) return bad("bad key service name '" + ks.name + "'");
    const bool regulator = std::any_of(
        g.organizations.begin(), g.organizations.end(),
        [&](const GenesisOrganization& o) { return o.id == ks.org && o.kind == "regulator"; });
    if (!regulator) {
      return bad("key service " + ks.name + ": org '" + ks.org + "' is not a regulator");
    }
    auto key = crypto::PublicKey::from_pem(ks.public_key_pem);
    if (!key.ok() || key->suite() != g.suite) {
      return bad("key service " + ks.name + ": public_key is not a key of the network's suite");
    }
    if (!ks.api_url.starts_with("https://") || ks.api_url.size() > 256) {
      return bad("key service " + ks.name + ": api must be an https:// URL");
    }
    out.push_back(std::move(ks));
  }
  RL_TRY(refuse_duplicates(
      out, "key service", [](const GenesisKeyService& k) -> const std::string& { return k.name; }));
  return out;
}

}  // namespace

pb::TemplateDefinition template_definition(const GenesisTemplate& t) {
  pb::TemplateDefinition d;
  d.set_template_id(t.id);
  d.set_name(t.name);
  d.set_data_level_floor(t.data_level_floor);
  for (const auto& f : t.required_fields) d.add_required_fields(f);
  d.set_max_payload_bytes(t.max_payload_bytes);
  d.set_schema(t.schema);
  if (t.calendar) *d.mutable_calendar() = *t.calendar;
  return d;
}

Result<Genesis> parse_genesis(std::string_view text) {
  if (text.size() > limits::kMaxGenesisBytes) return bad("genesis file too large");
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
  if (auto key = first_duplicate_json_key(text)) return bad("duplicate key '" + *key + "'");

  static const std::set<std::string> kKnown = {"chain_id",
                                               "suite",
                                               "genesis_time_ms",
                                               "root_certificates",
                                               "intermediate_certificates",
                                               "validators",
                                               "observers",
                                               "organizations",
                                               "accounts",
                                               "permission_mapping",
                                               "templates",
                                               "block",
                                               "governance",
                                               "offline",
                                               "key_services"};
  for (const auto& [k, v] : j.items()) {
    if (!kKnown.count(k)) return bad("unknown top-level field '" + k + "'");
  }

  Genesis g;
  RL_ASSIGN_OR_RETURN(g.chain_id, get_string(j, "chain_id"));
  if (!valid_id(g.chain_id)) return bad("chain_id must be 1-64 of [A-Za-z0-9._-]");
  RL_ASSIGN_OR_RETURN(auto suite_name, get_string(j, "suite"));
  auto suite = crypto::parse_suite(suite_name);
  if (!suite.ok()) return bad("unknown suite '" + suite_name + "'");
  g.suite = *suite;
  RL_ASSIGN_OR_RETURN(auto t, get_uint(j, "genesis_time_ms", 0, true));
  g.genesis_time_ms = static_cast<std::int64_t>(t);
  RL_ASSIGN_OR_RETURN(g.root_pems, get_string_array(j, "root_certificates"));
  if (g.root_pems.empty()) return bad("at least one root certificate is required");
  RL_ASSIGN_OR_RETURN(g.intermediate_pems, get_string_array(j, "intermediate_certificates"));

  if (!j.contains("validators") || !j["validators"].is_array() || j["validators"].empty()) {
    return bad("validators must be a non-empty array");
  }
  for (const auto& v : j["validators"]) {
    if (!v.is_object()) return bad("validator entries must be objects");
    GenesisValidator gv;
    RL_ASSIGN_OR_RETURN(gv.name, get_string(v, "name"));
    RL_ASSIGN_OR_RETURN(gv.certificate_pem, get_string(v, "certificate"));
    RL_ASSIGN_OR_RETURN(gv.power, get_uint(v, "power", 1));
    if (gv.power == 0 || gv.power > (1ull << 40)) return bad("validator power out of range");
    RL_ASSIGN_OR_RETURN(gv.p2p_address, get_string(v, "p2p", false));
    RL_ASSIGN_OR_RETURN(gv.api_url, get_string(v, "api", false));
    RL_ASSIGN_OR_RETURN(gv.tls_certificate_pem, get_string(v, "tls_certificate", false));
    g.validators.push_back(std::move(gv));
  }
  if (j.contains("observers")) {
    if (!j["observers"].is_array()) return bad("observers must be an array");
    for (const auto& o : j["observers"]) {
      if (!o.is_object()) return bad("observer entries must be objects");
      GenesisObserver go;
      RL_ASSIGN_OR_RETURN(go.name, get_string(o, "name"));
      RL_ASSIGN_OR_RETURN(go.certificate_pem, get_string(o, "certificate"));
      RL_ASSIGN_OR_RETURN(go.p2p_address, get_string(o, "p2p", false));
      RL_ASSIGN_OR_RETURN(go.api_url, get_string(o, "api", false));
      g.observers.push_back(std::move(go));
    }
  }
  {
    // Validators and observers share one name space: the name is the node's P2P identity.
    std::vector<std::string> names;
    for (const auto& v : g.validators) names.push_back(v.name);
    for (const auto& o : g.observers) names.push_back(o.name);
    RL_TRY(refuse_duplicates(names, "node name",
                             [](const std::string& n) -> const std::string& { return n; }));
  }

  if (j.contains("organizations")) {
    if (!j["organizations"].is_array()) return bad("organizations must be an array");
    for (const auto& o : j["organizations"]) {
      GenesisOrganization go;
      RL_ASSIGN_OR_RETURN(go.id, get_string(o, "id"));
      RL_ASSIGN_OR_RETURN(go.name, get_string(o, "name"));
      RL_ASSIGN_OR_RETURN(go.kind, get_string(o, "kind"));
      if (!valid_id(go.id)) return bad("bad organization id '" + go.id + "'");
      g.organizations.push_back(std::move(go));
    }
  }
  if (j.contains("accounts")) {
    if (!j["accounts"].is_array()) return bad("accounts must be an array");
    for (const auto& a : j["accounts"]) {
      GenesisAccount ga;
      RL_ASSIGN_OR_RETURN(ga.id, get_string(a, "id"));
      RL_ASSIGN_OR_RETURN(ga.org, get_string(a, "org"));
      RL_ASSIGN_OR_RETURN(ga.role, get_string(a, "role"));
      RL_ASSIGN_OR_RETURN(ga.permission_code, get_string(a, "permission_code"));
      if (!valid_id(ga.id)) return bad("bad account id '" + ga.id + "'");
      if (a.contains("credential")) {
        const auto& c = a["credential"];
        RL_ASSIGN_OR_RETURN(ga.credential.salt, get_hex(c, "salt"));
        RL_ASSIGN_OR_RETURN(ga.credential.hash, get_hex(c, "hash"));
        RL_ASSIGN_OR_RETURN(ga.credential.n, get_uint(c, "n", 1 << 14));
        RL_ASSIGN_OR_RETURN(auto r, get_uint(c, "r", 8));
        RL_ASSIGN_OR_RETURN(auto p, get_uint(c, "p", 1));
        ga.credential.r = static_cast<std::uint32_t>(r);
        ga.credential.p = static_cast<std::uint32_t>(p);
      }
      RL_ASSIGN_OR_RETURN(ga.certificate_pems, get_string_array(a, "certificates"));
      RL_ASSIGN_OR_RETURN(ga.department, get_string(a, "department", false));
      if (!ga.department.empty() && !valid_id(ga.department)) {
        return bad("account " + ga.id + ": department must be 1-64 of [A-Za-z0-9._-]");
      }
      g.accounts.push_back(std::move(ga));
    }
  }

  // permission_mapping: {"LL": data_level}; levels not listed map to 0.
  if (j.contains("permission_mapping")) {
    const auto& m = j["permission_mapping"];
    if (!m.is_object()) return bad("permission_mapping must be an object");
    for (const auto& [k, v] : m.items()) {
      if (k.size() != 2 || !isdigit(k[0]) || !isdigit(k[1])) {
        return bad("permission_mapping keys are two-digit levels");
      }
      if (!v.is_number_unsigned() || v.get<std::uint64_t>() > 99) {
        return bad("permission_mapping values are data levels 0-99");
      }
      g.permission_mapping[std::stoi(k)] = v.get<std::uint32_t>();
    }
  }

  if (j.contains("templates")) {
    if (!j["templates"].is_array()) return bad("templates must be an array");
    for (const auto& t : j["templates"]) {
      // One template parser and one rule set for genesis and governance alike.
      auto def = parse_template_json(t.dump());
      if (!def.ok()) return bad(def.error().message);
      if (def->masks_size() > 0) return bad("template masks are added by governance");
      if (auto st = check_template_definition(*def); !st.ok()) {
        return bad("template " + def->template_id() + ": " + st.error().message);
      }
      GenesisTemplate gt;
      gt.id = def->template_id();
      gt.name = def->name();
      gt.data_level_floor = def->data_level_floor();
      gt.required_fields.assign(def->required_fields().begin(), def->required_fields().end());
      gt.max_payload_bytes = def->max_payload_bytes();
      gt.schema = def->schema();
      if (def->has_calendar()) gt.calendar = def->calendar();
      g.templates.push_back(std::move(gt));
    }
  }
  if (j.contains("block")) {
    const auto& b = j["block"];
    RL_ASSIGN_OR_RETURN(auto interval, get_uint(b, "interval_ms", 100));
    RL_ASSIGN_OR_RETURN(auto max_txs, get_uint(b, "max_txs", 5000));
    RL_ASSIGN_OR_RETURN(auto window,
                        get_uint(b, "tx_expiry_window", BlockParams::kDefaultTxExpiryWindow));
    if (interval == 0 || interval > 60000) return bad("block.interval_ms must be 1-60000");
    if (max_txs == 0 || max_txs > limits::kMaxBlockTxs) return bad("block.max_txs out of range");
    if (window == 0 || window > limits::kMaxTxExpiryWindow) {
      return bad("block.tx_expiry_window must be 1-" + std::to_string(limits::kMaxTxExpiryWindow));
    }
    g.block.block_interval_ms = static_cast<std::uint32_t>(interval);
    g.block.max_block_txs = static_cast<std::uint32_t>(max_txs);
    g.block.tx_expiry_window = window;
  }
  if (j.contains("governance")) {
    const auto& gov = j["governance"];
    if (!gov.is_object()) return bad("governance must be an object");
    for (const auto& [k, v] : gov.items()) {
      if (k != "threshold") return bad("unknown field 'governance." + k + "'");
    }
    RL_ASSIGN_OR_RETURN(auto m, get_uint(gov, "threshold", 0, true));
    if (m > 1000) return bad("governance.threshold out of range");
    g.governance_threshold = static_cast<std::uint32_t>(m);
  }
  RL_TRY(
      refuse_duplicates(g.organizations, "organization id",
                        [](const GenesisOrganization& o) -> const std::string& { return o.id; }));
  RL_TRY(refuse_duplicates(g.accounts, "account id",
                           [](const GenesisAccount& a) -> const std::string& { return a.id; }));
  RL_TRY(refuse_duplicates(g.templates, "template id",
                           [](const GenesisTemplate& t) -> const std::string& { return t.id; }));
  {
    // A certificate is bound to one account (cert/<id> records its account): binding it twice
    // would leave it bound to whichever account came last.
    std::map<std::string, std::string> owner;  // pem -> account
    for (const auto& a : g.accounts) {
      for (const auto& pem : a.certificate_pems) {
        auto [it, fresh] = owner.emplace(pem, a.id);
        if (!fresh) {
          return bad("duplicate account certificate: bound to '" + it->second + "' and '" + a.id +
                     "'");
        }
      }
    }
  }
  if (j.contains("offline")) {
    RL_ASSIGN_OR_RETURN(auto off, parse_offline(j["offline"]));
    g.offline = std::move(off);
    RL_TRY(parse_issuer_keys(g.suite, *g.offline));
  }
  if (j.contains("key_services")) {
    RL_ASSIGN_OR_RETURN(g.key_services, parse_key_services(j["key_services"], g));
  }
  RL_TRY(effective_governance_threshold(g));
  return g;
}

Result<std::uint32_t> effective_governance_threshold(const Genesis& g) {
  std::uint32_t n = 0;
  for (const auto& o : g.organizations) {
    if (o.kind == "regulator") ++n;
  }
  if (g.governance_threshold) {
    const std::uint32_t m = *g.governance_threshold;
    if (m < 1 || m > n) {
      return bad("governance.threshold must be 1-" + std::to_string(n) + " (" + std::to_string(n) +
                 " regulator organizations); it is " + std::to_string(m));
    }
    return m;
  }
  if (n <= 1) return n;
  return bad("governance.threshold is required with " + std::to_string(n) +
             " regulator organizations");
}

std::string genesis_to_json(const Genesis& g) {
  json j;
  j["chain_id"] = g.chain_id;
  j["suite"] = std::string(crypto::suite_name(g.suite));
  j["genesis_time_ms"] = g.genesis_time_ms;
  j["root_certificates"] = g.root_pems;
  j["intermediate_certificates"] = g.intermediate_pems;
  j["validators"] = json::array();
  for (const auto& v : g.validators) {
    json jv = {{"name", v.name},
               {"certificate", v.certificate_pem},
               {"power", v.power},
               {"p2p", v.p2p_address},
               {"api", v.api_url}};
    if (!v.tls_certificate_pem.empty()) jv["tls_certificate"] = v.tls_certificate_pem;
    j["validators"].push_back(std::move(jv));
  }
  if (!g.observers.empty()) {
    j["observers"] = json::array();
    for (const auto& o : g.observers) {
      j["observers"].push_back({{"name", o.name},
                                {"certificate", o.certificate_pem},
                                {"p2p", o.p2p_address},
                                {"api", o.api_url}});
    }
  }
  j["organizations"] = json::array();
  for (const auto& o : g.organizations) {
    j["organizations"].push_back({{"id", o.id}, {"name", o.name}, {"kind", o.kind}});
  }
  j["accounts"] = json::array();
  for (const auto& a : g.accounts) {
    json ja = {{"id", a.id},
               {"org", a.org},
               {"role", a.role},
               {"permission_code", a.permission_code},
               {"certificates", a.certificate_pems}};
    if (!a.department.empty()) ja["department"] = a.department;
    if (!a.credential.hash.empty()) {
      ja["credential"] = {{"salt", to_hex(a.credential.salt)},
                          {"hash", to_hex(a.credential.hash)},
                          {"n", a.credential.n},
                          {"r", a.credential.r},
                          {"p", a.credential.p}};
    }
    j["accounts"].push_back(std::move(ja));
  }
  json m = json::object();
  for (int level = 0; level < 100; ++level) {
    char key[3] = {static_cast<char>('0' + level / 10), static_cast<char>('0' + level % 10), 0};
    m[key] = g.permission_mapping[level];
  }
  j["permission_mapping"] = m;
  j["templates"] = json::array();
  for (const auto& t : g.templates) {
    j["templates"].push_back(json::parse(template_json(template_definition(t))));
  }
  j["block"] = {{"interval_ms", g.block.block_interval_ms}, {"max_txs", g.block.max_block_txs}};
  // Only when not the default: genesis files written before the window existed keep their hash.
  if (g.block.tx_expiry_window != BlockParams::kDefaultTxExpiryWindow) {
    j["block"]["tx_expiry_window"] = g.block.tx_expiry_window;
  }
  // Only when declared: genesis files written before governance existed keep their hash.
  if (g.governance_threshold) j["governance"] = {{"threshold", *g.governance_threshold}};
  if (g.offline) {
    const auto& l = g.offline->limits;
    j["offline"] = {{"issuer_keys", g.offline->issuer_keys},
                    {"master_key_hash", to_hex(g.offline->master_key_hash)},
                    {"limits",
                     {{"balance_cap", l.balance_cap},
                      {"per_transfer_cap", l.per_transfer_cap},
                      {"transfers_before_settle", l.transfers_before_settle},
                      {"hop_limit", l.hop_limit},
                      {"voucher_expiry_seconds", l.max_voucher_lifetime}}}};
  }
  // Only when declared: genesis files written before sealing existed keep their hash.
  if (!g.key_services.empty()) {
    j["key_services"] = json::array();
    for (const auto& k : g.key_services) {
      j["key_services"].push_back(
          {{"name", k.name}, {"org", k.org}, {"public_key", k.public_key_pem}, {"api", k.api_url}});
    }
  }
  return j.dump(2) + "\n";
}

Result<TrustAnchor> make_trust_anchor(const Genesis& g) {
  TrustAnchor a;
  a.chain_id = g.chain_id;
  a.suite = g.suite;
  for (const auto& pem : g.root_pems) {
    auto c = crypto::Certificate::from_pem(pem);
    if (!c.ok()) return bad("root certificate: " + c.error().message);
    a.roots.push_back(std::move(c).value());
  }
  for (const auto& pem : g.intermediate_pems) {
    auto c = crypto::Certificate::from_pem(pem);
    if (!c.ok()) return bad("intermediate certificate: " + c.error().message);
    a.intermediates.push_back(std::move(c).value());
  }
  // One key, one vote: a key under two names would count its holder's votes twice, and one
  // compromised machine could then be more than f faults (governance refuses the same,
  // duplicate_validator).
  std::map<Bytes, std::string> key_owner;  // signing key DER -> validator name
  std::vector<crypto::PublicKey> keys;
  std::vector<std::uint64_t> powers;
  for (const auto& v : g.validators) {
    auto c = crypto::Certificate::from_pem(v.certificate_pem);
    if (!c.ok()) return bad("validator " + v.name + " certificate: " + c.error().message);
    auto key = c->public_key();
    if (key.suite() != g.suite) return bad("validator " + v.name + " key does not match suite");
    auto [it, fresh] = key_owner.emplace(key.to_der(), v.name);
    if (!fresh) {
      return bad("duplicate validator key: '" + it->second + "' and '" + v.name +
                 "' have the same signing key");
    }
    keys.push_back(key);
    powers.push_back(v.power);
  }
  // The set consensus runs with: a genesis whose powers consensus cannot schedule (total above
  // consensus::kMaxTotalPower) is refused here, not when the first node starts.
  auto set = make_validator_keys(g.suite, std::move(keys), powers);
  if (!set.ok()) return bad("validators: " + set.error().message);
  a.genesis_keys = std::move(set).value();
  a.genesis_validators = g.validators;
  for (const auto& o : g.observers) {
    // The ledger never needed observers' certificates to parse (the P2P setup refuses a bad
    // one); an unparsable one simply holds no key here.
    auto c = crypto::Certificate::from_pem(o.certificate_pem);
    a.observer_names.push_back(o.name);
    a.observer_keys.push_back(c.ok() ? c->public_key().to_der() : Bytes{});
  }
  if (g.offline) {
    RL_ASSIGN_OR_RETURN(a.offline_issuer_keys, parse_issuer_keys(g.suite, *g.offline));
    a.offline_limits = g.offline->limits;
  }
  a.genesis_hash = crypto::hash(g.suite, as_bytes(genesis_to_json(g)));
  a.tx_expiry_window = g.block.tx_expiry_window;
  a.max_block_txs = g.block.max_block_txs;
  return a;
}

}  // namespace rl::ledger
