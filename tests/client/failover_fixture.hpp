#pragma once
// Fixtures for the client failover tests: a real honest regledgerd (one validator, from
// genesis::init_network), a lying node (an HTTPS server holding a member's genuine TLS
// identity that relays everything to the honest node except proofs, which it tampers with),
// and a "black hole" that accepts TCP connections and never answers.

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "client/http/https_client.hpp"
#include "client/lib/identity.hpp"
#include "ledger/genesis.hpp"
#include "node/http/https_server.hpp"
#include "tests/support/node_process.hpp"
#include "tests/support/port_block.hpp"

namespace rl::testing {

// One validator plus one observer in genesis. Only the validator runs; the observer's
// certificate (issued by the network CA for 127.0.0.1) is what the lying node presents, as a
// compromised member node would.
class HonestNetwork {
 public:
  explicit HonestNetwork(const std::string& name);
  ~HonestNetwork();
  HonestNetwork(const HonestNetwork&) = delete;
  HonestNetwork& operator=(const HonestNetwork&) = delete;

  // Submits a capital-adequacy report as the enrolled reporter and waits for its commit.
  std::string submit_report(const std::string& period);

  std::optional<PortBlock> ports;  // leased while the network lives
  std::filesystem::path dir;
  std::string genesis_path;
  std::string ca_path;
  std::string ca_pem;
  ledger::Genesis genesis;
  std::optional<ledger::TrustAnchor> anchor;
  std::string observer_home;  // TLS identity for the lying node
  std::unique_ptr<NodeProcess> node;
  std::string url;  // https://127.0.0.1:PORT of the honest node
  std::optional<client::Identity> admin;
  std::optional<client::Identity> reporter;
  std::string reporter_dir;  // saved identity (+ password), for --as and --identity
  std::string token;         // the reporter's session on the honest node
  std::string admin_dir;     // the regulator admin's identity (with its password)
  std::string tx_a, tx_b;    // two committed report transactions
};

enum class Lie {
  kTamperTx,      // receipts: one byte of the transaction flipped
  kTamperHeader,  // receipts, blocks and headers: the block header's time moved by an hour
  kStripCommit,   // receipts, blocks and headers: commit certificate without its signatures
  kOtherTx,       // receipts: a genuine receipt, but for another transaction
  kGarbage,       // receipts: 200 with a body that is not a receipt
  kHide,          // receipts: 404 tx_not_found for a committed transaction (not provable)
};
const char* lie_name(Lie lie);

class LyingNode {
 public:
  LyingNode(const HonestNetwork& net, Lie lie);
  ~LyingNode();
  LyingNode(const LyingNode&) = delete;
  LyingNode& operator=(const LyingNode&) = delete;

  std::string url() const;
  void set_lie(Lie lie) { lie_ = lie; }
  // Receipt of this transaction is served for every receipt request under kOtherTx.
  void set_decoy(std::string tx_id);
  // How many receipt / block requests it has answered (to show it was really asked).
  int receipt_requests() const { return receipt_requests_; }
  int block_requests() const { return block_requests_; }

 private:
  http::HttpResponse handle(const http::HttpRequest& req);
  // Relays a request upstream with its content type and bearer token.
  http::HttpResponse forward(const std::string& method, const std::string& target,
                             const std::string& body, const std::string& content_type,
                             const std::string& authorization);

  std::atomic<Lie> lie_;
  std::atomic<int> receipt_requests_{0};
  std::atomic<int> block_requests_{0};
  std::mutex mu_;  // guards upstream_ (one HttpsClient is not thread-safe) and decoy_
  std::unique_ptr<http::HttpsClient> upstream_;
  std::string decoy_;
  std::unique_ptr<http::HttpsServer> server_;
};

// Listens on 127.0.0.1 and never accepts: connections complete in the kernel backlog, the TLS
// ClientHello is never answered.
class BlackHole {
 public:
  BlackHole();
  ~BlackHole();
  BlackHole(const BlackHole&) = delete;
  BlackHole& operator=(const BlackHole&) = delete;
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// https URL of a loopback port with nothing listening.
std::string closed_port_url();

// Receipt JSON mutations used by LyingNode (exposed so tests can check a tampered receipt
// still parses, i.e. it is the verification that catches it).
std::string tamper_receipt(const std::string& receipt_json, Lie lie);

}  // namespace rl::testing
