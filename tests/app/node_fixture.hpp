#pragma once
// An in-process node for API tests: a one-validator network made by genesis::init_network in a
// temp directory, a real RocksDB chain, the real HTTPS server on an ephemeral loopback port, and
// a sealer driven by the test (seal_once) so that every block is deterministic in time.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "client/http/https_client.hpp"
#include "client/lib/identity.hpp"
#include "client/lib/tx_builder.hpp"
#include "genesis/network_init.hpp"
#include "ledger/chain.hpp"
#include "node/app/api.hpp"
#include "node/app/mempool.hpp"
#include "node/app/sealer.hpp"
#include "node/http/https_server.hpp"

namespace rl::testing {

class NodeFixture {
 public:
  NodeFixture();
  ~NodeFixture();

  http::HttpsClient client() const;
  Result<http::HttpResponse> post_tx_bytes(http::HttpsClient& c, ByteView tx) const;
  // Seals whatever is pending into one block.
  void seal();

  Bytes sign(const client::Identity& id, const std::function<void(ledger::pb::TxBody&)>& fill,
             std::uint64_t expiry_blocks = 100) const;
  // Registers bank org + reporter account + certificate through the ledger itself.
  client::Identity enroll_reporter(const std::string& org, const std::string& account,
                                   const std::string& permission);

  std::filesystem::path dir;
  std::string ca_pem;
  ledger::Genesis genesis;
  std::unique_ptr<ledger::Chain> chain;
  std::unique_ptr<node::Mempool> mempool;
  std::unique_ptr<node::Sealer> sealer;
  std::unique_ptr<node::Api> api;
  std::unique_ptr<http::HttpsServer> server;
  std::optional<client::Identity> admin;
  std::optional<crypto::Certificate> issuing_cert;
  std::optional<crypto::PrivateKey> issuing_key;
};

}  // namespace rl::testing
