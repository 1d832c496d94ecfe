#include "tests/support/single_node.hpp"

#include <random>
#include <thread>

#include "common/file_io.hpp"
#include "genesis/network_init.hpp"
#include "tests/support/must.hpp"

namespace rl::testing {

namespace fs = std::filesystem;

SingleNode::SingleNode(crypto::Suite suite, const std::string& name) {
  std::random_device rd;
  dir_ = fs::temp_directory_path() / ("regledger-" + name + "-" + std::to_string(rd()));
  auto def = genesis::default_definition();
  def.suite = suite;
  def.scrypt_n = 1024;
  def.block.block_interval_ms = 50;
  auto init = must(genesis::init_network(def, dir_.string()), "genesis init");
  genesis_ = must(ledger::parse_genesis(must(read_file(init.genesis_path))), "genesis");
  ca_pem_ = must(read_file(init.tls_ca_path), "CA");
  admin_.emplace(must(client::load_identity(init.admin_dir), "admin identity"));
  home_ = init.node_homes[0];
  edit_config([](node::NodeConfig& c) { c.read_access = "open"; });
  node_ = std::make_unique<NodeProcess>(std::string(RL_BINARY_DIR) + "/node/regledgerd", home_,
                                        log_path(), free_loopback_port());
}

SingleNode::~SingleNode() {
  node_.reset();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

bool SingleNode::start(std::string* why) {
  node_->start();
  auto c = target().client(500);
  for (int i = 0; i < 200; ++i) {
    auto r = c.get("/healthz");
    if (r.ok() && r->status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (why != nullptr) *why = node_->log_tail();
  return false;
}

void SingleNode::edit_config(const std::function<void(node::NodeConfig&)>& edit) const {
  auto cfg = must(node::load_node_config(home_), "config");
  edit(cfg);
  must(write_file(home_ + "/config.json", node::node_config_to_json(cfg)), "config");
}

client::Identity SingleNode::enroll_reporter() const {
  return must(enroll_over_api(target(), genesis_, *admin_, dir_.string(), "bank-a",
                              "bank-a-reporting", "0105"),
              "enroll reporter");
}

}  // namespace rl::testing
