#include "tests/client/failover_fixture.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>
#include <thread>

#include "client/lib/tx_builder.hpp"
#include "common/file_io.hpp"
#include "config/node_config.hpp"
#include "crypto/hash.hpp"
#include "genesis/network_init.hpp"
#include "ledger/commit.hpp"
#include "node/http/json_error.hpp"
#include "tests/support/api_enroll.hpp"
#include "tests/support/cluster.hpp"
#include "tests/support/must.hpp"

namespace rl::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

Bytes b64(const json& j, const char* key) {
  return must(from_base64(j.at(key).get<std::string>()), key);
}

// A block answer with its header or certificate altered. The JSON fields that describe the
// header are kept consistent with the forged bytes, as a careful liar would do, so that only
// verification (not a JSON cross-check) can catch it.
std::string tamper_block(const std::string& text, Lie lie, crypto::Suite suite) {
  json j = json::parse(text);
  ledger::pb::Block block;
  Bytes raw = b64(j, "block");
  if (!block.ParseFromArray(raw.data(), static_cast<int>(raw.size()))) return text;
  if (lie == Lie::kTamperHeader) {
    ledger::pb::BlockHeader hdr;
    if (!hdr.ParseFromString(block.header())) return text;
    hdr.set_time_ms(hdr.time_ms() + 3'600'000);
    block.set_header(hdr.SerializeAsString());
    j["time_ms"] = hdr.time_ms();
    j["block_hash"] = to_hex(crypto::hash(suite, as_bytes(block.header())));
  } else if (lie == Lie::kStripCommit) {
    ledger::pb::CommitCertificate cert;
    if (block.last_commit().empty() || !cert.ParseFromString(block.last_commit())) return text;
    cert.clear_signatures();
    block.set_last_commit(cert.SerializeAsString());
  } else {
    return text;
  }
  j["block"] = to_base64(as_bytes(block.SerializeAsString()));
  return j.dump();
}

}  // namespace

const char* lie_name(Lie lie) {
  switch (lie) {
    case Lie::kTamperTx:
      return "TamperTx";
    case Lie::kTamperHeader:
      return "TamperHeader";
    case Lie::kStripCommit:
      return "StripCommit";
    case Lie::kOtherTx:
      return "OtherTx";
    case Lie::kGarbage:
      return "Garbage";
    case Lie::kHide:
      return "Hide";
  }
  return "?";
}

std::string tamper_receipt(const std::string& receipt_json, Lie lie) {
  json j = json::parse(receipt_json);
  switch (lie) {
    case Lie::kTamperTx: {
      Bytes tx = b64(j, "tx");
      tx[tx.size() / 2] ^= 0x01;
      j["tx"] = to_base64(tx);
      break;
    }
    case Lie::kTamperHeader: {
      Bytes raw = b64(j, "header");
      ledger::pb::BlockHeader hdr;
      if (!hdr.ParseFromArray(raw.data(), static_cast<int>(raw.size()))) {
        throw std::runtime_error("genuine header does not decode");
      }
      hdr.set_time_ms(hdr.time_ms() + 3'600'000);
      j["header"] = to_base64(as_bytes(hdr.SerializeAsString()));
      break;
    }
    case Lie::kStripCommit: {
      Bytes raw = b64(j, "commit");
      ledger::pb::CommitCertificate cert;
      if (!cert.ParseFromArray(raw.data(), static_cast<int>(raw.size()))) {
        throw std::runtime_error("genuine commit does not decode");
      }
      cert.clear_signatures();
      j["commit"] = to_base64(as_bytes(cert.SerializeAsString()));
      break;
    }
    default:
      return receipt_json;
  }
  return j.dump(2) + "\n";
}

// ------------------------------------------------------------------------- HonestNetwork

HonestNetwork::HonestNetwork(const std::string& name) {
  std::random_device rd;
  dir = fs::temp_directory_path() / ("regledger-" + name + "-" + std::to_string(rd()));
  auto def = genesis::default_definition();
  def.scrypt_n = 1024;
  def.validators = 1;
  def.observers = 1;
  def.block.block_interval_ms = 50;
  ports.emplace(PortBlock::lease(4));
  const int base = ports->base();
  def.api_port_base = static_cast<std::uint16_t>(base);
  def.p2p_port_base = static_cast<std::uint16_t>(base + 2);
  auto init = must(genesis::init_network(def, dir.string()), "init_network");
  genesis_path = init.genesis_path;
  ca_path = init.tls_ca_path;
  ca_pem = must(read_file(ca_path), "read ca");
  genesis = must(ledger::parse_genesis(must(read_file(genesis_path), "read genesis")), "genesis");
  anchor.emplace(must(ledger::make_trust_anchor(genesis), "trust anchor"));
  admin.emplace(must(client::load_identity(init.admin_dir), "load admin"));
  observer_home = init.node_homes.at(1);

  // Short consensus timeouts, as in the cluster harness: the observer is never started.
  auto cfg = must(node::load_node_config(init.node_homes[0]), "load config");
  cfg.timeout_propose_ms = 1000;
  cfg.timeout_vote_ms = 500;
  cfg.timeout_delta_ms = 250;
  // The node enrolls through its API too: the issuing CA signs, the regulator admin binds.
  cfg.ca_cert_file = (dir / "ca/issuing.pem").string();
  cfg.ca_key_file = (dir / "ca/issuing.key").string();
  cfg.operator_dir = init.admin_dir;
  admin_dir = init.admin_dir;
  must(write_file(init.node_homes[0] + "/config.json", node::node_config_to_json(cfg)),
       "write config");
  node = std::make_unique<NodeProcess>(std::string(RL_BINARY_DIR) + "/node/regledgerd",
                                       init.node_homes[0], (dir / "node.log").string(), base);
  node->start();
  url = "https://127.0.0.1:" + std::to_string(base);

  ApiTarget target{base, ca_pem};
  auto c = target.client(500);
  bool healthy = false;
  for (int i = 0; i < 300 && !healthy; ++i) {
    auto r = c.get("/healthz");
    healthy = r.ok() && r->status == 200;
    if (!healthy) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!healthy) throw std::runtime_error("node did not become healthy:\n" + node->log_tail());

  reporter.emplace(must(
      enroll_over_api(target, genesis, *admin, dir.string(), "bank-a", "bank-a-reporting", "0105"),
      "enroll reporter"));
  reporter_dir = (dir / "reporter").string();
  must(client::save_identity(reporter_dir, reporter->account, reporter->org, reporter->chain_id,
                             reporter->suite, reporter->key, reporter->cert),
       "save reporter");
  must(write_file(reporter_dir + "/password", "a long test password\n", true), "save password");
  reporter->dir = reporter_dir;
  token = must(login_over_api(target, *reporter), "reporter login");
  tx_a = submit_report("2026-Q1");
  tx_b = submit_report("2026-Q2");
}

HonestNetwork::~HonestNetwork() {
  node.reset();
  std::error_code ec;
  if (!std::getenv("RL_KEEP_CLUSTER")) fs::remove_all(dir, ec);
}

std::string HonestNetwork::submit_report(const std::string& period) {
  ApiTarget target{node->api_port(), ca_pem};
  std::string payload = R"({"institution":"bank-a","period":")" + period +
                        R"(","cet1_ratio":12.5,"total_capital":1000})";
  auto tx = must(client::build_signed_tx(*reporter, genesis.chain_id, api_height(target),
                                         [&](ledger::pb::TxBody& b) {
                                           auto* p = b.mutable_submit_report();
                                           p->set_template_id("capital-adequacy");
                                           p->set_period(period);
                                           p->set_content_type("application/json");
                                           p->set_payload(payload);
                                         }),
                 "build report tx");
  return must(submit_and_wait(target, tx, std::chrono::seconds(20), token), "submit report");
}

// ----------------------------------------------------------------------------- LyingNode

LyingNode::LyingNode(const HonestNetwork& net, Lie lie) : lie_(lie), decoy_(net.tx_b) {
  http::HttpsClientConfig up;
  up.host = "127.0.0.1";
  up.port = static_cast<std::uint16_t>(net.node->api_port());
  up.ca_pem = net.ca_pem;
  up.timeout_ms = 5000;
  upstream_ = std::make_unique<http::HttpsClient>(up);

  http::HttpsServerConfig cfg;
  cfg.port = 0;
  cfg.identity = {must(read_file(net.observer_home + "/node.pem"), "observer cert"),
                  must(read_file(net.observer_home + "/node.key"), "observer key")};
  crypto::Suite suite = net.anchor->suite;
  server_ = must(
      http::HttpsServer::start(cfg,
                               [this, suite](http::HttpRequest&& req, http::Responder respond) {
                                 auto r = handle(req);
                                 if (r.status == 200 && starts_with(req.path, "/v1/blocks/")) {
                                   r.body = tamper_block(r.body, lie_, suite);
                                 }
                                 // A header answer carries "header" and "commit" as a
                                 // receipt does: the same lies apply.
                                 const Lie lie = lie_;
                                 if (r.status == 200 && starts_with(req.path, "/v1/headers/") &&
                                     (lie == Lie::kTamperHeader || lie == Lie::kStripCommit)) {
                                   r.body = tamper_receipt(r.body, lie);
                                 }
                                 respond(std::move(r));
                               }),
      "start lying node");
}

LyingNode::~LyingNode() {
  server_->stop();
}

std::string LyingNode::url() const {
  return "https://127.0.0.1:" + std::to_string(server_->port());
}

void LyingNode::set_decoy(std::string tx_id) {
  std::lock_guard lock(mu_);
  decoy_ = std::move(tx_id);
}

// Relaying blocks an io thread for one loopback round trip; acceptable for a test double that
// serves one client at a time, and it keeps the liar's honest answers byte-identical.
http::HttpResponse LyingNode::forward(const std::string& method, const std::string& target,
                                      const std::string& body, const std::string& content_type,
                                      const std::string& authorization) {
  std::lock_guard lock(mu_);
  http::HeaderList headers;
  if (!content_type.empty()) headers.emplace_back("content-type", content_type);
  if (!authorization.empty()) headers.emplace_back("authorization", authorization);
  auto r = upstream_->request(method, target, body, headers);
  if (!r.ok()) {
    // The proxy's own failure, not an answer of the node's API: a gateway status of its own.
    auto failed = http::json_error(make_error("upstream", r.error().to_string()));
    failed.status = 502;
    return failed;
  }
  http::HttpResponse out;
  out.status = r->status;
  out.body = r->body;
  return out;
}

http::HttpResponse LyingNode::handle(const http::HttpRequest& req) {
  if (req.method == "GET" && starts_with(req.path, "/v1/receipts/")) {
    receipt_requests_++;
    Lie lie = lie_;
    if (lie == Lie::kHide) {
      return http::json_error(api::ApiError::kTxNotFound, "no committed transaction with that id");
    }
    if (lie == Lie::kGarbage) {
      return http::HttpResponse{200, "application/json", R"({"receipt":"trust me"})", {}};
    }
    std::string target = req.target;
    if (lie == Lie::kOtherTx) {
      std::lock_guard lock(mu_);
      target = "/v1/receipts/" + decoy_;
    }
    auto auth = req.headers.find("authorization");
    auto r = forward("GET", target, "", "", auth == req.headers.end() ? "" : auth->second);
    if (r.status == 200) r.body = tamper_receipt(r.body, lie);
    return r;
  }
  if (req.method == "GET" && starts_with(req.path, "/v1/blocks/")) block_requests_++;
  // Everything else is relayed: status, submissions, tx lookups look perfectly normal.
  auto ct = req.headers.find("content-type");
  auto auth = req.headers.find("authorization");
  return forward(req.method, req.target, req.body,
                 ct == req.headers.end() ? std::string() : ct->second,
                 auth == req.headers.end() ? std::string() : auth->second);
}

// ----------------------------------------------------------------------------- BlackHole

BlackHole::BlackHole() {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) throw std::runtime_error("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(fd_, 16) != 0) {
    ::close(fd_);
    throw std::runtime_error("bind/listen");
  }
  socklen_t len = sizeof(addr);
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
}

BlackHole::~BlackHole() {
  if (fd_ >= 0) ::close(fd_);
}

std::string closed_port_url() {
  return "https://127.0.0.1:" + std::to_string(free_loopback_port());
}

}  // namespace rl::testing
