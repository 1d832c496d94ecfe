#include "genesis/network_init.hpp"

#include "crypto/key_wrap.hpp"

#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "common/file_io.hpp"
#include "common/wall_clock.hpp"
#include "config/node_config.hpp"
#include "crypto/key_wrap.hpp"
#include "crypto/keys.hpp"
#include "crypto/symmetric.hpp"
#include "crypto/x509.hpp"
#include "ledger/json_keys.hpp"
#include "ledger/limits.hpp"
#include "offline/key_hierarchy.hpp"

namespace rl::genesis {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr std::int64_t kDay = 24 * 3600;

Error bad(const std::string& what) {
  return make_error("bad_definition", what);
}

std::string random_password() {
  // 18 random bytes -> 24 base64 characters (no padding).
  return to_base64(crypto::random_bytes(18));
}

struct Ca {
  crypto::PrivateKey key;
  crypto::Certificate cert;
};

Result<Ca> make_root(crypto::Suite suite, const std::string& org) {
  RL_ASSIGN_OR_RETURN(auto key, crypto::PrivateKey::generate(suite));
  crypto::IssueOptions o;
  o.not_before = rl::wall_now_s() - 3600;
  o.not_after = rl::wall_now_s() + 10 * 365 * kDay;
  o.profile = crypto::CertProfile::kRootCa;
  RL_ASSIGN_OR_RETURN(auto cert, crypto::create_root_certificate(
                                     key, {"RegLedger Root CA", org, "Network", ""}, o));
  return Ca{key, cert};
}

Result<crypto::Certificate> issue(const Ca& ca, const crypto::PrivateKey& key,
                                  const crypto::Subject& subject, crypto::CertProfile profile,
                                  std::int64_t days, std::vector<std::string> ips = {},
                                  std::vector<std::string> dns = {}) {
  RL_ASSIGN_OR_RETURN(auto csr, crypto::CertificateRequest::create(key, subject));
  crypto::IssueOptions o;
  o.not_before = rl::wall_now_s() - 3600;
  o.not_after = rl::wall_now_s() + days * kDay;
  o.profile = profile;
  o.ip_addresses = std::move(ips);
  o.dns_names = std::move(dns);
  return crypto::issue_certificate(ca.cert, ca.key, csr, o);
}

// Ids the ledger accepts, no organization or admin account twice.
Status check_regulators(const NetworkDefinition& d) {
  if (d.regulators.empty() || d.regulators.size() > 16) return bad("regulators: 1-16 entries");
  std::set<std::string> orgs, admins;
  auto valid = [](const std::string& id) {
    return !id.empty() && id.size() <= 64 &&
           id.find_first_not_of(
               "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
               std::string::npos;
  };
  for (const auto& r : d.regulators) {
    if (!valid(r.org) || !valid(r.admin)) {
      return bad("regulator org and admin ids are 1-64 of [A-Za-z0-9._-]");
    }
    if (r.name.empty()) return bad("regulator " + r.org + " needs a name");
    if (!orgs.insert(r.org).second) return bad("regulator organization " + r.org + " twice");
    if (!admins.insert(r.admin).second) return bad("admin account " + r.admin + " twice");
  }
  return {};
}

}  // namespace

Result<ledger::GenesisCredential> make_credential(const std::string& password, std::uint64_t n) {
  ledger::GenesisCredential c;
  c.salt = crypto::random_bytes(16);
  c.n = n;
  RL_ASSIGN_OR_RETURN(c.hash, crypto::scrypt(as_bytes(password), c.salt, c.n, c.r, c.p, 32));
  return c;
}

NetworkDefinition default_definition() {
  NetworkDefinition d;
  for (int i = 0; i < 100; ++i) d.permission_mapping[i] = static_cast<std::uint32_t>(i);
  ledger::GenesisTemplate t;
  t.id = "capital-adequacy";
  t.name = "Quarterly capital adequacy return";
  t.data_level_floor = 2;
  t.required_fields = {"institution", "period", "cet1_ratio", "total_capital"};
  d.templates.push_back(t);
  return d;
}

Result<NetworkDefinition> load_definition(const std::string& path) {
  RL_ASSIGN_OR_RETURN(auto text, read_file(path, 1024 * 1024));
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad(path + " is not a JSON object");
  if (auto key = ledger::first_duplicate_json_key(text)) {
    return bad("duplicate key '" + *key + "' in " + path);
  }
  static const std::set<std::string> known = {
      "_comment",   "chain_id",           "suite",           "validators",
      "host",       "api_port_base",      "p2p_port_base",   "regulator",
      "block",      "permission_mapping", "templates",       "observers",
      "regulators", "governance",         "encrypt_at_rest", "metrics_port_base"};
  for (const auto& [k, v] : j.items()) {
    if (!known.count(k)) return bad("unknown key '" + k + "' in " + path);
  }
  NetworkDefinition d;
  try {
    d.chain_id = j.value("chain_id", d.chain_id);
    auto suite = crypto::parse_suite(j.value("suite", std::string("p256-sha256")));
    if (!suite.ok()) return bad("suite must be p256-sha256 or sm2-sm3");
    d.suite = *suite;
    d.validators = j.value("validators", d.validators);
    d.observers = j.value("observers", d.observers);
    d.host = j.value("host", d.host);
    d.encrypt_at_rest = j.value("encrypt_at_rest", d.encrypt_at_rest);
    d.api_port_base = j.value("api_port_base", d.api_port_base);
    d.p2p_port_base = j.value("p2p_port_base", d.p2p_port_base);
    d.metrics_port_base = j.value("metrics_port_base", d.metrics_port_base);
    if (j.contains("regulator") && j.contains("regulators")) {
      return bad("use either \"regulator\" (one) or \"regulators\" (a list), not both");
    }
    auto regulator = [](const json& r) {
      RegulatorDefinition def;
      def.org = r.value("org", def.org);
      def.name = r.value("name", def.name);
      def.admin = r.value("admin", def.admin);
      return def;
    };
    if (j.contains("regulator")) d.regulators = {regulator(j["regulator"])};
    if (j.contains("regulators")) {
      if (!j["regulators"].is_array() || j["regulators"].empty()) {
        return bad("regulators must be a non-empty array of {org, name, admin}");
      }
      d.regulators.clear();
      for (const auto& r : j["regulators"]) d.regulators.push_back(regulator(r));
    }
    // Reuse the genesis parser for the parts that have the same shape, so that the two
    // formats cannot drift apart.
    json probe = {{"chain_id", d.chain_id},
                  {"suite", std::string(crypto::suite_name(d.suite))},
                  {"genesis_time_ms", 0},
                  {"root_certificates", json::array({"x"})},
                  {"validators", json::array({{{"name", "v"}, {"certificate", "x"}}})}};
    if (j.contains("block")) probe["block"] = j["block"];
    if (j.contains("permission_mapping")) probe["permission_mapping"] = j["permission_mapping"];
    if (j.contains("templates")) {
      // An entry may name a template file (the governance form), relative to this file.
      if (!j["templates"].is_array()) return bad("templates must be an array");
      json templates = json::array();
      for (const auto& t : j["templates"]) {
        if (!t.is_string()) {
          templates.push_back(t);
          continue;
        }
        const auto file = std::filesystem::path(path).parent_path() / t.get<std::string>();
        auto text = read_file(file.string(), ledger::limits::kMaxTemplateJsonBytes);
        if (!text.ok()) return bad("template file " + file.string() + ": " + text.error().message);
        json tj = json::parse(*text, nullptr, false);
        if (tj.is_discarded()) return bad("template file " + file.string() + " is not JSON");
        templates.push_back(std::move(tj));
      }
      probe["templates"] = templates;
    }
    if (j.contains("governance")) probe["governance"] = j["governance"];
    json orgs = json::array();
    for (const auto& r : d.regulators) {
      orgs.push_back({{"id", r.org}, {"name", r.name}, {"kind", "regulator"}});
    }
    probe["organizations"] = orgs;
    RL_ASSIGN_OR_RETURN(auto parsed, ledger::parse_genesis(probe.dump()));
    d.block = parsed.block;
    d.permission_mapping = parsed.permission_mapping;
    d.templates = parsed.templates;
    d.governance_threshold = parsed.governance_threshold;
  } catch (const json::exception& e) {
    return bad(path + ": " + e.what());
  }
  if (d.validators < 1 || d.validators > 64) return bad("validators must be 1-64");
  if (d.observers > 16) return bad("observers must be 0-16");
  RL_TRY(check_regulators(d));
  return d;
}

Result<InitResult> init_network(const NetworkDefinition& def, const std::string& out_dir) {
  RL_TRY(check_regulators(def));
  const std::string& ca_org = def.regulators.front().name;
  std::error_code ec;
  if (fs::exists(fs::path(out_dir) / "genesis.json", ec)) {
    return make_error("already_exists",
                      out_dir + "/genesis.json exists; choose an empty directory");
  }
  fs::create_directories(out_dir, ec);
  if (ec) return make_error("write_failed", "cannot create " + out_dir + ": " + ec.message());
  const fs::path out(out_dir);

  RL_ASSIGN_OR_RETURN(auto root, make_root(def.suite, ca_org));
  RL_ASSIGN_OR_RETURN(auto issuing_key, crypto::PrivateKey::generate(def.suite));
  RL_ASSIGN_OR_RETURN(auto issuing_cert,
                      issue(root, issuing_key, {"RegLedger Issuing CA", ca_org, "CA", ""},
                            crypto::CertProfile::kIntermediateCa, 5 * 365));
  Ca issuing{issuing_key, issuing_cert};
  RL_TRY(write_file((out / "ca/root.pem").string(), root.cert.to_pem()));
  RL_TRY(write_file((out / "ca/root.key").string(), root.key.to_pem(), true));
  RL_TRY(write_file((out / "ca/issuing.pem").string(), issuing.cert.to_pem()));
  RL_TRY(write_file((out / "ca/issuing.key").string(), issuing.key.to_pem(), true));

  ledger::Genesis g;
  g.chain_id = def.chain_id;
  g.suite = def.suite;
  g.genesis_time_ms = rl::wall_now_s() * 1000;
  g.root_pems = {root.cert.to_pem()};
  g.intermediate_pems = {issuing.cert.to_pem()};
  g.permission_mapping = def.permission_mapping;
  g.templates = def.templates;
  g.block = def.block;
  for (const auto& r : def.regulators) g.organizations.push_back({r.org, r.name, "regulator"});
  g.governance_threshold = def.governance_threshold;

  // Offline value (docs/offline.md "Network configuration"): the issuer key pair that signs root
  // vouchers (public half in genesis) and the issuer master MAC key, which only its hash names
  // in genesis; the key goes to every node's home, 0600.
  RL_ASSIGN_OR_RETURN(auto offline_issuer, crypto::PrivateKey::generate(def.suite));
  const Bytes offline_master = crypto::random_bytes(offline::mac_key_size(def.suite));
  RL_TRY(
      write_file((out / "ca/offline-issuer.pem").string(), offline_issuer.public_key().to_pem()));
  RL_TRY(write_file((out / "ca/offline-issuer.key").string(), offline_issuer.to_pem(), true));
  RL_TRY(write_file((out / "ca/offline-master.key").string(), to_hex(offline_master) + "\n", true));
  // The mask key third-party tokens are keyed by (decision 0060): one per network, on every
  // node, 0600. Not named in genesis: tokens are not consensus state (see the decision).
  const Bytes mask_key = crypto::random_bytes(32);
  RL_TRY(write_file((out / "ca/mask.key").string(), to_hex(mask_key) + "\n", true));
  g.offline = ledger::GenesisOffline{{offline_issuer.public_key().to_pem()},
                                     ledger::master_key_check(def.suite, offline_master),
                                     offline::Limits{}};

  // sm2-sm3: a separate P-256 transport CA for TLS only (decision 0033).
  std::optional<Ca> tls_root;
  if (def.suite != crypto::Suite::kP256Sha256) {
    RL_ASSIGN_OR_RETURN(auto r, make_root(crypto::Suite::kP256Sha256, ca_org + " TLS"));
    RL_TRY(write_file((out / "ca/tls-root.pem").string(), r.cert.to_pem()));
    RL_TRY(write_file((out / "ca/tls-root.key").string(), r.key.to_pem(), true));
    tls_root = std::move(r);
  }

  InitResult result;
  result.tls_ca_path = (out / (tls_root ? "ca/tls-root.pem" : "ca/root.pem")).string();
  // Every node: a signing key + certificate from the root (the validator identity in genesis)
  // and, on sm2-sm3 networks, a separate P-256 transport certificate from the TLS root.
  struct NodeIdentity {
    std::string name;
    bool observer = false;
    std::uint32_t slot = 0;  // port offset
    crypto::PrivateKey key;
    crypto::Certificate cert;
    std::optional<std::pair<crypto::PrivateKey, crypto::Certificate>> tls;
  };
  std::vector<NodeIdentity> nodes;
  // Sealed reports (docs/sealed.md): every validator runs a key service for a regulator
  // organization, in turn; its private key goes to the node's home only.
  std::map<std::string, crypto::PrivateKey> key_service_keys;  // by node name
  for (std::uint32_t i = 0; i < def.validators + def.observers; ++i) {
    bool observer = i >= def.validators;
    std::string name =
        observer ? "observer" + std::to_string(i - def.validators) : "node" + std::to_string(i);
    RL_ASSIGN_OR_RETURN(auto key, crypto::PrivateKey::generate(def.suite));
    RL_ASSIGN_OR_RETURN(
        auto cert,
        issue(root, key, {name, ca_org, observer ? "Observers" : "Validators", ""},
              crypto::CertProfile::kTlsServerClient, 2 * 365, {def.host}, {"localhost", name}));
    NodeIdentity n{name, observer, i, key, cert, std::nullopt};
    if (tls_root) {
      RL_ASSIGN_OR_RETURN(auto tls_key, crypto::PrivateKey::generate(crypto::Suite::kP256Sha256));
      RL_ASSIGN_OR_RETURN(auto tls_cert, issue(*tls_root, tls_key, {name, ca_org, "Transport", ""},
                                               crypto::CertProfile::kTlsServerClient, 2 * 365,
                                               {def.host}, {"localhost", name}));
      n.tls.emplace(tls_key, tls_cert);
    }
    std::string p2p = def.host + ":" + std::to_string(def.p2p_port_base + i);
    std::string api = "https://" + def.host + ":" + std::to_string(def.api_port_base + i);
    if (observer) {
      g.observers.push_back({name, n.tls ? n.tls->second.to_pem() : cert.to_pem(), p2p, api});
    } else {
      ledger::GenesisValidator v;
      v.name = name;
      v.certificate_pem = cert.to_pem();
      v.power = 1;
      v.p2p_address = p2p;
      v.api_url = api;
      if (n.tls) v.tls_certificate_pem = n.tls->second.to_pem();
      g.validators.push_back(v);
      RL_ASSIGN_OR_RETURN(auto ks_key, crypto::PrivateKey::generate(def.suite));
      g.key_services.push_back({"ks-" + name, def.regulators[i % def.regulators.size()].org,
                                ks_key.public_key().to_pem(), api});
      key_service_keys.emplace(name, std::move(ks_key));
    }
    nodes.push_back(std::move(n));
  }

  // One admin per regulator: bound certificate at genesis, password stored for the operator.
  struct AdminIdentity {
    const RegulatorDefinition& reg;
    crypto::PrivateKey key;
    crypto::Certificate cert;
    std::string password;
  };
  std::vector<AdminIdentity> admins;
  for (const auto& r : def.regulators) {
    std::string password = random_password();
    RL_ASSIGN_OR_RETURN(auto admin_key, crypto::PrivateKey::generate(def.suite));
    RL_ASSIGN_OR_RETURN(auto admin_cert, issue(issuing, admin_key, {r.admin, r.name, "Admins", ""},
                                               crypto::CertProfile::kEndEntity, 365));
    RL_ASSIGN_OR_RETURN(auto cred, make_credential(password, def.scrypt_n));
    ledger::GenesisAccount admin;
    admin.id = r.admin;
    admin.org = r.org;
    admin.role = "admin";
    admin.permission_code = "0199";
    admin.credential = cred;
    admin.certificate_pems = {admin_cert.to_pem()};
    g.accounts.push_back(admin);
    admins.push_back({r, admin_key, admin_cert, password});
  }

  // Round-trip through the parser: what we write is what a node will accept.
  std::string genesis_json = ledger::genesis_to_json(g);
  RL_ASSIGN_OR_RETURN(auto reparsed, ledger::parse_genesis(genesis_json));
  RL_ASSIGN_OR_RETURN(auto anchor, ledger::make_trust_anchor(reparsed));
  RL_TRY(write_file((out / "genesis.json").string(), genesis_json));
  result.genesis_path = (out / "genesis.json").string();

  for (const auto& n : nodes) {
    fs::path home = out / "nodes" / n.name;
    node::NodeConfig c;
    c.name = n.name;
    if (n.tls) {
      RL_TRY(write_file((home / "tls.pem").string(), n.tls->second.to_pem()));
      RL_TRY(write_file((home / "tls.key").string(), n.tls->first.to_pem(), true));
      c.tls_cert_file = "tls.pem";
      c.tls_key_file = "tls.key";
    }
    c.observer = n.observer;
    c.validator_index = n.observer ? 0 : n.slot;
    c.api_listen_host = def.host;
    c.api_port = static_cast<std::uint16_t>(def.api_port_base + n.slot);
    c.p2p_listen_host = def.host;
    c.p2p_port = static_cast<std::uint16_t>(def.p2p_port_base + n.slot);
    if (def.metrics_port_base != 0) {
      c.metrics_listen = "127.0.0.1:" + std::to_string(def.metrics_port_base + n.slot);
    }
    c.offline_master_key_file = "offline-master.key";
    RL_TRY(write_file((home / c.offline_master_key_file).string(), to_hex(offline_master) + "\n",
                      true));
    if (def.encrypt_at_rest) {
      // Beside the data in a demo home; an operator moves it to other media or a PKCS#11
      // token (docs/protection.md "Key hierarchy").
      c.kek_file = "kek.key";
      fs::create_directories(home);
      RL_TRY(crypto::create_file_kek((home / c.kek_file).string()));
    }
    c.mask_key_file = "mask.key";
    RL_TRY(write_file((home / c.mask_key_file).string(), to_hex(mask_key) + "\n", true));
    if (auto ks = key_service_keys.find(n.name); ks != key_service_keys.end()) {
      c.key_service_name = "ks-" + n.name;
      c.key_service_key_file = "key-service.key";
      RL_TRY(write_file((home / c.key_service_key_file).string(), ks->second.to_pem(), true));
    }
    RL_TRY(write_file((home / "config.json").string(), node::node_config_to_json(c)));
    RL_TRY(write_file((home / "genesis.json").string(), genesis_json));
    RL_TRY(write_file((home / "node.pem").string(), n.cert.to_pem()));
    RL_TRY(write_file((home / "node.key").string(), n.key.to_pem(), true));
    RL_TRY(write_file((home / "ca.pem").string(),
                      tls_root ? tls_root->cert.to_pem() : root.cert.to_pem()));
    result.node_homes.push_back(home.string());
  }

  for (const auto& a : admins) {
    fs::path adir = out / "accounts" / a.reg.admin;
    json ident = {{"account", a.reg.admin},
                  {"org", a.reg.org},
                  {"chain_id", def.chain_id},
                  {"suite", std::string(crypto::suite_name(def.suite))}};
    RL_TRY(write_file((adir / "identity.json").string(), ident.dump(2) + "\n"));
    RL_TRY(write_file((adir / "key.pem").string(), a.key.to_pem(), true));
    RL_TRY(write_file((adir / "cert.pem").string(), a.cert.to_pem()));
    RL_TRY(write_file((adir / "password").string(), a.password + "\n", true));
    result.admin_dirs.push_back(adir.string());
  }
  result.admin_dir = result.admin_dirs.front();
  return result;
}

}  // namespace rl::genesis
