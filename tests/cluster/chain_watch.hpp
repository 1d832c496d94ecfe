#pragma once
// Records what every node of a Cluster commits, height by height, while a fault test runs: a
// background thread asks each node for the blocks above the last one it recorded (one
// keep-alive client per node). A fork is then found even when a node that decided the other
// block has since stopped (a validator that finds its chain contradicted by a certificate halts,
// and its API with it). Each height is read once per node: what a node serves at the end is
// compared by cluster_checks' chain_differences.

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/cluster.hpp"

namespace rl::testing {

class ChainWatch {
 public:
  // Records the blocks of `nodes` of `c`.
  ChainWatch(const Cluster& c, std::vector<std::size_t> nodes);
  ~ChainWatch();  // stops and joins
  ChainWatch(const ChainWatch&) = delete;
  ChainWatch& operator=(const ChainWatch&) = delete;

  // Heights at which two nodes were seen with different block or app hashes that were not
  // reported before; one line each.
  std::vector<std::string> new_forks();
  std::uint64_t blocks_recorded() const { return recorded_.load(); }

 private:
  struct Seen {
    std::string block;
    std::string app;
    bool operator==(const Seen&) const = default;
  };
  void run();

  const Cluster& c_;
  const std::vector<std::size_t> nodes_;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> recorded_{0};
  std::mutex mu_;
  std::map<std::uint64_t, std::vector<Seen>> seen_;  // height -> by node index ("": not seen)
  std::map<std::uint64_t, bool> reported_;
  std::thread thread_;
};

}  // namespace rl::testing
