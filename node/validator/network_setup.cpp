#include "node/validator/network_setup.hpp"

#include <spdlog/spdlog.h>

#include <charconv>
#include <map>

#include "crypto/x509.hpp"

namespace rl::node {
namespace {

Result<p2p::DialTarget> parse_address(const std::string& name, const std::string& address) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) {
    return make_error("bad_config",
                      "node " + name + ": p2p address '" + address + "' is not host:port");
  }
  unsigned port = 0;
  const char* first = address.data() + colon + 1;
  const char* last = address.data() + address.size();
  auto [ptr, ec] = std::from_chars(first, last, port);
  if (ec != std::errc() || ptr != last || port == 0 || port > 65535) {
    return make_error("bad_config", "node " + name + ": bad port in '" + address + "'");
  }
  return p2p::DialTarget{name, address.substr(0, colon), static_cast<std::uint16_t>(port)};
}

// A validator's dial target: its p2p address, or the operator's override for its name
// (config p2p.peer_addresses: NAT, port forwarding, the fault-network tests' proxies).
Result<p2p::DialTarget> dial_target(const std::string& name, const std::string& address,
                                    const std::map<std::string, std::string>& overrides) {
  auto it = overrides.find(name);
  if (it == overrides.end()) return parse_address(name, address);
  RL_ASSIGN_OR_RETURN(auto a, parse_listen_address(it->second));
  if (a.port == 0) return make_error("bad_config", "node " + name + ": override has no port");
  spdlog::info("p2p peer address overridden peer={} genesis={} dial={}", name, address, it->second);
  return p2p::DialTarget{name, a.host, a.port};
}

Result<Bytes> spki_of_pem(const std::string& name, const std::string& pem) {
  auto cert = crypto::Certificate::from_pem(pem);
  if (!cert.ok()) {
    return make_error("bad_genesis", "node " + name + " certificate: " + cert.error().message);
  }
  return cert->public_key().to_der();
}

Result<Bytes> spki_of_der(const std::string& name, const std::string& der) {
  auto cert = crypto::Certificate::from_der(as_bytes(der));
  if (!cert.ok()) {
    return make_error("bad_genesis", "node " + name + " certificate: " + cert.error().message);
  }
  return cert->public_key().to_der();
}

p2p::P2pConfig base_config(const ledger::Genesis& g, const NodeConfig& c,
                           const crypto::TlsIdentity& identity, const std::string& ca_pem) {
  p2p::P2pConfig pc;
  pc.chain_id = g.chain_id;
  pc.self_name = c.name;
  pc.listen_host = c.p2p_listen_host;
  pc.listen_port = c.p2p_port;
  pc.identity = identity;
  pc.ca_pem = ca_pem;
  pc.max_frame_bytes = c.p2p_max_frame_bytes;
  return pc;
}

// Role checks shared by both make_p2p_config variants: a name is either a validator or an
// observer, and the config must say which.
Status check_observer_role(const ledger::Genesis& g, const NodeConfig& c, bool* found) {
  for (const auto& o : g.observers) {
    if (o.name != c.name) continue;
    if (!c.observer) {
      return make_error("bad_config",
                        c.name + " is an observer in genesis; set \"observer\": true");
    }
    *found = true;
  }
  return {};
}

}  // namespace

bool uses_validator_network(const ledger::Genesis& g, const NodeConfig& c,
                            std::size_t current_validators) {
  return g.validators.size() > 1 || current_validators > 1 || !g.observers.empty() || c.observer;
}

Result<Membership> p2p_membership(const ledger::Genesis& g,
                                  const std::vector<ledger::pb::ValidatorInfo>& validators,
                                  const std::string& self_name,
                                  const std::map<std::string, std::string>& peer_addresses) {
  Membership out;
  std::map<std::string, const ledger::pb::ValidatorInfo*> by_name;
  std::vector<std::string> order;
  for (const auto& v : validators) {
    if (!by_name.count(v.name())) order.push_back(v.name());
    by_name[v.name()] = &v;
  }
  for (const auto& name : order) {
    const auto& v = *by_name[name];
    const std::string& der =
        v.tls_certificate_der().empty() ? v.certificate_der() : v.tls_certificate_der();
    RL_ASSIGN_OR_RETURN(auto spki, spki_of_der(v.name(), der));
    out.members.push_back({v.name(), std::move(spki)});
    if (v.name() != self_name && !v.p2p_address().empty()) {
      RL_ASSIGN_OR_RETURN(auto target, dial_target(v.name(), v.p2p_address(), peer_addresses));
      out.dial.push_back(std::move(target));
    }
  }
  // Observers dial the validators; nobody dials an observer.
  for (const auto& o : g.observers) {
    RL_ASSIGN_OR_RETURN(auto spki, spki_of_pem(o.name, o.certificate_pem));
    out.members.push_back({o.name, std::move(spki)});
  }
  return out;
}

Result<std::vector<ledger::pb::ValidatorInfo>> validators_around(const ledger::Chain& chain,
                                                                 std::uint64_t head) {
  RL_ASSIGN_OR_RETURN(auto now, chain.validator_set(head + 1));
  RL_ASSIGN_OR_RETURN(auto next, chain.validator_set(head + 2));
  std::vector<ledger::pb::ValidatorInfo> out = std::move(now.members);
  out.insert(out.end(), next.members.begin(), next.members.end());
  return out;
}

Result<p2p::P2pConfig> make_p2p_config(const ledger::Genesis& g, const NodeConfig& c,
                                       const crypto::TlsIdentity& identity,
                                       const std::string& ca_pem) {
  p2p::P2pConfig pc = base_config(g, c, identity, ca_pem);
  bool self_found = false;
  for (std::size_t i = 0; i < g.validators.size(); ++i) {
    const auto& v = g.validators[i];
    const std::string& pem =
        v.tls_certificate_pem.empty() ? v.certificate_pem : v.tls_certificate_pem;
    RL_ASSIGN_OR_RETURN(auto spki, spki_of_pem(v.name, pem));
    pc.members.push_back({v.name, std::move(spki)});
    if (v.name == c.name) {
      if (c.observer) return make_error("bad_config", c.name + " is a validator in genesis");
      if (c.validator_index != i) {
        return make_error("bad_config", "validator_index " + std::to_string(c.validator_index) +
                                            " does not match " + c.name + "'s position " +
                                            std::to_string(i) + " in genesis");
      }
      self_found = true;
      continue;
    }
    if (!v.p2p_address.empty()) {
      RL_ASSIGN_OR_RETURN(auto target, dial_target(v.name, v.p2p_address, c.p2p_peer_addresses));
      pc.dial.push_back(std::move(target));
    }
  }
  for (const auto& o : g.observers) {
    RL_ASSIGN_OR_RETURN(auto spki, spki_of_pem(o.name, o.certificate_pem));
    pc.members.push_back({o.name, std::move(spki)});
  }
  RL_TRY(check_observer_role(g, c, &self_found));
  if (!self_found) {
    return make_error("bad_config", "node name '" + c.name + "' is not a " +
                                        (c.observer ? "observer" : "validator") + " in genesis");
  }
  return pc;
}

Result<p2p::P2pConfig> make_p2p_config(const ledger::Genesis& g, const NodeConfig& c,
                                       const crypto::TlsIdentity& identity,
                                       const std::string& ca_pem,
                                       const std::vector<ledger::pb::ValidatorInfo>& validators) {
  bool self_found = false;
  RL_TRY(check_observer_role(g, c, &self_found));
  if (c.observer && !self_found) {
    return make_error("bad_config", "node name '" + c.name + "' is not an observer in genesis");
  }
  bool in_sets = false;
  for (const auto& v : validators) in_sets = in_sets || v.name() == c.name;
  if (c.observer && in_sets) return make_error("bad_config", c.name + " is a validator");
  if (!c.observer && !in_sets) {
    spdlog::warn(
        "p2p node is not in the current validator sets name={}; it follows the chain and is "
        "admitted by peers once governance adds it",
        c.name);
  }
  // The genesis checks (position, role) still hold for genesis validators that are in force.
  for (std::size_t i = 0; i < g.validators.size(); ++i) {
    if (g.validators[i].name == c.name && c.observer) {
      return make_error("bad_config", c.name + " is a validator in genesis");
    }
  }
  p2p::P2pConfig pc = base_config(g, c, identity, ca_pem);
  RL_ASSIGN_OR_RETURN(auto m, p2p_membership(g, validators, c.name, c.p2p_peer_addresses));
  pc.members = std::move(m.members);
  pc.dial = std::move(m.dial);
  return pc;
}

}  // namespace rl::node
