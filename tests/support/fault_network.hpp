#pragma once
// Every P2P link of a test Cluster through its own FaultProxy, addressed by the traffic it
// carries: node `from` -> node `to`.
//
// A pair of nodes keeps one connection (node/p2p/p2p_network.cpp), dialled by either side, so
// the bytes from a to b travel through the proxy a dials (forward) or the one b dials
// (backward), whichever connection survived. Every per-direction control is therefore applied
// to both proxies of the pair. The nodes learn the proxies' ports from config
// p2p.peer_addresses, written by the constructor before the nodes start.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "tests/support/cluster.hpp"
#include "tests/support/fault_proxy.hpp"
#include "tests/support/port_block.hpp"

namespace rl::testing {

class FaultNetwork {
 public:
  // Proxies for every ordered pair of the first `nodes` nodes of `c` (n * (n - 1) ports, leased
  // from a PortBlock of their own, so at most 8 nodes), and each node's config pointing its
  // peers at them. The nodes must not be running yet. `seed` drives the proxies' jitter.
  FaultNetwork(Cluster& c, std::size_t nodes, std::uint64_t seed);
  FaultNetwork(const FaultNetwork&) = delete;
  FaultNetwork& operator=(const FaultNetwork&) = delete;

  std::size_t nodes() const { return n_; }
  // Traffic from -> to.
  void set_delay(std::size_t from, std::size_t to, std::chrono::milliseconds fixed,
                 std::chrono::milliseconds jitter);
  void set_stalled(std::size_t from, std::size_t to, bool stalled);
  // Both directions of the pair a, b: new connections are reset / the open ones are.
  void set_refusing(std::size_t a, std::size_t b, bool refusing);
  std::uint64_t cut(std::size_t a, std::size_t b);
  // Every proxy back to a clean link (open connections stay open).
  void heal();
  // Summed over all proxies.
  ProxyCounters totals() const;

 private:
  FaultProxy& proxy(std::size_t dialer, std::size_t target) {
    return *proxies_[dialer * n_ + target];
  }

  std::size_t n_;
  std::optional<PortBlock> ports_;
  std::vector<std::unique_ptr<FaultProxy>> proxies_;  // [dialer * n + target]; null on i == i
};

}  // namespace rl::testing
