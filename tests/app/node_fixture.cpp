#include "tests/app/node_fixture.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <random>

#include "common/file_io.hpp"

namespace rl::testing {
namespace {

template <typename T>
T must(Result<T> r) {
  if (!r.ok()) throw std::runtime_error("fixture: " + r.error().to_string());
  return std::move(r).value();
}

std::filesystem::path unique_dir() {
  std::random_device rd;
  return std::filesystem::temp_directory_path() /
         ("regledger-test-" + std::to_string(rd()) + std::to_string(rd()));
}

}  // namespace

NodeFixture::NodeFixture() : dir(unique_dir()) {
  auto def = genesis::default_definition();
  def.scrypt_n = 1024;
  def.block.max_block_txs = 5000;
  auto init = must(genesis::init_network(def, dir.string()));
  genesis = must(ledger::parse_genesis(must(read_file(init.genesis_path))));
  ca_pem = must(read_file((dir / "ca/root.pem").string()));
  issuing_cert =
      must(crypto::Certificate::from_pem(must(read_file((dir / "ca/issuing.pem").string()))));
  issuing_key =
      must(crypto::PrivateKey::from_pem(must(read_file((dir / "ca/issuing.key").string()))));
  admin = must(client::load_identity(init.admin_dir));

  auto home = std::filesystem::path(init.node_homes[0]);
  chain = must(ledger::Chain::open((home / "data").string(), genesis));
  mempool = std::make_unique<node::Mempool>(10000, 64 * 1024 * 1024);
  auto key = must(crypto::PrivateKey::from_pem(must(read_file((home / "node.key").string()))));
  sealer = std::make_unique<node::Sealer>(*chain, *mempool, key, 0, node::SealerConfig{});
  api = std::make_unique<node::Api>(*chain, *mempool, "node0");

  http::HttpsServerConfig hc;
  hc.port = 0;
  hc.identity = {must(read_file((home / "node.pem").string())),
                 must(read_file((home / "node.key").string()))};
  hc.max_body_bytes = 64 * 1024;
  server = must(http::HttpsServer::start(hc, [this](http::HttpRequest&& req, http::Responder r) {
    api->handle(std::move(req), std::move(r));
  }));
}

NodeFixture::~NodeFixture() {
  server.reset();
  sealer.reset();
  chain.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

http::HttpsClient NodeFixture::client() const {
  http::HttpsClientConfig c;
  c.host = "127.0.0.1";
  c.port = server->port();
  c.ca_pem = ca_pem;
  return http::HttpsClient(c);
}

Result<http::HttpResponse> NodeFixture::post_tx_bytes(http::HttpsClient& c, ByteView tx) const {
  nlohmann::json body = {{"tx", to_base64(tx)}};
  return c.post("/v1/txs", body.dump());
}

void NodeFixture::seal() {
  auto st = sealer->seal_once();
  if (!st.ok()) throw std::runtime_error("seal: " + st.error().to_string());
}

Bytes NodeFixture::sign(const client::Identity& id,
                        const std::function<void(ledger::pb::TxBody&)>& fill,
                        std::uint64_t expiry_blocks) const {
  return must(
      client::build_signed_tx(id, genesis.chain_id, chain->head().height, fill, expiry_blocks));
}

client::Identity NodeFixture::enroll_reporter(const std::string& org, const std::string& account,
                                              const std::string& permission) {
  auto submit = [&](const Bytes& tx) {
    auto d = must(ledger::decode_tx(genesis.suite, tx));
    auto st = chain->admit(d, 0);
    if (!st.ok()) throw std::runtime_error("admit: " + st.error().to_string());
    auto added = mempool->add(std::move(d));
    if (!added.ok()) throw std::runtime_error("mempool: " + added.error().to_string());
  };
  submit(sign(*admin, [&](ledger::pb::TxBody& b) {
    auto* p = b.mutable_register_organization();
    p->set_org_id(org);
    p->set_name(org);
    p->set_kind("institution");
  }));
  seal();
  auto cred = must(genesis::make_credential("a long test password", 1024));
  submit(sign(*admin, [&](ledger::pb::TxBody& b) {
    auto* p = b.mutable_register_account();
    p->set_account_id(account);
    p->set_org_id(org);
    p->set_role("reporter");
    p->set_permission_code(permission);
    auto* c = p->mutable_credential();
    c->set_salt(to_string(cred.salt));
    c->set_hash(to_string(cred.hash));
    c->set_n(cred.n);
    c->set_r(cred.r);
    c->set_p(cred.p);
  }));
  seal();
  auto key = must(crypto::PrivateKey::generate(genesis.suite));
  auto csr = must(crypto::CertificateRequest::create(key, {account, org, "", ""}));
  crypto::IssueOptions io;
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  io.not_before = now - 3600;
  io.not_after = now + 86400;
  auto cert = must(crypto::issue_certificate(*issuing_cert, *issuing_key, csr, io));
  submit(sign(*admin, [&](ledger::pb::TxBody& b) {
    auto* p = b.mutable_bind_certificate();
    p->set_account_id(account);
    p->set_certificate_der(to_string(cert.to_der()));
  }));
  seal();
  return client::Identity{
      "", account, org, genesis.chain_id, genesis.suite, key, cert, cert.id(genesis.suite)};
}

}  // namespace rl::testing
