#include "tests/support/cluster.hpp"

#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>
#include <thread>

#include "common/file_io.hpp"
#include "config/node_config.hpp"
#include "genesis/network_init.hpp"
#include "tests/support/must.hpp"

namespace rl::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

}  // namespace

Cluster::Cluster(ClusterOptions options) : options_(std::move(options)) {
  std::random_device rd;
  dir_ = fs::temp_directory_path() / ("regledger-" + options_.name + "-" + std::to_string(rd()));
  auto def = genesis::default_definition();
  def.suite = options_.suite;
  def.validators = options_.validators + options_.spare_validators;
  def.observers = options_.observers;
  def.scrypt_n = 1024;
  def.block.block_interval_ms = options_.block_interval_ms;
  def.block.max_block_txs = options_.max_block_txs;
  def.block.tx_expiry_window = options_.tx_expiry_window;
  int n = static_cast<int>(options_.validators + options_.spare_validators + options_.observers);
  ports_.emplace(PortBlock::lease((options_.metrics ? 3 : 2) * n));
  const int base = ports_->base();
  def.api_port_base = static_cast<std::uint16_t>(base);
  def.p2p_port_base = static_cast<std::uint16_t>(base + n);
  p2p_base_ = base + n;
  if (options_.metrics) {
    metrics_base_ = base + 2 * n;
    def.metrics_port_base = static_cast<std::uint16_t>(metrics_base_);
  }
  auto init = must(genesis::init_network(def, dir_.string()), "init_network");
  genesis_ = must(ledger::parse_genesis(must(read_file(init.genesis_path), "read genesis")),
                  "parse genesis");
  if (options_.spare_validators > 0) {
    // The spares keep their homes (key, certificate, config) but are not in genesis.
    genesis_.validators.resize(options_.validators);
    const std::string text = ledger::genesis_to_json(genesis_);
    must(write_file(init.genesis_path, text), "write genesis");
    for (const auto& home : init.node_homes) {
      must(write_file(home + "/genesis.json", text), "write genesis");
    }
  }
  ca_pem_ = must(read_file(init.tls_ca_path), "read ca");
  admin_.emplace(must(client::load_identity(init.admin_dir), "load admin"));
  homes_ = init.node_homes;
  for (int i = 0; i < n; ++i) {
    auto cfg = must(node::load_node_config(homes_[i]), "load config");
    cfg.timeout_propose_ms = options_.timeout_propose_ms;
    cfg.timeout_vote_ms = options_.timeout_vote_ms;
    cfg.timeout_delta_ms = options_.timeout_delta_ms;
    cfg.log_level = options_.log_level;
    cfg.p2p_part_bytes = options_.part_bytes;
    cfg.read_access = options_.read_access;
    auto written = write_file(homes_[i] + "/config.json", node::node_config_to_json(cfg));
    if (!written.ok()) throw std::runtime_error("write config: " + written.error().to_string());
    api_ports_.push_back(base + i);
    nodes_.push_back(std::make_unique<NodeProcess>(
        options_.binary.empty() ? std::string(RL_BINARY_DIR) + "/node/regledgerd" : options_.binary,
        homes_[i], (dir_ / ("node" + std::to_string(i) + ".log")).string(), base + i,
        static_cast<std::size_t>(i) < options_.node_env.size() ? options_.node_env[i]
                                                               : std::vector<std::string>{}));
  }
}

Cluster::~Cluster() {
  for (auto& n : nodes_) n->kill9();
  std::error_code ec;
  if (!std::getenv("RL_KEEP_CLUSTER")) fs::remove_all(dir_, ec);
}

void Cluster::start_all() {
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    const bool spare =
        i >= options_.validators && i < options_.validators + options_.spare_validators;
    if (!spare) start(i);
  }
}

void Cluster::start(std::size_t i) {
  nodes_[i]->start();
}

void Cluster::set_program(std::size_t i, std::string binary, std::vector<std::string> env) {
  nodes_[i]->set_program(std::move(binary), std::move(env));
}

void Cluster::kill9(std::size_t i) {
  nodes_[i]->kill9();
}

int Cluster::stop(std::size_t i) {
  return nodes_[i]->stop();
}

void Cluster::wipe_data(std::size_t i) {
  if (nodes_[i]->running()) throw std::logic_error("wipe_data on a running node");
  fs::remove_all(fs::path(homes_[i]) / "data");
}

void Cluster::update_config(std::size_t i, const std::function<void(node::NodeConfig&)>& edit) {
  auto cfg = must(node::load_node_config(homes_[i]), "load config");
  edit(cfg);
  auto written = write_file(homes_[i] + "/config.json", node::node_config_to_json(cfg));
  if (!written.ok()) throw std::runtime_error("write config: " + written.error().to_string());
}

std::uint64_t Cluster::height(std::size_t i) const {
  if (!nodes_[i]->running()) return 0;
  return api_height(target(i));
}

bool Cluster::wait_healthy(std::size_t i, std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto c = target(i).client(500);
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = c.get("/healthz");
    if (r.ok() && r->status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

bool Cluster::wait_height(const std::vector<std::size_t>& nodes, std::uint64_t h,
                          std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    bool all = true;
    for (auto i : nodes) all = all && height(i) >= h;
    if (all) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

std::string Cluster::block_field(std::size_t i, std::uint64_t h, const char* field) const {
  auto c = target(i).client(3000);
  auto r = c.get("/v1/blocks/" + std::to_string(h));
  if (!r.ok() || r->status != 200) return {};
  json j = json::parse(r->body, nullptr, false);
  if (j.is_discarded() || !j.contains(field)) return {};
  return j[field].get<std::string>();
}

std::string Cluster::block_hash(std::size_t i, std::uint64_t h) const {
  return block_field(i, h, "block_hash");
}

std::string Cluster::app_hash(std::size_t i, std::uint64_t h) const {
  return block_field(i, h, "app_hash");
}

std::string Cluster::log_tail(std::size_t i, std::size_t bytes) const {
  return nodes_[i]->log_tail(bytes);
}

std::string Cluster::all_logs_tail(std::size_t bytes) const {
  std::string out;
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    out += "----- node" + std::to_string(i) + " -----\n" + log_tail(i, bytes) + "\n";
  }
  return out;
}

}  // namespace rl::testing
