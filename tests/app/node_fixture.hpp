#pragma once
// An in-process node for API tests: a one-validator network made by genesis::init_network in a
// temp directory, a real RocksDB chain, the real HTTPS server on an ephemeral loopback port, and
// a sealer driven by the test (seal_once) so that every block is deterministic in time.

#include <atomic>
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
#include "node/app/identity/auth_service.hpp"
#include "node/app/mempool.hpp"
#include "node/app/sealed/sealed_api.hpp"
#include "node/app/sealer.hpp"
#include "node/app/third_party/third_party_api.hpp"
#include "node/http/https_server.hpp"

namespace rl::testing {

// What a rejected request must leave unchanged: the ledger head, the mempool, the sessions.
struct NodeSnapshot {
  std::uint64_t height = 0;
  Bytes app_hash;
  std::size_t mempool = 0;
  std::size_t sessions = 0;
  bool operator==(const NodeSnapshot&) const = default;
};

class NodeFixture {
 public:
  // `offline` false: the genesis has no "offline" section (and the node no master key).
  // `regulators` > 1: that many governing regulator organizations ("regulator",
  // "regulator-2", ...; their admins in `admins`) and "governance": {"threshold": threshold}.
  explicit NodeFixture(node::identity::AuthConfig auth_config = {}, bool offline = true,
                       std::uint32_t regulators = 1, std::uint32_t threshold = 1);
  ~NodeFixture();

  http::HttpsClient client() const;
  NodeSnapshot snapshot() const;
  Result<http::HttpResponse> post_tx_bytes(http::HttpsClient& c, ByteView tx) const;
  // Seals whatever is pending into one block.
  void seal();
  // Value tests: posts `tx`; when admitted, seals it and checks conservation (sum of balances +
  // value on devices == value issued, Chain::value_audit). Returns the refusal code or "".
  std::string submit_sealed_and_conserved(const Bytes& tx);
  void expect_value_conserved() const;

  Bytes sign(const client::Identity& id, const std::function<void(ledger::pb::TxBody&)>& fill,
             std::uint64_t expiry_blocks = 100) const;
  // Registers bank org + reporter account + certificate through the ledger itself.
  // `kind` is the organization's kind (institution | regulator | auditor); an existing
  // organization is reused.
  client::Identity enroll_reporter(const std::string& org, const std::string& account,
                                   const std::string& permission,
                                   const std::string& kind = "institution",
                                   const std::string& role = "reporter",
                                   const std::string& department = "");
  static constexpr const char* kPassword = "a long test password";
  // Enrollments of this organization wait for its admin's approval; all others are automatic.
  static constexpr const char* kAdminApprovedOrg = "bank-d";
  // Registers the organization (if new) and the account, with no certificate.
  void register_account(const std::string& org, const std::string& account,
                        const std::string& permission, const std::string& kind = "institution",
                        const std::string& role = "reporter", const std::string& department = "");

  // Logs `id` in over the API (password kPassword unless given); returns the bearer token.
  // `scope` "keys": a session of the key channel of sealed reports.
  std::string login(const client::Identity& id, const std::string& password = kPassword,
                    const std::string& scope = "documents");
  // GET with a bearer token.
  Result<http::HttpResponse> get(const std::string& token, const std::string& target) const;

  // A SubmitReport signed by `who`: a capital-adequacy-shaped JSON payload naming `who`'s
  // organization and the period (valid for every template the tests register).
  Bytes sign_report(const client::Identity& who, const std::string& template_id,
                    const std::string& period) const;
  static std::function<void(ledger::pb::TxBody&)> fill_report(const client::Identity& who,
                                                              const std::string& template_id,
                                                              const std::string& period);
  // Commits, as the regulator admin, one transaction in a block of its own (admission errors
  // throw). The genesis regulator alone governs (threshold 1): a Propose executes at once.
  void commit_as_admin(const std::function<void(ledger::pb::TxBody&)>& fill);
  // Posts `fill` signed by `who` through the API and seals it when admitted. Returns the refusal
  // code of admission (which executes the transaction on the committed state), or "".
  std::string submit_as(const client::Identity& who,
                        const std::function<void(ledger::pb::TxBody&)>& fill);
  // Commits, as the regulator admin, a RevokeCertificate / SuspendAccount transaction (one block).
  void revoke_certificate(ByteView cert_id, const std::string& reason = "test revocation");
  void suspend_account(const std::string& account, const std::string& reason = "test suspension");
  // The identity layer's clock: the wall time when the fixture was made plus this offset. It
  // moves only when a test moves it, so a lockout, challenge or session deadline never depends
  // on how long a loaded machine takes between two requests.
  std::atomic<std::int64_t> clock_offset_ms{0};
  std::int64_t now_ms() const { return clock_start_ms_ + clock_offset_ms.load(); }

  std::filesystem::path dir;
  std::string ca_pem;
  ledger::Genesis genesis;
  std::unique_ptr<ledger::Chain> chain;
  std::unique_ptr<node::Mempool> mempool;
  std::unique_ptr<node::Sealer> sealer;
  std::unique_ptr<node::identity::AuditLog> audit;
  std::unique_ptr<node::identity::AuthService> auth;
  std::unique_ptr<node::identity::EnrollService> enroll;  // operator: the regulator admin
  std::unique_ptr<node::identity::DeviceEnrollService> device_enroll;  // same CA and operator
  std::unique_ptr<node::identity::IdentityApi> identity;
  std::unique_ptr<node::Api> api;
  std::unique_ptr<http::HttpsServer> server;
  std::optional<client::Identity> admin;
  std::vector<client::Identity> admins;  // every governing regulator's admin, `admin` first
  std::optional<crypto::Certificate> issuing_cert;
  std::optional<crypto::PrivateKey> issuing_key;
  // Offline value: the genesis issuer key (signs root vouchers) and the master MAC key.
  std::optional<crypto::PrivateKey> offline_issuer_key;
  Bytes offline_master_key;
  // The network's mask key (third-party tokens) and the third-party routes built with it.
  Bytes mask_key;
  std::unique_ptr<node::third_party::ThirdPartyApi> third_party;
  // Rebuilds the third-party routes with `key` (nullopt: they answer masking_unavailable).
  void set_mask_key(std::optional<Bytes> key);
  // The sealed-report routes, with the key service genesis gave this node (ks-node0, its key
  // in the node's home).
  std::unique_ptr<node::sealed::SealedApi> sealed;
  std::string key_service_key_file() const { return (home_ / "key-service.key").string(); }

 private:
  void start_node();
  void make_identity();
  std::filesystem::path home_;
  node::identity::AuthConfig auth_config_;
  const std::int64_t clock_start_ms_ = node::identity::AuthService::system_now_ms();
};

}  // namespace rl::testing
