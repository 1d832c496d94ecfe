#include "tests/app/node_fixture.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <random>

#include "client/lib/session.hpp"
#include "common/file_io.hpp"
#include "common/wall_clock.hpp"
#include "crypto/symmetric.hpp"
#include "ledger/state_keys.hpp"

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

NodeFixture::NodeFixture(node::identity::AuthConfig auth_config, bool offline,
                         std::uint32_t regulators, std::uint32_t threshold)
    : dir(unique_dir()) {
  auto def = genesis::default_definition();
  def.scrypt_n = 1024;
  for (std::uint32_t i = 2; i <= regulators; ++i) {
    const std::string n = std::to_string(i);
    def.regulators.push_back({"regulator-" + n, "Regulator " + n, "regulator-" + n + "-admin"});
  }
  if (regulators > 1) def.governance_threshold = threshold;
  def.block.max_block_txs = 5000;
  auto init = must(genesis::init_network(def, dir.string()));
  genesis = must(ledger::parse_genesis(must(read_file(init.genesis_path))));
  if (!offline) genesis.offline.reset();
  ca_pem = must(read_file((dir / "ca/root.pem").string()));
  issuing_cert =
      must(crypto::Certificate::from_pem(must(read_file((dir / "ca/issuing.pem").string()))));
  issuing_key =
      must(crypto::PrivateKey::from_pem(must(read_file((dir / "ca/issuing.key").string()))));
  admin = must(client::load_identity(init.admin_dir));
  for (const auto& d : init.admin_dirs) admins.push_back(must(client::load_identity(d)));

  home_ = std::filesystem::path(init.node_homes[0]);
  chain = must(ledger::Chain::open((home_ / "data").string(), genesis));
  offline_master_key = must(ledger::read_master_key_file((home_ / "offline-master.key").string()));
  if (auto s = offline ? chain->set_offline_master_key(offline_master_key) : Status{}; !s.ok()) {
    throw std::runtime_error("fixture: " + s.error().to_string());
  }
  offline_issuer_key =
      must(crypto::PrivateKey::from_pem(must(read_file((dir / "ca/offline-issuer.key").string()))));
  audit = must(node::identity::AuditLog::open((home_ / "audit").string()));
  auth_config_ = auth_config;
  make_identity();
  mempool = std::make_unique<node::Mempool>(10000, 64 * 1024 * 1024);
  mask_key = crypto::random_bytes(32);
  start_node();
}

void NodeFixture::start_node() {
  auto key = must(crypto::PrivateKey::from_pem(must(read_file((home_ / "node.key").string()))));
  sealer = std::make_unique<node::Sealer>(*chain, *mempool, key, 0, node::SealerConfig{});
  api = std::make_unique<node::Api>(*chain, *mempool, *identity, "node0");
  set_mask_key(mask_key);
  auto ks_keys = must(node::sealed::KeyServiceKeys::load(genesis.suite, {key_service_key_file()}));
  sealed = std::make_unique<node::sealed::SealedApi>(
      *chain, *identity,
      std::make_unique<node::sealed::KeyReleaser>(*chain, "ks-node0", std::move(ks_keys)));
  api->set_sealed(sealed.get());

  http::HttpsServerConfig hc;
  hc.port = 0;
  hc.identity = {must(read_file((home_ / "node.pem").string())),
                 must(read_file((home_ / "node.key").string()))};
  hc.max_body_bytes = 64 * 1024;
  server = must(http::HttpsServer::start(hc, [this](http::HttpRequest&& req, http::Responder r) {
    api->handle(std::move(req), std::move(r));
  }));
}

void NodeFixture::make_identity() {
  identity.reset();
  device_enroll.reset();
  enroll.reset();
  auth = std::make_unique<node::identity::AuthService>(*chain, *audit, auth_config_,
                                                       [this] { return now_ms(); });
  node::identity::IssuingCa ca{*issuing_cert, *issuing_key};
  // The test drives block production, so enrollment answers "pending" at once.
  node::identity::EnrollConfig ec{.ca = ca, .op = {admin->account, admin->key, admin->cert_id}};
  ec.wait = std::chrono::milliseconds(0);
  ec.admin_approval_orgs = {kAdminApprovedOrg};
  device_enroll = std::make_unique<node::identity::DeviceEnrollService>(
      *auth, ec, genesis.offline ? offline_master_key : Bytes{});
  enroll = std::make_unique<node::identity::EnrollService>(*auth, ec);
  identity = std::make_unique<node::identity::IdentityApi>(
      *auth, node::identity::ReadAccess::kSession, ca);
  identity->set_enroll_service(enroll.get());
  identity->set_device_enroll_service(device_enroll.get());
}

void NodeFixture::set_mask_key(std::optional<Bytes> key) {
  // The API holds a pointer: detach it before the old routes go.
  api->set_third_party(nullptr);
  third_party = std::make_unique<node::third_party::ThirdPartyApi>(
      *chain, *identity, node::third_party::ThirdPartyConfig{std::move(key)});
  api->set_third_party(third_party.get());
}

std::string NodeFixture::login(const client::Identity& id, const std::string& password,
                               const std::string& scope) {
  auto c = client();
  auto t = client::login_over(c, id, password, scope);
  if (!t.ok()) throw std::runtime_error("login: " + t.error().to_string());
  return t->token;
}

Result<http::HttpResponse> NodeFixture::get(const std::string& token,
                                            const std::string& target) const {
  auto c = client();
  return c.request("GET", target, {}, client::bearer_headers(token));
}

NodeFixture::~NodeFixture() {
  server.reset();
  api.reset();
  sealed.reset();
  third_party.reset();
  sealer.reset();
  identity.reset();
  device_enroll.reset();
  enroll.reset();
  auth.reset();
  audit.reset();
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

std::string NodeFixture::submit_sealed_and_conserved(const Bytes& tx) {
  auto c = client();
  auto r = post_tx_bytes(c, tx);
  EXPECT_TRUE(r.ok());
  if (!r.ok()) return r.error().code;
  if (r->status != 202) return nlohmann::json::parse(r->body)["error"]["code"];
  seal();
  expect_value_conserved();
  return "";
}

void NodeFixture::expect_value_conserved() const {
  auto a = chain->value_audit();
  ASSERT_TRUE(a.ok()) << a.error().to_string();
  EXPECT_TRUE(a->holds()) << "balances " << a->balances << " + on devices " << a->on_devices
                          << " != issued " << a->issued;
}

Bytes NodeFixture::sign(const client::Identity& id,
                        const std::function<void(ledger::pb::TxBody&)>& fill,
                        std::uint64_t expiry_blocks) const {
  return must(
      client::build_signed_tx(id, genesis.chain_id, chain->head().height, fill, expiry_blocks));
}

std::function<void(ledger::pb::TxBody&)> NodeFixture::fill_report(const client::Identity& who,
                                                                  const std::string& template_id,
                                                                  const std::string& period) {
  return [=](ledger::pb::TxBody& b) {
    auto* p = b.mutable_submit_report();
    p->set_template_id(template_id);
    p->set_period(period);
    p->set_content_type("application/json");
    p->set_payload(R"({"institution":")" + who.org + R"(","period":")" + period +
                   R"(","cet1_ratio":14.2,"total_capital":1})");
  };
}

Bytes NodeFixture::sign_report(const client::Identity& who, const std::string& template_id,
                               const std::string& period) const {
  return sign(who, fill_report(who, template_id, period));
}

namespace {

void submit_to(ledger::Chain& chain, node::Mempool& mempool, crypto::Suite suite, const Bytes& tx) {
  auto d = must(ledger::decode_tx(suite, tx));
  auto st = chain.admit(d, 0);
  if (!st.ok()) throw std::runtime_error("admit: " + st.error().to_string());
  auto added = mempool.add(std::move(d));
  if (!added.ok()) throw std::runtime_error("mempool: " + added.error().to_string());
}

}  // namespace

void NodeFixture::register_account(const std::string& org, const std::string& account,
                                   const std::string& permission, const std::string& kind,
                                   const std::string& role, const std::string& department) {
  auto submit = [&](const Bytes& tx) { submit_to(*chain, *mempool, genesis.suite, tx); };
  if (!must(chain->state_value(ledger::keys::org(org)))) {
    submit(sign(*admin, [&](ledger::pb::TxBody& b) {
      auto* p = b.mutable_register_organization();
      p->set_org_id(org);
      p->set_name(org);
      p->set_kind(kind);
    }));
    seal();
  }
  auto cred = must(genesis::make_credential(kPassword, 1024));
  submit(sign(*admin, [&](ledger::pb::TxBody& b) {
    auto* p = b.mutable_register_account();
    p->set_account_id(account);
    p->set_org_id(org);
    p->set_role(role);
    p->set_permission_code(permission);
    p->set_department(department);
    auto* c = p->mutable_credential();
    c->set_salt(to_string(cred.salt));
    c->set_hash(to_string(cred.hash));
    c->set_n(cred.n);
    c->set_r(cred.r);
    c->set_p(cred.p);
  }));
  seal();
}

client::Identity NodeFixture::enroll_reporter(const std::string& org, const std::string& account,
                                              const std::string& permission,
                                              const std::string& kind, const std::string& role,
                                              const std::string& department) {
  auto submit = [&](const Bytes& tx) { submit_to(*chain, *mempool, genesis.suite, tx); };
  register_account(org, account, permission, kind, role, department);
  auto key = must(crypto::PrivateKey::generate(genesis.suite));
  auto csr = must(crypto::CertificateRequest::create(key, {account, org, "", ""}));
  crypto::IssueOptions io;
  auto now = rl::wall_now_s();
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

void NodeFixture::commit_as_admin(const std::function<void(ledger::pb::TxBody&)>& fill) {
  submit_to(*chain, *mempool, genesis.suite, sign(*admin, fill));
  seal();
}

std::string NodeFixture::submit_as(const client::Identity& who,
                                   const std::function<void(ledger::pb::TxBody&)>& fill) {
  auto c = client();
  auto r = post_tx_bytes(c, sign(who, fill));
  if (!r.ok()) return r.error().code;
  if (r->status != 202) return nlohmann::json::parse(r->body)["error"]["code"];
  seal();
  return "";
}

void NodeFixture::revoke_certificate(ByteView cert_id, const std::string& reason) {
  commit_as_admin([&](ledger::pb::TxBody& b) {
    auto* p = b.mutable_revoke_certificate();
    p->set_cert_id(to_string(cert_id));
    p->set_reason(reason);
  });
}

void NodeFixture::suspend_account(const std::string& account, const std::string& reason) {
  commit_as_admin([&](ledger::pb::TxBody& b) {
    auto* p = b.mutable_suspend_account();
    p->set_account_id(account);
    p->set_suspend(true);
    p->set_reason(reason);
  });
}

NodeSnapshot NodeFixture::snapshot() const {
  auto h = chain->head();
  return {h.height, h.app_hash, mempool->size(), auth->session_count()};
}

}  // namespace rl::testing
