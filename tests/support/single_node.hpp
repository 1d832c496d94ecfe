#pragma once
// One real regledgerd on loopback for cluster tests of a single node's behaviour (crash
// recovery, encryption at rest, key rotation): genesis init of a one-validator network in a
// temporary directory, reads open to plain clients (access rules are tested in tests/app), and
// the node process.

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "client/lib/identity.hpp"
#include "config/node_config.hpp"
#include "ledger/genesis.hpp"
#include "tests/support/api_enroll.hpp"
#include "tests/support/node_process.hpp"

namespace rl::testing {

class SingleNode {
 public:
  // `name` prefixes the temporary directory. Throws (test setup) when genesis init fails.
  SingleNode(crypto::Suite suite, const std::string& name);
  ~SingleNode();
  SingleNode(const SingleNode&) = delete;
  SingleNode& operator=(const SingleNode&) = delete;

  // Starts the node and waits until /healthz answers; false (with the log tail in `why`) if not.
  bool start(std::string* why = nullptr);
  NodeProcess& process() { return *node_; }
  void edit_config(const std::function<void(node::NodeConfig&)>& edit) const;

  ApiTarget target() const { return ApiTarget{node_->api_port(), ca_pem_}; }
  const std::string& home() const { return home_; }
  const std::filesystem::path& dir() const { return dir_; }
  const ledger::Genesis& genesis() const { return genesis_; }
  const client::Identity& admin() const { return *admin_; }
  std::string log_path() const { return (dir_ / "node.log").string(); }
  // bank-a's reporting account (permission 0105), enrolled through the API.
  client::Identity enroll_reporter() const;

 private:
  std::filesystem::path dir_;
  std::string home_;
  ledger::Genesis genesis_;
  std::string ca_pem_;
  std::optional<client::Identity> admin_;
  std::unique_ptr<NodeProcess> node_;
};

}  // namespace rl::testing
