#include "tests/support/fault_network.hpp"

#include <stdexcept>
#include <string>

namespace rl::testing {

FaultNetwork::FaultNetwork(Cluster& c, std::size_t nodes, std::uint64_t seed) : n_(nodes) {
  if (n_ < 2 || n_ > c.size()) throw std::invalid_argument("FaultNetwork: bad node count");
  ports_.emplace(PortBlock::lease(static_cast<int>(n_ * (n_ - 1))));
  proxies_.resize(n_ * n_);
  int next = ports_->base();
  for (std::size_t dialer = 0; dialer < n_; ++dialer) {
    for (std::size_t target = 0; target < n_; ++target) {
      if (dialer == target) continue;
      proxies_[dialer * n_ + target] =
          std::make_unique<FaultProxy>(next++, c.p2p_port(target), seed + dialer * n_ + target);
    }
    c.update_config(dialer, [&](node::NodeConfig& cfg) {
      for (std::size_t target = 0; target < n_; ++target) {
        if (target == dialer) continue;
        cfg.p2p_peer_addresses[c.genesis().validators.at(target).name] =
            "127.0.0.1:" + std::to_string(proxy(dialer, target).listen_port());
      }
    });
  }
}

void FaultNetwork::set_delay(std::size_t from, std::size_t to, std::chrono::milliseconds fixed,
                             std::chrono::milliseconds jitter) {
  proxy(from, to).set_delay(ProxyDirection::kForward, fixed, jitter);
  proxy(to, from).set_delay(ProxyDirection::kBackward, fixed, jitter);
}

void FaultNetwork::set_stalled(std::size_t from, std::size_t to, bool stalled) {
  proxy(from, to).set_stalled(ProxyDirection::kForward, stalled);
  proxy(to, from).set_stalled(ProxyDirection::kBackward, stalled);
}

void FaultNetwork::set_refusing(std::size_t a, std::size_t b, bool refusing) {
  proxy(a, b).set_refusing(refusing);
  proxy(b, a).set_refusing(refusing);
}

std::uint64_t FaultNetwork::cut(std::size_t a, std::size_t b) {
  return proxy(a, b).cut() + proxy(b, a).cut();
}

void FaultNetwork::heal() {
  for (auto& p : proxies_) {
    if (p) p->heal();
  }
}

ProxyCounters FaultNetwork::totals() const {
  ProxyCounters sum;
  for (const auto& p : proxies_) {
    if (!p) continue;
    auto c = p->counters();
    sum.accepted += c.accepted;
    sum.refused += c.refused;
    sum.cut += c.cut;
    for (int d = 0; d < 2; ++d) {
      sum.bytes[d] += c.bytes[d];
      sum.delayed[d] += c.delayed[d];
    }
  }
  return sum;
}

}  // namespace rl::testing
