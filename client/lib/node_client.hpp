#pragma once
// The client library's connection to the network: a list of node URLs, tried in turn. A node
// that cannot be reached or times out is skipped and the next one is used; an HTTP error from a
// reachable node is an answer, not a failover reason.
//
// With a trust anchor (the network's genesis), reads can be verified: verified_receipt() and
// verified_block() check what a node serves against the genesis validator set and roots, so a
// node that serves a forged or foreign answer is caught (NodeFault, kind kInvalid), remembered,
// and the next node is asked. A node is never believed on its word where a proof exists.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/routes.hpp"
#include "client/http/https_client.hpp"
#include "client/lib/identity.hpp"
#include "client/lib/session.hpp"
#include "common/bytes.hpp"
#include "ledger/genesis.hpp"
#include "ledger/receipt.hpp"

namespace rl::client {

// What one node did when it was asked for a verified read and did not give a valid answer.
struct NodeFault {
  enum class Kind {
    kUnreachable,  // transport: connect failed, TLS failed, timed out, connection broke
    kError,        // answered with an API error (e.g. tx_not_found); not provably dishonest
    kInvalid,      // answered, and the answer does not verify against genesis: caught lying
  };
  std::string url;
  Kind kind = Kind::kError;
  std::string code;  // error code: connect_failed, tx_not_found, receipt_invalid, wrong_tx, ...
  std::string reason;

  bool lying() const { return kind == Kind::kInvalid; }
  // "https://host:port: <kind> (<code>: <reason>)"
  std::string to_string() const;
};

// "unreachable" | "error" | "invalid answer"
std::string_view fault_kind_name(NodeFault::Kind kind);

struct NodeClientConfig {
  std::vector<std::string> urls;  // https://host:port
  std::string ca_pem;             // network root CA (genesis root), to verify node TLS
  int timeout_ms = 10000;
  // The network's genesis.json. Non-empty: verified reads are available (see also
  // NodeClient::set_trust_anchor). Code bad_genesis when it does not parse.
  std::string genesis_json = {};
  // Called for every fault seen during a verified read, as it happens (e.g. to log a warning).
  std::function<void(const NodeFault&)> on_fault = {};
};

// A receipt that verified against the trust anchor, and who served it.
struct VerifiedRead {
  std::string url;  // the node whose answer verified
  ledger::Receipt receipt;
  ledger::VerifiedReceipt verified;
  // receipt_to_json of exactly what was verified (not the node's text, so nothing unverified
  // such as extra JSON keys is passed on).
  std::string receipt_json;
  std::vector<NodeFault> faults;  // the nodes asked before `url`, and what each did
};

// A block header (and its transaction list) that verified against the trust anchor with a
// commit certificate: the API serves block h's certificate only inside block h+1 (its
// last_commit), so block h is verifiable once h+1 exists.
struct VerifiedBlock {
  std::string url;
  std::uint64_t height = 0;
  std::string block_hash_hex;
  std::string prev_block_hash_hex;
  std::string app_hash_hex;
  std::string tx_root_hex;
  std::int64_t time_ms = 0;
  std::uint32_t proposer = 0;
  std::uint32_t tx_count = 0;       // from the header
  std::vector<std::string> tx_ids;  // hex, in block order (checked against tx_root)
  std::size_t commit_signatures = 0;
  // verified_head(): the height the node reported as its head (>= height + 1).
  std::uint64_t reported_head = 0;
  std::vector<NodeFault> faults;
};

class NodeClient {
 public:
  static Result<NodeClient> create(NodeClientConfig config);

  // GET/POST returning parsed JSON of a 2xx answer; a non-2xx answer becomes its API error
  // (code and message from the body).
  Result<nlohmann::json> get_json(const std::string& target);
  Result<nlohmann::json> post_json(const std::string& target, const nlohmann::json& body);

  Result<nlohmann::json> status() { return get_json(api::route_path<api::Route::kStatus>()); }
  // GET of a binary answer (a report's chunk): the body of a 2xx answer, else its API error.
  Result<std::string> get_bytes(const std::string& target);

  // --- Sessions (queries that carry report data need one; docs/identity.md) ---------------
  // Logs in with `id` + `password` on whichever node is asked, the first time a query there
  // needs a session and again whenever that node says the session has ended (expiry,
  // restart). Each node has its own session: sessions live in a node's memory.
  void set_login(Identity id, std::string password);
  // Uses `token` on the node at `url` (e.g. a session saved by `regledger login`).
  void set_session(const std::string& url, std::string token);
  // Logs in on the current node now. Codes: the node's login codes, no_login.
  Result<SessionToken> login();
  // A header sent with every request from now on (e.g. X-RegLedger-Grant for third-party calls).
  void add_header(std::string name, std::string value) {
    extra_headers_.emplace_back(std::move(name), std::move(value));
  }
  // The token in use on the current node ("" when none).
  std::string current_token() const;
  // Submits exact Tx bytes; returns the tx id (hex).
  Result<std::string> submit(ByteView tx);
  // POST /v1/txs/batch: one request for up to ledger::kMaxBatchTxs signed transactions, each
  // admitted on its own. The node's "results" array, one entry per tx in order:
  // {"tx_id", "status": "pending"} or {"error": {"code", "message"}}.
  Result<nlohmann::json> submit_batch(const std::vector<Bytes>& txs);
  // Polls until the tx is committed or `timeout` passes (code: wait_timeout).
  Result<nlohmann::json> wait_committed(const std::string& tx_id,
                                        std::chrono::milliseconds timeout);
  // Unverified: the receipt as the first reachable node serves it.
  Result<ledger::Receipt> receipt(const std::string& tx_id);
  Result<std::string> receipt_text(const std::string& tx_id);

  // --- Verified reads (need a trust anchor; code no_trust_anchor otherwise) ---------------
  void set_trust_anchor(ledger::TrustAnchor anchor);
  bool has_trust_anchor() const { return anchor_ != nullptr; }
  const ledger::TrustAnchor* trust_anchor() const { return anchor_.get(); }

  // Asks the nodes in turn for the receipt of `tx_id` until one serves a receipt that
  // verifies against the anchor and is for that very transaction. Nodes that serve anything
  // else are recorded as lying and not preferred afterwards. Codes: bad_id (tx_id is not 64
  // hex characters), no_valid_answer (no node verified; the message lists what each did, and
  // last_faults() has the details).
  Result<VerifiedRead> verified_receipt(const std::string& tx_id);
  // Block `height`, verified with the commit certificate carried by block height+1.
  // Code: no_valid_answer.
  Result<VerifiedBlock> verified_block(std::uint64_t height);
  // The newest block a node can prove: its head is H (from /v1/status, unverified), and block
  // H-1 is verified with the certificate in block H. A node can still hide newer blocks by
  // reporting an older head; that is not detectable from one node's answers.
  // Code: no_valid_answer.
  Result<VerifiedBlock> verified_head();

  // Block `height`'s header, verified with the commit certificate the public /v1/headers route
  // serves beside it: any reader can prove every header up to the head this way, the head
  // included, without reading a transaction (tx_ids stays empty; tx_count is the header's).
  // Codes: no_valid_answer (a node without the certificate yet answers code no_commit).
  Result<VerifiedBlock> verified_header(std::uint64_t height);
  // The exact transactions of the block whose header `header` verified, as this session's
  // reader reads /v1/blocks: checked against the header's tx_root. nullopt when the nodes answer
  // block_not_found, which the API says for a block the reader may not read every transaction
  // of (read_policy.hpp). Code: no_valid_answer (a node served another block, or none answered).
  Result<std::optional<std::vector<Bytes>>> verified_block_txs(const VerifiedBlock& header);

  // Faults seen by the most recent verified read (successful or not).
  const std::vector<NodeFault>& last_faults() const { return last_faults_; }
  // True when `url` has been caught serving an answer that does not verify.
  bool caught_lying(const std::string& url) const;

  const std::string& current_url() const { return urls_[current_]; }

 private:
  NodeClient() = default;
  // Indexes to try, starting at the current node; nodes caught lying go last, so that they
  // are only used (for unverified reads) when every other node is unreachable.
  std::vector<std::size_t> order() const;
  Result<http::HttpResponse> request(const std::string& method, const std::string& target,
                                     const std::string& body,
                                     const std::string& content_type = "application/json");
  // One GET to node i; its failure already classified as a fault.
  Result<nlohmann::json> node_get_json(std::size_t i, const std::string& target, NodeFault* fault);
  // One request to node i with its session token; when the node refuses the session and a
  // login is configured, logs in there and sends the request once more.
  Result<http::HttpResponse> send(std::size_t i, const std::string& method,
                                  const std::string& target, const std::string& body,
                                  const std::string& content_type);
  // Asks each node in failover order until one's answer verifies; the faults of the nodes
  // before it go with the answer. Codes: no_trust_anchor, no_valid_answer (about `what`).
  Result<VerifiedBlock> first_verified(
      const std::string& what,
      const std::function<Result<VerifiedBlock>(std::size_t, NodeFault*)>& verify_on);
  Result<VerifiedBlock> verify_block_on(std::size_t i, std::uint64_t height, NodeFault* fault);
  Result<VerifiedBlock> verify_header_on(std::size_t i, std::uint64_t height, NodeFault* fault);
  // A header proven by `cert_bytes` against the set in force at `height` (genesis, or the one
  // the handoffs establish: from `headers_answer` when given, else fetched from node i).
  struct ProvenHeader {
    ledger::pb::BlockHeader header;
    Bytes block_hash;
    std::size_t commit_signatures = 0;
  };
  Result<ProvenHeader> prove_header(std::size_t i, std::uint64_t height,
                                    const std::string& header_bytes, const std::string& cert_bytes,
                                    const nlohmann::json* headers_answer, NodeFault* fault);
  void record(std::vector<NodeFault>& faults, std::size_t i, NodeFault fault);
  Error no_valid_answer(const std::string& what) const;

  std::vector<std::string> urls_;
  std::vector<std::unique_ptr<http::HttpsClient>> clients_;
  std::vector<bool> lying_;  // per node: caught serving an answer that does not verify
  std::size_t current_ = 0;
  // Shared so that NodeClient stays cheap to move; the anchor itself is immutable.
  std::shared_ptr<const ledger::TrustAnchor> anchor_;
  std::function<void(const NodeFault&)> on_fault_;
  std::vector<NodeFault> last_faults_;
  http::HeaderList extra_headers_;
  std::vector<std::string> tokens_;  // per node
  std::optional<Identity> login_identity_;
  std::string login_password_;
};

}  // namespace rl::client
