#include "client/cli/context.hpp"

#include <chrono>
#include <iostream>

#include "common/file_io.hpp"

namespace rl::cli {

int report_error(const Error& e) {
  std::cerr << "error: " << e.code << ": " << e.message << "\n";
  return 1;
}

Result<client::NodeClient> make_client(const Globals& g) {
  if (g.ca_file.empty()) {
    return make_error("bad_ca", "give the network root CA with --ca FILE or $REGLEDGER_CA");
  }
  auto ca = read_file(g.ca_file, 1024 * 1024);
  if (!ca.ok()) return make_error("bad_ca", ca.error().message);
  client::NodeClientConfig cfg{g.nodes, *ca, g.timeout_ms};
  return client::NodeClient::create(cfg);
}

Result<client::Identity> load_signer(const std::string& dir) {
  return client::load_identity(dir);
}

Result<std::pair<std::string, std::uint64_t>> chain_position(client::NodeClient& c) {
  RL_ASSIGN_OR_RETURN(auto st, c.status());
  return std::make_pair(st.value("chain_id", std::string()), st.value("height", std::uint64_t{0}));
}

int submit_and_report(Globals& g, client::NodeClient& c, const Bytes& tx, bool wait,
                      const std::string& receipt_out, const std::string& what) {
  auto id = c.submit(tx);
  if (!id.ok()) return report_error(id.error());
  if (!g.json_output) std::cout << what << " submitted tx_id=" << *id << "\n";
  if (!wait && receipt_out.empty()) {
    if (g.json_output) std::cout << nlohmann::json{{"tx_id", *id}, {"status", "pending"}} << "\n";
    return 0;
  }
  auto committed = c.wait_committed(*id, std::chrono::milliseconds(g.timeout_ms * 3));
  if (!committed.ok()) return report_error(committed.error());
  if (g.json_output) {
    std::cout << committed->dump() << "\n";
  } else {
    std::cout << what << " committed height=" << committed->value("height", 0)
              << " index=" << committed->value("index", 0) << "\n";
  }
  if (!receipt_out.empty()) {
    auto text = c.receipt_text(*id);
    if (!text.ok()) return report_error(text.error());
    auto w = write_file(receipt_out, *text);
    if (!w.ok()) return report_error(w.error());
    if (!g.json_output) std::cout << "receipt saved to " << receipt_out << "\n";
  }
  return 0;
}

}  // namespace rl::cli
