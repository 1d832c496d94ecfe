#include "tests/cluster/member_peer.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/file_io.hpp"
#include "config/node_config.hpp"
#include "crypto/x509.hpp"
#include "tests/support/must.hpp"

namespace rl::testing {

std::unique_ptr<p2p::test::RawPeer> connect_as_member(const Cluster& c, std::size_t as,
                                                      std::size_t to) {
  const auto cfg = must(node::load_node_config(c.home(as)), "load config");
  crypto::TlsIdentity identity{must(read_file(c.home(as) + "/node.pem"), "read node.pem"),
                               must(read_file(c.home(as) + "/node.key"), "read node.key")};
  auto peer = std::make_unique<p2p::test::RawPeer>(static_cast<std::uint16_t>(c.p2p_port(to)));
  if (!peer->tcp_connected()) throw std::runtime_error("connect to node " + std::to_string(to));
  auto err = peer->handshake(c.ca_pem(), &identity);
  if (!err.empty())
    throw std::runtime_error("TLS handshake with node " + std::to_string(to) + ": " + err);
  if (!peer->send_hello(cfg.name, c.genesis().chain_id)) throw std::runtime_error("send hello");
  return peer;
}

consensus::ValidatorSet genesis_set(const ledger::Genesis& g) {
  std::vector<consensus::Validator> vs;
  for (const auto& v : g.validators) {
    auto cert = must(crypto::Certificate::from_pem(v.certificate_pem), "validator certificate");
    vs.push_back({cert.public_key().to_der(), v.power});
  }
  return must(consensus::ValidatorSet::create(std::move(vs)), "validator set");
}

std::string node_log(const Cluster& c, std::size_t i) {
  auto text = read_file(c.dir() + "/node" + std::to_string(i) + ".log");
  return text.ok() ? *text : std::string();
}

std::uint64_t rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      std::istringstream fields(line.substr(6));
      std::uint64_t kib = 0;
      fields >> kib;
      return kib;
    }
  }
  return 0;
}

}  // namespace rl::testing
