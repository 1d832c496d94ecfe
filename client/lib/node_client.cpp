#include "client/lib/node_client.hpp"

#include <functional>

#include <algorithm>
#include <cctype>
#include <thread>

#include "api/error_codes.hpp"
#include "api/routes.hpp"
#include "client/http/https_url.hpp"
#include "crypto/hash.hpp"
#include "crypto/merkle.hpp"
#include "ledger/commit.hpp"
#include "ledger/tx.hpp"
#include "ledger/tx_batch.hpp"

namespace rl::client {

using api::ApiError;
using api::Route;

namespace {

using nlohmann::json;

// Typed field reads: nlohmann's value() throws on a type mismatch, and an answer is
// whatever a (possibly hostile) node chose to send.
std::string str_field(const json& j, const char* key, std::string fallback = {}) {
  if (!j.is_object()) return fallback;
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}

bool is_transport_error(const Error& e) {
  return e.code == "connect_failed" || e.code == "tls_handshake_failed" || e.code == "timeout" ||
         e.code == "http_error";
}

Result<json> to_json(const http::HttpResponse& r) {
  json j = json::parse(r.body, nullptr, false);
  if (r.status < 200 || r.status >= 300) {
    if (!j.is_discarded() && j.is_object() && j.contains("error") && j["error"].is_object()) {
      return make_error(str_field(j["error"], "code", "http_" + std::to_string(r.status)),
                        str_field(j["error"], "message"));
    }
    return make_error("http_" + std::to_string(r.status), r.body.substr(0, 200));
  }
  if (j.is_discarded()) return make_error("bad_response", "node answered with invalid JSON");
  return j;
}

// Queries that carry organizations' data (docs/identity.md "Who reads whose data"); status,
// headers, the CRL, submissions and the auth endpoints themselves are served without a session.
bool needs_session(const std::string& method, const std::string& target) {
  if (method != "GET") return false;
  const auto match = api::match_route(std::string_view(target).substr(0, target.find('?')));
  if (!match) return false;
  switch (match->route) {
    case Route::kReports:
    case Route::kReport:
    case Route::kReportVersions:
    case Route::kReportChunks:
    case Route::kReportChunk:
    case Route::kTx:
    case Route::kReceipt:
    case Route::kBlock:
    case Route::kBalance:
    case Route::kAudit:
    case Route::kAuthSession:
    case Route::kThirdPartyReports:
    case Route::kThirdPartyReport:
      return true;
    default:
      return false;
  }
}

NodeFault fault_from(const Error& e) {
  return NodeFault{{},
                   is_transport_error(e) ? NodeFault::Kind::kUnreachable : NodeFault::Kind::kError,
                   e.code,
                   e.message};
}

NodeFault invalid(std::string code, std::string reason) {
  return NodeFault{{}, NodeFault::Kind::kInvalid, std::move(code), std::move(reason)};
}

// Tx ids are 64 hex characters; the node answers lower case, so compare in lower case.
Result<std::string> normalize_tx_id(const std::string& tx_id) {
  std::string out = tx_id;
  for (auto& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (out.size() != 64 || !from_hex(out).ok()) {
    return make_error("bad_id", "tx ids are 64 hex characters");
  }
  return out;
}

// The raw Block bytes of a /v1/blocks/{h} answer ("block", base64). Decoding failures mean
// the node served something that is not a block: an invalid answer, not an API error.
Result<ledger::pb::Block> block_of(const json& j) {
  if (!j.is_object() || !j.contains("block") || !j["block"].is_string()) {
    return make_error("bad_block", "block answer carries no 'block' bytes");
  }
  auto raw = from_base64(j["block"].get<std::string>());
  if (!raw.ok()) return make_error("bad_block", "'block' is not base64");
  ledger::pb::Block b;
  if (!b.ParseFromArray(raw->data(), static_cast<int>(raw->size()))) {
    return make_error("bad_block", "'block' does not decode");
  }
  return b;
}

}  // namespace

std::string_view fault_kind_name(NodeFault::Kind kind) {
  switch (kind) {
    case NodeFault::Kind::kUnreachable:
      return "unreachable";
    case NodeFault::Kind::kError:
      return "error";
    case NodeFault::Kind::kInvalid:
      return "invalid answer";
  }
  return "?";
}

std::string NodeFault::to_string() const {
  return url + ": " + std::string(fault_kind_name(kind)) + " (" + code + ": " + reason + ")";
}

Result<NodeClient> NodeClient::create(NodeClientConfig config) {
  if (config.urls.empty()) return make_error("no_nodes", "give at least one node URL (--node)");
  NodeClient c;
  for (const auto& u : config.urls) {
    RL_ASSIGN_OR_RETURN(auto url, http::parse_https_url(u));
    http::HttpsClientConfig hc;
    hc.host = url.host;
    hc.port = url.port;
    hc.ca_pem = config.ca_pem;
    hc.timeout_ms = config.timeout_ms;
    c.urls_.push_back(u);
    c.clients_.push_back(std::make_unique<http::HttpsClient>(hc));
  }
  c.lying_.assign(c.urls_.size(), false);
  c.tokens_.assign(c.urls_.size(), std::string());
  c.on_fault_ = std::move(config.on_fault);
  if (!config.genesis_json.empty()) {
    auto g = ledger::parse_genesis(config.genesis_json);
    if (!g.ok()) return make_error("bad_genesis", g.error().message);
    auto anchor = ledger::make_trust_anchor(*g);
    if (!anchor.ok()) return make_error("bad_genesis", anchor.error().message);
    c.set_trust_anchor(std::move(anchor).value());
  }
  return c;
}

void NodeClient::set_trust_anchor(ledger::TrustAnchor anchor) {
  anchor_ = std::make_shared<const ledger::TrustAnchor>(std::move(anchor));
}

bool NodeClient::caught_lying(const std::string& url) const {
  for (std::size_t i = 0; i < urls_.size(); ++i) {
    if (urls_[i] == url && lying_[i]) return true;
  }
  return false;
}

std::vector<std::size_t> NodeClient::order() const {
  std::vector<std::size_t> honest, liars;
  for (std::size_t attempt = 0; attempt < clients_.size(); ++attempt) {
    std::size_t i = (current_ + attempt) % clients_.size();
    (lying_[i] ? liars : honest).push_back(i);
  }
  honest.insert(honest.end(), liars.begin(), liars.end());
  return honest;
}

void NodeClient::set_login(Identity id, std::string password) {
  login_identity_ = std::move(id);
  login_password_ = std::move(password);
}

void NodeClient::set_session(const std::string& url, std::string token) {
  for (std::size_t i = 0; i < urls_.size(); ++i) {
    if (urls_[i] == url) tokens_[i] = token;
  }
}

std::string NodeClient::current_token() const {
  return tokens_[current_];
}

Result<SessionToken> NodeClient::login() {
  if (!login_identity_) return make_error("no_login", "no identity and password to log in with");
  Error last = make_error("no_nodes", "no node answered");
  for (std::size_t i : order()) {
    auto t = login_over(*clients_[i], *login_identity_, login_password_);
    if (t.ok()) {
      current_ = i;
      tokens_[i] = t->token;
      return t;
    }
    last = make_error(t.error().code, urls_[i] + ": " + t.error().message);
    if (!is_transport_error(t.error())) return last;
  }
  return last;
}

Result<http::HttpResponse> NodeClient::send(std::size_t i, const std::string& method,
                                            const std::string& target, const std::string& body,
                                            const std::string& content_type) {
  // Log in before the first data query on a node rather than after its refusal: one round
  // trip less, and a node is asked each question once.
  if (tokens_[i].empty() && login_identity_ && needs_session(method, target)) {
    auto t = login_over(*clients_[i], *login_identity_, login_password_);
    if (!t.ok()) {
      if (is_transport_error(t.error())) return t.error();
      return make_error(t.error().code, "login: " + t.error().message);
    }
    tokens_[i] = t->token;
  }
  auto headers = [&] {
    http::HeaderList h = {{"content-type", content_type}};
    if (!tokens_[i].empty()) h.emplace_back("authorization", "Bearer " + tokens_[i]);
    h.insert(h.end(), extra_headers_.begin(), extra_headers_.end());
    return h;
  };
  auto r = clients_[i]->request(method, target, body, headers());
  if (!r.ok() || r->status != 401 || !login_identity_) return r;
  auto j = json::parse(r->body, nullptr, false);
  auto code = j.is_object() && j.contains("error") ? str_field(j["error"], "code") : "";
  if (code != api::to_string(ApiError::kSessionRequired) &&
      code != api::to_string(ApiError::kSessionExpired) &&
      code != api::to_string(ApiError::kSessionInvalid)) {
    return r;
  }
  auto t = login_over(*clients_[i], *login_identity_, login_password_);
  if (!t.ok()) return make_error(t.error().code, "login: " + t.error().message);
  tokens_[i] = t->token;
  return clients_[i]->request(method, target, body, headers());
}

Result<http::HttpResponse> NodeClient::request(const std::string& method, const std::string& target,
                                               const std::string& body,
                                               const std::string& content_type) {
  Error last = make_error("no_nodes", "no node answered");
  for (std::size_t i : order()) {
    auto r = send(i, method, target, body, content_type);
    if (r.ok()) {
      current_ = i;
      return r;
    }
    last = make_error(r.error().code, urls_[i] + ": " + r.error().message);
    if (!is_transport_error(r.error())) return last;
  }
  return last;
}

Result<json> NodeClient::get_json(const std::string& target) {
  RL_ASSIGN_OR_RETURN(auto r, request("GET", target, ""));
  return to_json(r);
}

Result<json> NodeClient::post_json(const std::string& target, const json& body) {
  RL_ASSIGN_OR_RETURN(auto r, request("POST", target, body.dump()));
  return to_json(r);
}

Result<std::string> NodeClient::get_bytes(const std::string& target) {
  RL_ASSIGN_OR_RETURN(auto r, request("GET", target, ""));
  if (r.status / 100 != 2) {
    RL_ASSIGN_OR_RETURN(auto j, to_json(r));  // the API error of a JSON error body
    (void)j;
    return make_error("bad_response", "HTTP " + std::to_string(r.status) + " for " + target);
  }
  return std::move(r.body);
}

Result<std::string> NodeClient::submit(ByteView tx) {
  RL_ASSIGN_OR_RETURN(auto r, request("POST", api::route_path<Route::kTxs>(), to_string(tx),
                                      "application/octet-stream"));
  RL_ASSIGN_OR_RETURN(auto j, to_json(r));
  if (!j.contains("tx_id") || !j["tx_id"].is_string()) {
    return make_error("bad_response", "node did not return a tx_id");
  }
  return j["tx_id"].get<std::string>();
}

Result<json> NodeClient::submit_batch(const std::vector<Bytes>& txs) {
  const Bytes body = ledger::join_tx_batch(txs);
  RL_ASSIGN_OR_RETURN(auto r, request("POST", api::route_path<Route::kTxsBatch>(), to_string(body),
                                      "application/octet-stream"));
  RL_ASSIGN_OR_RETURN(auto j, to_json(r));
  if (!j.contains("results") || !j["results"].is_array() || j["results"].size() != txs.size()) {
    return make_error("bad_response", "node did not return one result per transaction");
  }
  return j["results"];
}

Result<json> NodeClient::wait_committed(const std::string& tx_id,
                                        std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto delay = std::chrono::milliseconds(20);
  while (true) {
    auto r = get_json(api::route_path<Route::kTx>(tx_id));
    if (r.ok() && str_field(*r, "status") == "committed") return r;
    if (!r.ok() && r.error().code != api::to_string(ApiError::kTxNotFound) &&
        !is_transport_error(r.error())) {
      return r.error();
    }
    if (std::chrono::steady_clock::now() + delay > deadline) {
      return make_error("wait_timeout", "tx " + tx_id + " not committed within " +
                                            std::to_string(timeout.count()) + " ms");
    }
    std::this_thread::sleep_for(delay);
    delay = std::min(delay * 2, std::chrono::milliseconds(500));
  }
}

Result<std::string> NodeClient::receipt_text(const std::string& tx_id) {
  RL_ASSIGN_OR_RETURN(auto r, request("GET", api::route_path<Route::kReceipt>(tx_id), ""));
  if (r.status != 200) {
    RL_ASSIGN_OR_RETURN(auto j, to_json(r));
    (void)j;
  }
  return r.body;
}

Result<ledger::Receipt> NodeClient::receipt(const std::string& tx_id) {
  RL_ASSIGN_OR_RETURN(auto text, receipt_text(tx_id));
  return ledger::receipt_from_json(text);
}

// ------------------------------------------------------------------------- verified reads

void NodeClient::record(std::vector<NodeFault>& faults, std::size_t i, NodeFault fault) {
  fault.url = urls_[i];
  if (fault.lying()) lying_[i] = true;
  if (on_fault_) on_fault_(fault);
  faults.push_back(std::move(fault));
}

Error NodeClient::no_valid_answer(const std::string& what) const {
  std::string msg = "no node gave " + what + " that verifies against genesis";
  for (const auto& f : last_faults_) msg += "; " + f.to_string();
  return make_error("no_valid_answer", msg);
}

Result<json> NodeClient::node_get_json(std::size_t i, const std::string& target, NodeFault* fault) {
  auto r = send(i, "GET", target, "", "application/json");
  if (!r.ok()) {
    *fault = fault_from(r.error());
    return r.error();
  }
  auto j = to_json(*r);
  if (!j.ok()) {
    // A 2xx answer that is not JSON is malformed rather than a refusal.
    *fault = j.error().code == "bad_response" ? invalid(j.error().code, j.error().message)
                                              : fault_from(j.error());
  }
  return j;
}

Result<VerifiedRead> NodeClient::verified_receipt(const std::string& tx_id) {
  if (!anchor_) {
    return make_error("no_trust_anchor", "verified reads need the network's genesis");
  }
  RL_ASSIGN_OR_RETURN(auto want, normalize_tx_id(tx_id));
  last_faults_.clear();
  for (std::size_t i : order()) {
    auto r = send(i, "GET", api::route_path<Route::kReceipt>(want), "", "application/json");
    if (!r.ok()) {
      record(last_faults_, i, fault_from(r.error()));
      continue;
    }
    if (r->status != 200) {
      auto j = to_json(*r);
      record(last_faults_, i,
             j.ok() ? fault_from(make_error("http_" + std::to_string(r->status), "unexpected"))
                    : fault_from(j.error()));
      continue;
    }
    auto receipt = ledger::receipt_from_json(r->body);
    if (!receipt.ok()) {
      record(last_faults_, i, invalid(receipt.error().code, receipt.error().message));
      continue;
    }
    auto v = ledger::verify_receipt(*anchor_, *receipt);
    if (!v.ok()) {
      record(last_faults_, i, invalid(v.error().code, v.error().message));
      continue;
    }
    // A genuine receipt for some other transaction proves nothing about this one.
    if (v->tx_id_hex != want) {
      record(last_faults_, i,
             invalid("wrong_tx", "served a receipt for tx " + v->tx_id_hex + ", not " + want));
      continue;
    }
    current_ = i;
    VerifiedRead out;
    out.url = urls_[i];
    out.receipt_json = ledger::receipt_to_json(*receipt);
    out.receipt = std::move(receipt).value();
    out.verified = std::move(v).value();
    out.faults = last_faults_;
    return out;
  }
  return no_valid_answer("a receipt for tx " + want);
}

Result<NodeClient::ProvenHeader> NodeClient::prove_header(std::size_t i, std::uint64_t height,
                                                          const std::string& header_bytes,
                                                          const std::string& cert_bytes,
                                                          const json* headers_answer,
                                                          NodeFault* fault) {
  const auto& anchor = *anchor_;
  auto bad = [&](const std::string& why) -> Error {
    *fault = invalid("block_invalid", "block " + std::to_string(height) + ": " + why);
    return make_error(fault->code, fault->reason);
  };
  ProvenHeader out;
  if (!out.header.ParseFromString(header_bytes)) return bad("header does not decode");
  const auto& hdr = out.header;
  if (hdr.chain_id() != anchor.chain_id) return bad("header names another chain");
  if (hdr.height() != height) return bad("header is for height " + std::to_string(hdr.height()));
  // The set that must have certified the block: genesis, or after validator-set changes the
  // one the node's handoff chain establishes from genesis (decision 0041).
  ledger::ValidatorKeys set = anchor.genesis_keys;
  if (!bytes_equal(hdr.validators_hash(), anchor.genesis_keys.hash)) {
    json fetched;
    if (headers_answer == nullptr) {
      auto jh = node_get_json(i, api::route_path<Route::kHeader>(std::to_string(height)), fault);
      if (!jh.ok()) return jh.error();
      fetched = std::move(jh).value();
      headers_answer = &fetched;
    }
    if (!headers_answer->is_object() || !headers_answer->contains("validator_handoffs")) {
      return bad("made by a validator set this genesis does not know");
    }
    auto handoffs = ledger::handoffs_from_json((*headers_answer)["validator_handoffs"].dump());
    if (!handoffs.ok()) return bad("validator handoffs: " + handoffs.error().message);
    auto trusted = ledger::follow_handoffs(anchor, *handoffs);
    if (!trusted.ok()) return bad(trusted.error().message);
    if (height < trusted->from_height) return bad("a validator handoff is at or above the block");
    if (!bytes_equal(hdr.validators_hash(), trusted->keys.hash)) {
      return bad("made by a validator set the node's handoff chain does not establish");
    }
    set = std::move(trusted->keys);
  }
  out.block_hash = crypto::hash(anchor.suite, as_bytes(header_bytes));
  ledger::pb::CommitCertificate cert;
  if (!cert.ParseFromString(cert_bytes)) return bad("certificate does not decode");
  auto committed = ledger::verify_commit(anchor, set, height, out.block_hash, cert);
  if (!committed.ok()) return bad("commit certificate: " + committed.error().message);
  out.commit_signatures = static_cast<std::size_t>(cert.signatures_size());
  return out;
}

namespace {

// The verified header's fields as a VerifiedBlock (without transactions).
VerifiedBlock block_of_header(const std::string& url, const ledger::pb::BlockHeader& hdr,
                              const Bytes& block_hash, std::size_t commit_signatures) {
  VerifiedBlock out;
  out.url = url;
  out.height = hdr.height();
  out.block_hash_hex = to_hex(block_hash);
  out.prev_block_hash_hex = to_hex(as_bytes(hdr.prev_block_hash()));
  out.app_hash_hex = to_hex(as_bytes(hdr.app_hash()));
  out.tx_root_hex = to_hex(as_bytes(hdr.tx_root()));
  out.time_ms = hdr.time_ms();
  out.proposer = hdr.proposer();
  out.tx_count = hdr.tx_count();
  out.commit_signatures = commit_signatures;
  return out;
}

// The transaction list of a block whose header is proven: it must hash to the header's
// tx_root, and every transaction must decode. Their ids (hex, in block order), or the reason.
Result<std::vector<std::string>> check_block_txs(const ledger::TrustAnchor& anchor,
                                                 const ledger::pb::Block& block,
                                                 const ledger::pb::BlockHeader& hdr) {
  std::vector<Bytes> leaves;
  std::vector<std::string> ids;
  for (const auto& t : block.txs()) {
    leaves.push_back(crypto::merkle_leaf_hash(anchor.suite, as_bytes(t)));
    auto d = ledger::decode_tx(anchor.suite, as_bytes(t));
    if (!d.ok()) return make_error("block_invalid", "a transaction does not decode");
    ids.push_back(to_hex(d->id));
  }
  if (leaves.size() != hdr.tx_count() ||
      !bytes_equal(hdr.tx_root(), crypto::merkle_root(anchor.suite, leaves))) {
    return make_error("block_invalid", "transactions do not match the header's tx_root");
  }
  return ids;
}

}  // namespace

Result<VerifiedBlock> NodeClient::verify_block_on(std::size_t i, std::uint64_t height,
                                                  NodeFault* fault) {
  auto bad = [&](const std::string& why) -> Error {
    *fault = invalid("block_invalid", "block " + std::to_string(height) + ": " + why);
    return make_error(fault->code, fault->reason);
  };
  RL_ASSIGN_OR_RETURN(
      auto j, node_get_json(i, api::route_path<Route::kBlock>(std::to_string(height)), fault));
  auto block = block_of(j);
  if (!block.ok()) return bad(block.error().message);
  // The certificate for `height` is only served as the last_commit of the next block.
  auto jn = node_get_json(i, api::route_path<Route::kBlock>(std::to_string(height + 1)), fault);
  if (!jn.ok()) {
    fault->reason = "block " + std::to_string(height + 1) + " (it carries block " +
                    std::to_string(height) + "'s commit certificate): " + fault->reason;
    return jn.error();
  }
  auto next = block_of(*jn);
  if (!next.ok()) return bad("next block: " + next.error().message);
  RL_ASSIGN_OR_RETURN(
      auto proven, prove_header(i, height, block->header(), next->last_commit(), nullptr, fault));
  // The header is now proven; the transaction list is checked against its tx_root.
  auto ids = check_block_txs(*anchor_, *block, proven.header);
  if (!ids.ok()) return bad(ids.error().message);
  VerifiedBlock out =
      block_of_header(urls_[i], proven.header, proven.block_hash, proven.commit_signatures);
  out.tx_ids = std::move(ids).value();
  return out;
}

Result<VerifiedBlock> NodeClient::verify_header_on(std::size_t i, std::uint64_t height,
                                                   NodeFault* fault) {
  auto bad = [&](const std::string& why) -> Error {
    *fault = invalid("block_invalid", "block " + std::to_string(height) + ": " + why);
    return make_error(fault->code, fault->reason);
  };
  RL_ASSIGN_OR_RETURN(
      auto j, node_get_json(i, api::route_path<Route::kHeader>(std::to_string(height)), fault));
  if (!j.is_object() || !j.contains("header") || !j["header"].is_string()) {
    return bad("header answer carries no 'header' bytes");
  }
  if (!j.contains("commit")) {
    // A node that has the block but not (yet) its certificate proves nothing: not a lie.
    *fault = NodeFault{{},
                       NodeFault::Kind::kError,
                       "no_commit",
                       "block " + std::to_string(height) + " is served without its certificate"};
    return make_error(fault->code, fault->reason);
  }
  auto header = from_base64(j["header"].is_string() ? j["header"].get<std::string>() : "");
  auto cert = from_base64(j["commit"].is_string() ? j["commit"].get<std::string>() : "");
  if (!header.ok() || !cert.ok()) return bad("header or commit is not base64");
  RL_ASSIGN_OR_RETURN(auto proven,
                      prove_header(i, height, to_string(*header), to_string(*cert), &j, fault));
  return block_of_header(urls_[i], proven.header, proven.block_hash, proven.commit_signatures);
}

Result<VerifiedBlock> NodeClient::first_verified(
    const std::string& what,
    const std::function<Result<VerifiedBlock>(std::size_t, NodeFault*)>& verify_on) {
  if (!anchor_) {
    return make_error("no_trust_anchor", "verified reads need the network's genesis");
  }
  last_faults_.clear();
  for (std::size_t i : order()) {
    NodeFault fault;
    auto b = verify_on(i, &fault);
    if (!b.ok()) {
      record(last_faults_, i, std::move(fault));
      continue;
    }
    current_ = i;
    b->faults = last_faults_;
    return b;
  }
  return no_valid_answer(what);
}

Result<VerifiedBlock> NodeClient::verified_header(std::uint64_t height) {
  return first_verified(
      "the header of block " + std::to_string(height),
      [&](std::size_t i, NodeFault* fault) { return verify_header_on(i, height, fault); });
}

Result<std::optional<std::vector<Bytes>>> NodeClient::verified_block_txs(
    const VerifiedBlock& header) {
  if (!anchor_) {
    return make_error("no_trust_anchor", "verified reads need the network's genesis");
  }
  const std::string h = std::to_string(header.height);
  last_faults_.clear();
  bool hidden = false;
  for (std::size_t i : order()) {
    NodeFault fault;
    auto j = node_get_json(i, api::route_path<Route::kBlock>(h), &fault);
    if (!j.ok()) {
      // Answered exactly as a block that does not exist: the reader may not read all of it.
      // That is the API's rule, not a fault of the node; the other nodes are still asked, so
      // that one node cannot hide a block the reader may read.
      if (j.error().code == api::to_string(ApiError::kBlockNotFound)) {
        hidden = true;
      } else {
        record(last_faults_, i, std::move(fault));
      }
      continue;
    }
    auto block = block_of(*j);
    ledger::pb::BlockHeader hdr;
    std::string why;
    if (!block.ok()) {
      why = block.error().message;
    } else if (to_hex(crypto::hash(anchor_->suite, as_bytes(block->header()))) !=
                   header.block_hash_hex ||
               !hdr.ParseFromString(block->header())) {
      why = "is not the block whose header verified";
    } else if (auto ids = check_block_txs(*anchor_, *block, hdr); !ids.ok()) {
      why = ids.error().message;
    }
    if (!why.empty()) {
      record(last_faults_, i, invalid("block_invalid", "block " + h + ": " + why));
      continue;
    }
    current_ = i;
    std::vector<Bytes> txs;
    for (const auto& t : block->txs()) txs.emplace_back(t.begin(), t.end());
    return std::optional<std::vector<Bytes>>(std::move(txs));
  }
  const bool lied = std::any_of(last_faults_.begin(), last_faults_.end(),
                                [](const NodeFault& f) { return f.lying(); });
  if (hidden && !lied) return std::optional<std::vector<Bytes>>();
  return no_valid_answer("the transactions of block " + h);
}

Result<VerifiedBlock> NodeClient::verified_block(std::uint64_t height) {
  return first_verified("block " + std::to_string(height), [&](std::size_t i, NodeFault* fault) {
    return verify_block_on(i, height, fault);
  });
}

Result<VerifiedBlock> NodeClient::verified_head() {
  if (!anchor_) {
    return make_error("no_trust_anchor", "verified reads need the network's genesis");
  }
  last_faults_.clear();
  for (std::size_t i : order()) {
    NodeFault fault;
    auto st = node_get_json(i, api::route_path<Route::kStatus>(), &fault);
    if (!st.ok()) {
      record(last_faults_, i, std::move(fault));
      continue;
    }
    if (!st->is_object() || !st->contains("height") || !(*st)["height"].is_number_unsigned()) {
      record(last_faults_, i, invalid("bad_response", "status carries no height"));
      continue;
    }
    auto head = (*st)["height"].get<std::uint64_t>();
    if (head < 2) {
      // Block 1's certificate arrives with block 2: nothing is provable yet.
      record(last_faults_, i,
             NodeFault{{},
                       NodeFault::Kind::kError,
                       "nothing_verifiable",
                       "head is " + std::to_string(head) + "; no block has a served certificate"});
      continue;
    }
    auto b = verify_block_on(i, head - 1, &fault);
    if (!b.ok()) {
      record(last_faults_, i, std::move(fault));
      continue;
    }
    current_ = i;
    b->reported_head = head;
    b->faults = last_faults_;
    return b;
  }
  return no_valid_answer("a head block");
}

}  // namespace rl::client
