#pragma once
// A node's home directory: config.json, genesis.json, node.pem (certificate chain), node.key,
// and the data directory. Paths in config.json are relative to the home directory.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/file_io.hpp"
#include "common/result.hpp"
#include "config/auth_config.hpp"

namespace rl::node {

struct NodeConfig {
  std::string home;
  std::string name = "node0";
  std::uint32_t validator_index = 0;
  std::string genesis_file = "genesis.json";
  std::string data_dir = "data";
  std::string cert_file = "node.pem";
  std::string key_file = "node.key";
  std::string ca_file = "ca.pem";  // the CA that TLS peers and clients verify against
  // TLS identity when it differs from the signing identity (sm2-sm3 networks: OpenSSL 3.0's TLS
  // does not negotiate SM2 certificates, so transport uses P-256; docs/decisions/0033).
  // Empty = use cert_file / key_file.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string api_listen_host = "127.0.0.1";
  std::uint16_t api_port = 8443;
  std::size_t api_max_body_bytes = 1024 * 1024;
  int api_threads = 2;
  // Client bound; relayed txs may take n (validators) times these (decision 0042).
  std::size_t mempool_max_txs = 20000;
  std::size_t mempool_max_bytes = 64 * 1024 * 1024;
  std::string log_level = "info";
  // A non-voting node (listed under genesis "observers"): follows the chain, serves queries.
  bool observer = false;
  // Validator network (multi-validator genesis or observers). The peers dialled are the other
  // nodes' p2p addresses in genesis.
  std::string p2p_listen_host = "127.0.0.1";
  std::uint16_t p2p_port = 26656;
  std::size_t p2p_max_frame_bytes = std::size_t{24} << 20;
  // Consensus messages above this size (proposals with big blocks) are sent in parts.
  std::size_t p2p_part_bytes = std::size_t{1} << 20;
  // Where to reach a peer instead of its genesis p2p address, by node name ("p2p" section,
  // "peer_addresses": {"node1": "10.0.0.7:26656"}): for validators behind NAT or port
  // forwarding, and for the fault-network tests, which route every link through a proxy.
  // Only the dialled address changes: the peer is still admitted by its certificate key.
  std::map<std::string, std::string> p2p_peer_addresses;
  // Consensus timeouts: timeout(step, round) = base + round * delta (docs/consensus.md).
  std::uint64_t timeout_propose_ms = 2000;
  std::uint64_t timeout_vote_ms = 1000;
  std::uint64_t timeout_delta_ms = 500;
  bool compact_proposals = true;  // decision 0042
  // Never sign a vote or proposal below this height (decision 0006). After wiping a validator's
  // data directory, set it above the network's current height: the node no longer knows what it
  // signed before, and this is what keeps it from signing twice.
  std::uint64_t sign_from_height = 1;

  // Identity and access (config.json "identity", docs/identity.md).
  // "session": data-bearing queries need a login session; "open": they do not (consensus load
  // tests on networks without confidential data only).
  std::string read_access = "session";
  // The authentication audit log's own RocksDB directory (not inside data_dir, which is the
  // chain's database itself).
  std::string audit_dir = "audit";
  std::int64_t challenge_ttl_ms = 60'000;
  std::int64_t session_ttl_ms = 900'000;
  std::uint32_t login_max_failures = 5;
  std::int64_t lockout_ms = 300'000;
  std::size_t max_challenges = 10'000;
  std::size_t max_sessions = 10'000;
  // The issuing CA this node signs its CRL with (GET /v1/crl). Empty: no CRL served.
  std::string ca_cert_file;
  std::string ca_key_file;
  // Enrollment (POST /v1/enroll) needs the issuing CA above and an operator: the identity
  // directory of a regulator admin whose key signs the BindCertificate transactions.
  std::string operator_dir;
  std::int64_t enroll_wait_ms = 5000;
  std::uint32_t cert_validity_days = 365;
  // Per organization: "auto" (default) or "admin" (an admin of the organization approves).
  std::map<std::string, std::string> enroll_approval;

  // Offline value (config.json "offline", docs/offline.md "Network configuration"). The issuer
  // master MAC key file (hex; every validator and observer of a network with a genesis
  // "offline" section needs it to execute SettleVouchers; its hash must equal genesis
  // offline.master_key_hash or the node refuses to start).
  std::string offline_master_key_file;

  // Encryption at rest (config.json "storage", docs/protection.md). A KEK in a key file
  // (kek_file) or in a PKCS#11 token (pkcs11_*); neither: the store is plaintext. The data keys
  // the KEK wraps live in data_keys_file.
  std::string kek_file;
  std::string pkcs11_module;
  std::string pkcs11_token;
  std::string pkcs11_pin_file;
  std::string pkcs11_key_label;
  std::string data_keys_file = "data-keys.json";
  bool storage_encrypted() const { return !kek_file.empty() || !pkcs11_module.empty(); }

  // Backups (config.json "backup", docs/protection.md "Backups and restore"): the backup
  // directory, a schedule (every interval_s seconds; 0: on demand only) and how many to keep.
  std::string backup_dir = "backups";
  std::uint64_t backup_interval_s = 0;
  std::uint32_t backup_keep = 7;

  // Data protection (config.json "protection", docs/protection.md). The network's mask key file
  // (hex, 32 bytes, mode 0600): third-party tokens are keyed by it (decision 0060). Empty: the
  // third-party routes answer masking_unavailable.
  std::string mask_key_file;

  // Sealed reports (config.json "key_service", docs/sealed.md "Key services"): this node runs
  // the key service `key_service_name`, with its current private key in key_service_key_file
  // (PEM, mode 0600) and the keys it had before rotations in key_service_previous_key_files.
  // An empty name or "enabled": false: no key service (the document routes are served anyway).
  bool key_service_enabled = true;
  std::string key_service_name;
  std::string key_service_key_file;
  std::vector<std::string> key_service_previous_key_files;
  bool runs_key_service() const { return key_service_enabled && !key_service_name.empty(); }

  // Prometheus metrics (config.json "metrics", docs/operations.md "Metrics"): plain HTTP
  // GET /metrics on its own listener, never on the API port. Empty: no listener. The text is
  // unauthenticated, so an address other than loopback needs metrics.allow_remote.
  std::string metrics_listen;  // "127.0.0.1:9464", "[::1]:9464"
  bool metrics_allow_remote = false;

  // The administration socket (node/app/admin_socket.hpp). In the home by default; a packaged
  // node keeps its home read-only under /etc/regledger and puts the socket in its runtime
  // directory instead (packaging/, decision 0069).
  std::string admin_socket = "admin.sock";

  std::string path(const std::string& rel) const;
};

// "HOST:PORT" (or "[V6]:PORT") split; code bad_config. Port 0: any free port.
struct ListenAddress {
  std::string host;  // without brackets
  std::uint16_t port = 0;
  bool loopback() const;
};
Result<ListenAddress> parse_listen_address(const std::string& text);

// Reads HOME/config.json (strict: unknown keys are errors). Code: bad_config.
Result<NodeConfig> load_node_config(const std::string& home);
// The metrics listener's rules (loopback unless allow_remote; a port other than the API's and
// P2P's): load_node_config applies them, and so must anything that changes a port afterwards
// (regledgerd --api-port). Code: bad_config.
Status check_metrics_listen(const NodeConfig& c);
std::string node_config_to_json(const NodeConfig& c);

// The login limits of a node's config.
identity::AuthConfig identity_auth_config(const NodeConfig& c);

}  // namespace rl::node
