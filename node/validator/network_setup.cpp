#include "node/validator/network_setup.hpp"

#include <charconv>

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

Result<Bytes> spki_of(const std::string& name, const std::string& pem) {
  auto cert = crypto::Certificate::from_pem(pem);
  if (!cert.ok()) {
    return make_error("bad_genesis", "node " + name + " certificate: " + cert.error().message);
  }
  return cert->public_key().to_der();
}

}  // namespace

bool uses_validator_network(const ledger::Genesis& g, const NodeConfig& c) {
  return g.validators.size() > 1 || !g.observers.empty() || c.observer;
}

Result<p2p::P2pConfig> make_p2p_config(const ledger::Genesis& g, const NodeConfig& c,
                                       const crypto::TlsIdentity& identity,
                                       const std::string& ca_pem) {
  p2p::P2pConfig pc;
  pc.chain_id = g.chain_id;
  pc.self_name = c.name;
  pc.listen_host = c.p2p_listen_host;
  pc.listen_port = c.p2p_port;
  pc.identity = identity;
  pc.ca_pem = ca_pem;
  pc.max_frame_bytes = c.p2p_max_frame_bytes;
  bool self_found = false;
  for (std::size_t i = 0; i < g.validators.size(); ++i) {
    const auto& v = g.validators[i];
    const std::string& pem =
        v.tls_certificate_pem.empty() ? v.certificate_pem : v.tls_certificate_pem;
    RL_ASSIGN_OR_RETURN(auto spki, spki_of(v.name, pem));
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
      RL_ASSIGN_OR_RETURN(auto target, parse_address(v.name, v.p2p_address));
      pc.dial.push_back(std::move(target));
    }
  }
  for (const auto& o : g.observers) {
    RL_ASSIGN_OR_RETURN(auto spki, spki_of(o.name, o.certificate_pem));
    pc.members.push_back({o.name, std::move(spki)});
    if (o.name == c.name) {
      if (!c.observer) {
        return make_error("bad_config",
                          c.name + " is an observer in genesis; set \"observer\": true");
      }
      self_found = true;
    }
    // Observers dial the validators; nobody dials an observer.
  }
  if (!self_found) {
    return make_error("bad_config", "node name '" + c.name + "' is not a " +
                                        (c.observer ? "observer" : "validator") + " in genesis");
  }
  return pc;
}

}  // namespace rl::node
