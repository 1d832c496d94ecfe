#include "config/node_config.hpp"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "common/logging.hpp"

namespace rl::node {
namespace {
using nlohmann::json;
Error bad(const std::string& what) {
  return make_error("bad_config", what);
}

// config.json is strict: a section is an object, and a key it does not know is an error (a typo
// must not silently leave a setting at its default).
Status check_section(const json& j, const std::string& name, const std::set<std::string>& known) {
  if (!j.is_object()) return bad(name + " must be an object");
  for (const auto& [k, v] : j.items()) {
    if (!known.count(k)) return bad("unknown key '" + name + "." + k + "' in config.json");
  }
  return {};
}
}  // namespace

std::string NodeConfig::path(const std::string& rel) const {
  if (!rel.empty() && rel[0] == '/') return rel;
  return (std::filesystem::path(home) / rel).string();
}

Status check_metrics_listen(const NodeConfig& c) {
  if (c.metrics_listen.empty()) return {};
  RL_ASSIGN_OR_RETURN(auto m, parse_listen_address(c.metrics_listen));
  if (!m.loopback() && !c.metrics_allow_remote) {
    return bad("metrics.listen " + c.metrics_listen +
               " is not a loopback address: the metrics text is unauthenticated; set "
               "metrics.allow_remote to serve it beyond this host");
  }
  if (m.port != 0 && (m.port == c.api_port || m.port == c.p2p_port)) {
    return bad("metrics.listen must use a port of its own, not the API or P2P port");
  }
  return {};
}

namespace {
// p2p.peer_addresses: every entry names a peer (not this node) and gives HOST:PORT with a port.
Status check_peer_addresses(const NodeConfig& c) {
  for (const auto& [name, address] : c.p2p_peer_addresses) {
    auto parsed = parse_listen_address(address);
    if (name.empty() || !parsed.ok() || parsed->host.empty() || parsed->port == 0) {
      return bad("p2p.peer_addresses[\"" + name + "\"] '" + address +
                 "' is not a peer name with HOST:PORT (port 1..65535)");
    }
    if (name == c.name) return bad("p2p.peer_addresses names this node itself (" + name + ")");
  }
  return {};
}
}  // namespace

Result<NodeConfig> load_node_config(const std::string& home) {
  NodeConfig c;
  c.home = home;
  RL_ASSIGN_OR_RETURN(auto text, read_file(c.path("config.json"), 1024 * 1024));
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("config.json is not a JSON object");
  static const std::set<std::string> known = {"name",        "validator_index",
                                              "genesis",     "data_dir",
                                              "cert",        "key",
                                              "ca",          "tls_cert",
                                              "tls_key",     "api",
                                              "mempool",     "log_level",
                                              "observer",    "p2p",
                                              "consensus",   "identity",
                                              "offline",     "storage",
                                              "protection",  "backup",
                                              "key_service", "metrics",
                                              "admin_socket"};
  for (const auto& [k, v] : j.items()) {
    if (!known.count(k)) return bad("unknown key '" + k + "' in config.json");
  }
  try {
    c.name = j.value("name", c.name);
    c.validator_index = j.value("validator_index", c.validator_index);
    c.genesis_file = j.value("genesis", c.genesis_file);
    c.data_dir = j.value("data_dir", c.data_dir);
    c.cert_file = j.value("cert", c.cert_file);
    c.key_file = j.value("key", c.key_file);
    c.ca_file = j.value("ca", c.ca_file);
    c.tls_cert_file = j.value("tls_cert", c.tls_cert_file);
    c.tls_key_file = j.value("tls_key", c.tls_key_file);
    c.log_level = j.value("log_level", c.log_level);
    c.admin_socket = j.value("admin_socket", c.admin_socket);
    if (j.contains("api")) {
      const auto& a = j["api"];
      RL_TRY(check_section(a, "api", {"host", "port", "max_body_bytes", "threads"}));
      c.api_listen_host = a.value("host", c.api_listen_host);
      c.api_port = a.value("port", c.api_port);
      c.api_max_body_bytes = a.value("max_body_bytes", c.api_max_body_bytes);
      c.api_threads = a.value("threads", c.api_threads);
    }
    if (j.contains("mempool")) {
      const auto& m = j["mempool"];
      RL_TRY(check_section(m, "mempool", {"max_txs", "max_bytes"}));
      c.mempool_max_txs = m.value("max_txs", c.mempool_max_txs);
      c.mempool_max_bytes = m.value("max_bytes", c.mempool_max_bytes);
    }
    c.observer = j.value("observer", c.observer);
    if (j.contains("p2p")) {
      const auto& p = j["p2p"];
      RL_TRY(check_section(p, "p2p",
                           {"host", "port", "max_frame_bytes", "part_bytes", "peer_addresses"}));
      c.p2p_listen_host = p.value("host", c.p2p_listen_host);
      c.p2p_port = p.value("port", c.p2p_port);
      c.p2p_max_frame_bytes = p.value("max_frame_bytes", c.p2p_max_frame_bytes);
      c.p2p_part_bytes = p.value("part_bytes", c.p2p_part_bytes);
      c.p2p_peer_addresses = p.value("peer_addresses", c.p2p_peer_addresses);
    }
    if (j.contains("consensus")) {
      const auto& t = j["consensus"];
      RL_TRY(check_section(t, "consensus",
                           {"timeout_propose_ms", "timeout_vote_ms", "timeout_delta_ms",
                            "sign_from_height", "compact_proposals"}));
      c.timeout_propose_ms = t.value("timeout_propose_ms", c.timeout_propose_ms);
      c.timeout_vote_ms = t.value("timeout_vote_ms", c.timeout_vote_ms);
      c.timeout_delta_ms = t.value("timeout_delta_ms", c.timeout_delta_ms);
      c.sign_from_height = t.value("sign_from_height", c.sign_from_height);
      c.compact_proposals = t.value("compact_proposals", c.compact_proposals);
    }
    if (j.contains("identity")) {
      const auto& i = j["identity"];
      static const std::set<std::string> known_identity = {
          "read_access", "audit_dir",      "challenge_ttl_ms",   "session_ttl_ms", "max_failures",
          "lockout_ms",  "max_challenges", "max_sessions",       "ca_cert",        "ca_key",
          "operator",    "enroll_wait_ms", "cert_validity_days", "enroll_approval"};
      RL_TRY(check_section(i, "identity", known_identity));
      c.read_access = i.value("read_access", c.read_access);
      c.audit_dir = i.value("audit_dir", c.audit_dir);
      c.challenge_ttl_ms = i.value("challenge_ttl_ms", c.challenge_ttl_ms);
      c.session_ttl_ms = i.value("session_ttl_ms", c.session_ttl_ms);
      c.login_max_failures = i.value("max_failures", c.login_max_failures);
      c.lockout_ms = i.value("lockout_ms", c.lockout_ms);
      c.max_challenges = i.value("max_challenges", c.max_challenges);
      c.max_sessions = i.value("max_sessions", c.max_sessions);
      c.ca_cert_file = i.value("ca_cert", c.ca_cert_file);
      c.ca_key_file = i.value("ca_key", c.ca_key_file);
      c.operator_dir = i.value("operator", c.operator_dir);
      c.enroll_wait_ms = i.value("enroll_wait_ms", c.enroll_wait_ms);
      c.cert_validity_days = i.value("cert_validity_days", c.cert_validity_days);
      c.enroll_approval =
          i.value("enroll_approval", std::map<std::string, std::string>(c.enroll_approval));
    }
    if (j.contains("offline")) {
      const auto& o = j["offline"];
      RL_TRY(check_section(o, "offline", {"master_key_file"}));
      c.offline_master_key_file = o.value("master_key_file", c.offline_master_key_file);
    }
    if (j.contains("storage")) {
      const auto& st = j["storage"];
      RL_TRY(check_section(st, "storage", {"kek_file", "pkcs11", "data_keys"}));
      c.kek_file = st.value("kek_file", c.kek_file);
      c.data_keys_file = st.value("data_keys", c.data_keys_file);
      if (st.contains("pkcs11")) {
        const auto& p = st["pkcs11"];
        RL_TRY(check_section(p, "storage.pkcs11", {"module", "token", "pin_file", "key_label"}));
        c.pkcs11_module = p.value("module", c.pkcs11_module);
        c.pkcs11_token = p.value("token", c.pkcs11_token);
        c.pkcs11_pin_file = p.value("pin_file", c.pkcs11_pin_file);
        c.pkcs11_key_label = p.value("key_label", std::string("regledger-kek"));
        if (c.pkcs11_module.empty() || c.pkcs11_token.empty() || c.pkcs11_pin_file.empty()) {
          return bad("storage.pkcs11 needs module, token and pin_file");
        }
      }
    }
    if (j.contains("backup")) {
      const auto& b = j["backup"];
      RL_TRY(check_section(b, "backup", {"dir", "interval_s", "keep"}));
      c.backup_dir = b.value("dir", c.backup_dir);
      c.backup_interval_s = b.value("interval_s", c.backup_interval_s);
      c.backup_keep = b.value("keep", c.backup_keep);
    }
    if (j.contains("protection")) {
      const auto& pr = j["protection"];
      RL_TRY(check_section(pr, "protection", {"mask_key_file"}));
      c.mask_key_file = pr.value("mask_key_file", c.mask_key_file);
    }
    if (j.contains("key_service")) {
      const auto& ks = j["key_service"];
      RL_TRY(
          check_section(ks, "key_service", {"enabled", "name", "key_file", "previous_key_files"}));
      c.key_service_enabled = ks.value("enabled", true);
      c.key_service_name = ks.value("name", std::string());
      c.key_service_key_file = ks.value("key_file", std::string());
      c.key_service_previous_key_files = ks.value("previous_key_files", std::vector<std::string>{});
      if (c.key_service_name.empty() || c.key_service_key_file.empty()) {
        return bad("key_service needs name and key_file");
      }
      if (c.key_service_previous_key_files.size() > 16) {
        return bad("key_service.previous_key_files holds at most 16 files");
      }
    }
    if (j.contains("metrics")) {
      const auto& m = j["metrics"];
      RL_TRY(check_section(m, "metrics", {"listen", "allow_remote"}));
      c.metrics_listen = m.value("listen", c.metrics_listen);
      c.metrics_allow_remote = m.value("allow_remote", c.metrics_allow_remote);
    }
  } catch (const json::exception& e) {
    return bad(std::string("config.json: ") + e.what());
  }
  RL_TRY(check_metrics_listen(c));
  RL_TRY(check_peer_addresses(c));
  if (!valid_log_level(c.log_level)) {
    return bad("log_level '" + c.log_level + "' is not one of " + std::string(kLogLevels));
  }
  if (!c.kek_file.empty() && !c.pkcs11_module.empty()) {
    return bad("storage.kek_file and storage.pkcs11 are alternatives: configure one");
  }
  if (c.backup_keep < 1 || c.backup_keep > 1000) return bad("backup.keep must be 1-1000");
  if (c.backup_interval_s != 0 && c.backup_interval_s < 10) {
    return bad("backup.interval_s must be 0 (on demand only) or at least 10");
  }
  // A Unix socket path must fit in sockaddr_un (108 bytes with its terminating NUL): refused
  // here, by --check-config, rather than when the node binds it after opening its stores.
  if (c.admin_socket.empty() || c.path(c.admin_socket).size() > 107) {
    return bad("admin_socket must be a path of at most 107 bytes (after joining the home)");
  }
  if (c.api_threads < 1 || c.api_threads > 64) return bad("api.threads must be 1-64");
  if (c.api_max_body_bytes < 1024 || c.api_max_body_bytes > 64 * 1024 * 1024) {
    return bad("api.max_body_bytes must be 1 KiB - 64 MiB");
  }
  if (c.p2p_max_frame_bytes < 1024 * 1024 || c.p2p_max_frame_bytes > 256 * 1024 * 1024) {
    return bad("p2p.max_frame_bytes must be 1 MiB - 256 MiB");
  }
  if (c.p2p_part_bytes < 1024 || c.p2p_part_bytes + 4096 > c.p2p_max_frame_bytes) {
    return bad("p2p.part_bytes must be at least 1 KiB and fit in a frame");
  }
  if (c.timeout_propose_ms < 100 || c.timeout_vote_ms < 50 || c.timeout_propose_ms > 600000 ||
      c.timeout_vote_ms > 600000 || c.timeout_delta_ms > 600000) {
    return bad("consensus timeouts out of range (propose >= 100 ms, votes >= 50 ms, <= 10 min)");
  }
  if (c.read_access != "session" && c.read_access != "open") {
    return bad("identity.read_access must be session or open");
  }
  if (c.challenge_ttl_ms < 1 || c.challenge_ttl_ms > 3'600'000 || c.session_ttl_ms < 1 ||
      c.session_ttl_ms > 86'400'000 || c.lockout_ms < 0 || c.lockout_ms > 86'400'000) {
    return bad("identity ttls out of range (challenge <= 1 h, session <= 24 h, lockout <= 24 h)");
  }
  if (c.ca_cert_file.empty() != c.ca_key_file.empty()) {
    return bad("identity.ca_cert and identity.ca_key go together");
  }
  if (!c.operator_dir.empty() && c.ca_cert_file.empty()) {
    return bad("identity.operator needs identity.ca_cert and identity.ca_key");
  }
  for (const auto& [org, mode] : c.enroll_approval) {
    if (mode != "auto" && mode != "admin") {
      return bad("identity.enroll_approval." + org + " must be auto or admin");
    }
  }
  if (c.enroll_wait_ms < 0 || c.enroll_wait_ms > 60'000 || c.cert_validity_days < 1 ||
      c.cert_validity_days > 3650) {
    return bad("identity.enroll_wait_ms must be 0-60000, cert_validity_days 1-3650");
  }
  if (c.login_max_failures < 1 || c.max_challenges < 1 || c.max_sessions < 1) {
    return bad("identity.max_failures, max_challenges and max_sessions must be at least 1");
  }
  return c;
}

bool ListenAddress::loopback() const {
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

Result<ListenAddress> parse_listen_address(const std::string& text) {
  auto fail = [&] {
    return bad("listen address '" + text + "' is not HOST:PORT (e.g. 127.0.0.1:9464, [::1]:9464)");
  };
  ListenAddress a;
  std::string port;
  if (text.starts_with("[")) {
    const auto close = text.find("]:");
    if (close == std::string::npos || close == 1) return fail();
    a.host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) return fail();
    a.host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (a.host.find(':') != std::string::npos) return fail();  // IPv6 needs brackets
  }
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos) {
    return fail();
  }
  const unsigned long n = std::stoul(port);
  if (n > 65535) return fail();
  for (char ch : a.host) {
    const bool allowed = std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-' ||
                         ch == ':' || ch == '_';
    if (!allowed) return fail();
  }
  a.port = static_cast<std::uint16_t>(n);
  return a;
}

identity::AuthConfig identity_auth_config(const NodeConfig& c) {
  identity::AuthConfig a;
  a.challenge_ttl_ms = c.challenge_ttl_ms;
  a.session_ttl_ms = c.session_ttl_ms;
  a.max_failures = c.login_max_failures;
  a.lockout_ms = c.lockout_ms;
  a.max_challenges = c.max_challenges;
  a.max_sessions = c.max_sessions;
  return a;
}

std::string node_config_to_json(const NodeConfig& c) {
  json j = {{"name", c.name},
            {"validator_index", c.validator_index},
            {"genesis", c.genesis_file},
            {"data_dir", c.data_dir},
            {"cert", c.cert_file},
            {"key", c.key_file},
            {"ca", c.ca_file},
            {"tls_cert", c.tls_cert_file},
            {"tls_key", c.tls_key_file},
            {"log_level", c.log_level},
            {"api",
             {{"host", c.api_listen_host},
              {"port", c.api_port},
              {"max_body_bytes", c.api_max_body_bytes},
              {"threads", c.api_threads}}},
            {"mempool", {{"max_txs", c.mempool_max_txs}, {"max_bytes", c.mempool_max_bytes}}},
            {"observer", c.observer},
            {"p2p",
             {{"host", c.p2p_listen_host},
              {"port", c.p2p_port},
              {"max_frame_bytes", c.p2p_max_frame_bytes},
              {"part_bytes", c.p2p_part_bytes}}},
            {"consensus",
             {{"timeout_propose_ms", c.timeout_propose_ms},
              {"timeout_vote_ms", c.timeout_vote_ms},
              {"timeout_delta_ms", c.timeout_delta_ms},
              {"sign_from_height", c.sign_from_height},
              {"compact_proposals", c.compact_proposals}}},
            {"identity",
             {{"read_access", c.read_access},
              {"audit_dir", c.audit_dir},
              {"challenge_ttl_ms", c.challenge_ttl_ms},
              {"session_ttl_ms", c.session_ttl_ms},
              {"max_failures", c.login_max_failures},
              {"lockout_ms", c.lockout_ms},
              {"max_challenges", c.max_challenges},
              {"max_sessions", c.max_sessions},
              {"ca_cert", c.ca_cert_file},
              {"ca_key", c.ca_key_file},
              {"operator", c.operator_dir},
              {"enroll_wait_ms", c.enroll_wait_ms},
              {"cert_validity_days", c.cert_validity_days},
              {"enroll_approval", c.enroll_approval}}}};
  if (!c.offline_master_key_file.empty()) {
    j["offline"] = {{"master_key_file", c.offline_master_key_file}};
  }
  if (c.storage_encrypted()) {
    json st = {{"data_keys", c.data_keys_file}};
    if (!c.kek_file.empty()) st["kek_file"] = c.kek_file;
    if (!c.pkcs11_module.empty()) {
      st["pkcs11"] = {{"module", c.pkcs11_module},
                      {"token", c.pkcs11_token},
                      {"pin_file", c.pkcs11_pin_file},
                      {"key_label", c.pkcs11_key_label}};
    }
    j["storage"] = std::move(st);
  }
  j["backup"] = {
      {"dir", c.backup_dir}, {"interval_s", c.backup_interval_s}, {"keep", c.backup_keep}};
  if (!c.p2p_peer_addresses.empty()) j["p2p"]["peer_addresses"] = c.p2p_peer_addresses;
  if (!c.mask_key_file.empty()) j["protection"] = {{"mask_key_file", c.mask_key_file}};
  // Written only when moved, so the configs genesis init writes stay as they were.
  if (c.admin_socket != NodeConfig{}.admin_socket) j["admin_socket"] = c.admin_socket;
  if (!c.metrics_listen.empty()) {
    j["metrics"] = {{"listen", c.metrics_listen}};
    if (c.metrics_allow_remote) j["metrics"]["allow_remote"] = true;
  }
  if (!c.key_service_name.empty()) {
    j["key_service"] = {{"enabled", c.key_service_enabled},
                        {"name", c.key_service_name},
                        {"key_file", c.key_service_key_file},
                        {"previous_key_files", c.key_service_previous_key_files}};
  }
  return j.dump(2) + "\n";
}

}  // namespace rl::node
