#pragma once
// A local validator network of real regledgerd processes for cluster tests and benchmarks:
// `genesis::init_network` in a temporary directory with a free block of loopback ports, then
// start / kill -9 / stop / wipe individual nodes and read what each one has committed.

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/lib/identity.hpp"
#include "config/node_config.hpp"
#include "crypto/suite.hpp"
#include "ledger/genesis.hpp"
#include "tests/support/api_enroll.hpp"
#include "tests/support/node_process.hpp"
#include "tests/support/port_block.hpp"

namespace rl::testing {

struct ClusterOptions {
  std::uint32_t validators = 4;
  std::uint32_t observers = 0;
  // Validator homes made by genesis init whose validators are then left out of genesis: nodes
  // `validators` .. `validators + spare_validators - 1`, which join by governance
  // (decision 0041). start_all() does not start them.
  std::uint32_t spare_validators = 0;
  crypto::Suite suite = crypto::Suite::kP256Sha256;
  std::uint32_t block_interval_ms = 50;
  std::uint32_t max_block_txs = 5000;
  std::uint64_t tx_expiry_window = ledger::BlockParams::kDefaultTxExpiryWindow;
  // Short timeouts keep rounds with a dead proposer quick in tests.
  std::uint64_t timeout_propose_ms = 1000;
  std::uint64_t timeout_vote_ms = 500;
  std::uint64_t timeout_delta_ms = 250;
  std::string log_level = "info";
  std::size_t part_bytes = std::size_t{1} << 20;  // consensus messages above it go in parts
  std::string name = "cluster";                   // temp directory prefix
  // Cluster tests check consensus, recovery and proofs with plain readers, so their nodes serve
  // reads without sessions ("open"); access rules are tested in tests/app.
  std::string read_access = "open";
  // Each node serves /metrics on 127.0.0.1:metrics_port(i) (genesis metrics_port_base).
  bool metrics = false;
  // The node program; empty: this build's node/regledgerd. Tests of the checkers themselves
  // run a deliberately broken test-only build (tests/cluster/CMakeLists.txt).
  std::string binary;
  // Per node index: "KEY=VALUE" entries added to that node's environment (a test-only build's
  // settings, such as regledgerd_frame_faults' REGLEDGER_FRAME_FAULTS and its seed).
  std::vector<std::vector<std::string>> node_env;
};

class Cluster {
 public:
  explicit Cluster(ClusterOptions options);
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  std::size_t size() const { return nodes_.size(); }
  void start_all();  // every node but the spare validators
  void start(std::size_t i);
  // Node i runs `binary` with `env` ("NAME=value") added to the test's environment, from its
  // next start on: one validator of a test-only build among honest ones.
  void set_program(std::size_t i, std::string binary, std::vector<std::string> env = {});
  void kill9(std::size_t i);
  int stop(std::size_t i);
  bool running(std::size_t i) const { return nodes_[i]->running(); }
  // Process id of node i (-1 when it is down), for /proc readings in benchmarks.
  pid_t pid(std::size_t i) const { return nodes_[i]->pid(); }
  // Deletes node i's data directory (the node must be down).
  void wipe_data(std::size_t i);
  // Rewrites node i's config.json (takes effect at its next start).
  void update_config(std::size_t i, const std::function<void(node::NodeConfig&)>& edit);

  ApiTarget target(std::size_t i) const { return ApiTarget{api_ports_[i], ca_pem_}; }
  int p2p_port(std::size_t i) const { return p2p_base_ + static_cast<int>(i); }
  // 0 unless options.metrics.
  int metrics_port(std::size_t i) const {
    return metrics_base_ == 0 ? 0 : metrics_base_ + static_cast<int>(i);
  }
  // Committed height from /v1/status; 0 when the node does not answer.
  std::uint64_t height(std::size_t i) const;
  // Waits until every listed node has committed at least `h`.
  bool wait_height(const std::vector<std::size_t>& nodes, std::uint64_t h,
                   std::chrono::milliseconds timeout) const;
  bool wait_healthy(std::size_t i, std::chrono::milliseconds timeout) const;
  // Block hash and app hash at height `h` as node i serves them (empty when absent).
  std::string block_hash(std::size_t i, std::uint64_t h) const;
  std::string app_hash(std::size_t i, std::uint64_t h) const;

  const ledger::Genesis& genesis() const { return genesis_; }
  const client::Identity& admin() const { return *admin_; }
  const std::string& ca_pem() const { return ca_pem_; }
  std::string dir() const { return dir_.string(); }
  std::string home(std::size_t i) const { return homes_[i]; }
  std::string log_tail(std::size_t i, std::size_t bytes = 3000) const;
  std::string all_logs_tail(std::size_t bytes = 2000) const;

 private:
  std::string block_field(std::size_t i, std::uint64_t h, const char* field) const;

  ClusterOptions options_;
  std::optional<PortBlock> ports_;  // leased for the cluster's lifetime
  std::filesystem::path dir_;
  ledger::Genesis genesis_;
  std::optional<client::Identity> admin_;
  std::string ca_pem_;
  std::vector<std::string> homes_;
  std::vector<int> api_ports_;
  int p2p_base_ = 0;
  int metrics_base_ = 0;
  std::vector<std::unique_ptr<NodeProcess>> nodes_;
};

}  // namespace rl::testing
