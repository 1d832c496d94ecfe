#include "tests/ledger/ledger_fixture.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <stdexcept>

#include "common/wall_clock.hpp"
#include "crypto/merkle.hpp"
#include "crypto/symmetric.hpp"
#include "genesis/network_init.hpp"

namespace rl::ledger::testing {
namespace fs = std::filesystem;

std::uint32_t mapped_level(std::uint32_t level) {
  return std::min<std::uint32_t>(99, level + 3);
}

crypto::Certificate issue_cert(const crypto::Certificate& issuer,
                               const crypto::PrivateKey& issuer_key,
                               const crypto::PrivateKey& subject_key, const std::string& cn,
                               std::int64_t not_before, std::int64_t not_after,
                               crypto::CertProfile profile) {
  auto csr =
      crypto::CertificateRequest::create(subject_key, {cn, "RegLedger Test", "Ledger", ""}).value();
  crypto::IssueOptions o;
  o.not_before = not_before;
  o.not_after = not_after;
  o.profile = profile;
  return crypto::issue_certificate(issuer, issuer_key, csr, o).value();
}

Pki make_pki() {
  const auto suite = crypto::Suite::kP256Sha256;
  const std::int64_t t = rl::wall_now_s();
  auto root_key = crypto::PrivateKey::generate(suite).value();
  crypto::IssueOptions ro;
  ro.not_before = t - 365 * kDay;
  ro.not_after = t + 10 * 365 * kDay;
  ro.profile = crypto::CertProfile::kRootCa;
  auto root =
      crypto::create_root_certificate(root_key, {"Test Root CA", "RegLedger Test", "", ""}, ro)
          .value();
  auto issuing_key = crypto::PrivateKey::generate(suite).value();
  auto issuing = issue_cert(root, root_key, issuing_key, "Test Issuing CA", t - 365 * kDay,
                            t + 5 * 365 * kDay, crypto::CertProfile::kIntermediateCa);
  auto validator_key = crypto::PrivateKey::generate(suite).value();
  auto validator_cert = issue_cert(root, root_key, validator_key, "validator-0", t - 3600,
                                   t + 365 * kDay, crypto::CertProfile::kTlsServerClient);
  auto admin_key = crypto::PrivateKey::generate(suite).value();
  auto admin_cert =
      issue_cert(issuing, issuing_key, admin_key, kAdminAccount, t - 3600, t + 30 * kDay);
  auto cred = genesis::make_credential("admin-password", kScryptN).value();
  return Pki{std::move(root_key),  std::move(root),          std::move(issuing_key),
             std::move(issuing),   std::move(validator_key), std::move(validator_cert),
             std::move(admin_key), std::move(admin_cert),    std::move(cred),
             (t - 60) * 1000};
}

const Pki& shared_pki() {
  static const Pki pki = make_pki();
  return pki;
}

Genesis make_genesis(const Pki& pki, const std::string& chain_id) {
  Genesis g;
  g.chain_id = chain_id;
  g.suite = crypto::Suite::kP256Sha256;
  g.genesis_time_ms = pki.genesis_time_ms;
  g.root_pems = {pki.root.to_pem()};
  g.intermediate_pems = {pki.issuing.to_pem()};
  GenesisValidator v;
  v.name = "validator-0";
  v.certificate_pem = pki.validator_cert.to_pem();
  v.power = 10;
  v.p2p_address = "127.0.0.1:26656";
  v.api_url = "https://127.0.0.1:8443";
  g.validators = {v};
  g.organizations = {{kRegulatorOrg, "Financial Regulator", "regulator"}};
  GenesisAccount admin;
  admin.id = kAdminAccount;
  admin.org = kRegulatorOrg;
  admin.role = "admin";
  admin.permission_code = "0199";
  admin.credential = pki.admin_credential;
  admin.certificate_pems = {pki.admin_cert.to_pem()};
  g.accounts = {admin};
  GenesisTemplate capital;
  capital.id = kCapital;
  capital.name = "Quarterly capital adequacy return";
  capital.data_level_floor = 2;
  capital.required_fields = {"institution", "period", "cet1_ratio", "total_capital"};
  GenesisTemplate liquidity;
  liquidity.id = kLiquidity;
  liquidity.name = "Liquidity coverage";
  liquidity.data_level_floor = 0;
  liquidity.required_fields = {"lcr"};
  liquidity.max_payload_bytes = kLiquidityMaxPayload;
  GenesisTemplate sensitive;
  sensitive.id = kSensitive;
  sensitive.name = "Sensitive disclosure";
  sensitive.data_level_floor = 50;
  g.templates = {capital, liquidity, sensitive};
  for (std::uint32_t i = 0; i < 100; ++i) g.permission_mapping[i] = mapped_level(i);
  g.block.block_interval_ms = 100;
  g.block.max_block_txs = 5000;
  return g;
}

client::Identity make_identity(const std::string& account, const std::string& org,
                               const crypto::PrivateKey& key, const crypto::Certificate& cert,
                               const std::string& chain_id) {
  const auto suite = crypto::Suite::kP256Sha256;
  return client::Identity{"", account, org, chain_id, suite, key, cert, cert.id(suite)};
}

// ---------------------------------------------------------------- transactions

std::uint64_t fresh_nonce() {
  static std::atomic<std::uint64_t> next{1};
  return next++;
}

pb::TxBody make_body(const client::Identity& id, const Fill& fill, const TxOptions& opts) {
  pb::TxBody body;
  body.set_chain_id(opts.chain_id.value_or(id.chain_id));
  body.set_nonce(opts.nonce ? *opts.nonce : fresh_nonce());
  body.set_expires_at_height(opts.expires_at_height);
  body.set_signer(opts.signer.value_or(id.account));
  if (fill) fill(body);
  return body;
}

Bytes sign_as(const client::Identity& id, const Fill& fill, const TxOptions& opts) {
  return sign_tx(make_body(id, fill, opts), id.key, id.cert_id).value();
}

Bytes encode_tx(const std::string& body, const std::string& signature, const std::string& cert_id) {
  pb::Tx tx;
  tx.set_body(body);
  tx.set_signature(signature);
  tx.set_signer_cert_id(cert_id);
  return to_bytes(tx.SerializeAsString());
}

Fill register_org(const std::string& id, const std::string& kind) {
  return [=](pb::TxBody& b) {
    auto* p = b.mutable_register_organization();
    p->set_org_id(id);
    p->set_name("Organization " + id);
    p->set_kind(kind);
  };
}

namespace {
const GenesisCredential& member_credential() {
  static const GenesisCredential c = genesis::make_credential("member-password", kScryptN).value();
  return c;
}
}  // namespace

Fill register_account(const std::string& id, const std::string& org, const std::string& role,
                      const std::string& code) {
  return [=](pb::TxBody& b) {
    const auto& c = member_credential();
    auto* p = b.mutable_register_account();
    p->set_account_id(id);
    p->set_org_id(org);
    p->set_role(role);
    p->set_permission_code(code);
    auto* pc = p->mutable_credential();
    pc->set_salt(to_string(c.salt));
    pc->set_hash(to_string(c.hash));
    pc->set_n(c.n);
    pc->set_r(c.r);
    pc->set_p(c.p);
  };
}

Fill bind_certificate(const std::string& account, const crypto::Certificate& cert,
                      const std::vector<crypto::Certificate>& chain) {
  std::string der = to_string(cert.to_der());
  std::vector<std::string> chain_der;
  for (const auto& c : chain) chain_der.push_back(to_string(c.to_der()));
  return [=](pb::TxBody& b) {
    auto* p = b.mutable_bind_certificate();
    p->set_account_id(account);
    p->set_certificate_der(der);
    for (const auto& c : chain_der) p->add_chain_der(c);
  };
}

Fill submit_report(const std::string& tmpl, const std::string& period, const std::string& payload,
                   const std::string& batch) {
  return [=](pb::TxBody& b) {
    auto* p = b.mutable_submit_report();
    p->set_template_id(tmpl);
    p->set_period(period);
    p->set_batch(batch);
    p->set_content_type("application/json");
    p->set_payload(payload);
  };
}

std::string capital_payload(const std::string& institution) {
  return R"({"institution":")" + institution +
         R"(","period":"2026-Q3","cet1_ratio":0.131,"total_capital":1250000})";
}

// ---------------------------------------------------------------- blocks

pb::Block parse_block(const Bytes& block_bytes) {
  pb::Block block;
  if (!block.ParseFromArray(block_bytes.data(), static_cast<int>(block_bytes.size()))) {
    throw std::runtime_error("test block does not parse");
  }
  return block;
}

pb::BlockHeader parse_header(const Bytes& block_bytes) {
  pb::BlockHeader hdr;
  if (!hdr.ParseFromString(parse_block(block_bytes).header())) {
    throw std::runtime_error("test block header does not parse");
  }
  return hdr;
}

Bytes rewrite_header(const Bytes& block_bytes, const std::function<void(pb::BlockHeader&)>& edit) {
  pb::Block block = parse_block(block_bytes);
  pb::BlockHeader hdr = parse_header(block_bytes);
  edit(hdr);
  block.set_header(hdr.SerializeAsString());
  return to_bytes(block.SerializeAsString());
}

Bytes replace_txs(crypto::Suite suite, const Bytes& block_bytes, const std::vector<Bytes>& txs) {
  pb::Block block = parse_block(block_bytes);
  block.clear_txs();
  std::vector<Bytes> leaves;
  for (const auto& t : txs) {
    block.add_txs(to_string(t));
    leaves.push_back(crypto::merkle_leaf_hash(suite, t));
  }
  pb::BlockHeader hdr = parse_header(block_bytes);
  hdr.set_tx_count(static_cast<std::uint32_t>(txs.size()));
  hdr.set_tx_root(to_string(crypto::merkle_root(suite, leaves)));
  block.set_header(hdr.SerializeAsString());
  return to_bytes(block.SerializeAsString());
}

bool same_head(const ChainHead& a, const ChainHead& b) {
  return a.height == b.height && a.block_hash == b.block_hash && a.app_hash == b.app_hash &&
         a.time_ms == b.time_ms;
}

// ---------------------------------------------------------------- fixture

LedgerFixture::LedgerFixture()
    : pki_(shared_pki()),
      genesis_(make_genesis(pki_)),
      admin_(make_identity(kAdminAccount, kRegulatorOrg, pki_.admin_key, pki_.admin_cert)) {}

void LedgerFixture::SetUp() {
  dir_ = make_temp_dir();
  chain_ = open_chain(dir_, genesis_);
}

void LedgerFixture::TearDown() {
  chain_.reset();
  for (const auto& d : dirs_) {
    std::error_code ec;
    fs::remove_all(d, ec);
  }
}

std::string LedgerFixture::make_temp_dir() {
  fs::path p = fs::temp_directory_path() / ("rl-ledger-test-" + to_hex(crypto::random_bytes(8)));
  fs::create_directories(p);
  dirs_.push_back(p.string());
  return p.string();
}

std::unique_ptr<Chain> LedgerFixture::open_chain(const std::string& dir, const Genesis& genesis) {
  auto c = Chain::open(dir, genesis);
  if (!c.ok()) throw std::runtime_error("Chain::open: " + c.error().to_string());
  return std::move(c).value();
}

DecodedTx LedgerFixture::decode(const Bytes& raw) const {
  auto d = decode_tx(genesis_.suite, raw);
  if (!d.ok()) throw std::runtime_error("decode_tx: " + d.error().to_string());
  return std::move(d).value();
}

std::vector<DecodedTx> LedgerFixture::decode_all(const std::vector<Bytes>& raws) const {
  std::vector<DecodedTx> out;
  for (const auto& r : raws) out.push_back(decode(r));
  return out;
}

pb::CommitCertificate LedgerFixture::certify(std::uint64_t height, ByteView block_hash,
                                             std::uint32_t round) {
  pb::CommitCertificate cert;
  cert.set_height(height);
  cert.set_round(round);
  cert.set_block_hash(to_string(block_hash));
  *cert.add_signatures() =
      sign_precommit(chain_->anchor(), pki_.validator_key, 0, height, round, block_hash).value();
  return cert;
}

PreparedBlock LedgerFixture::build(Chain& chain, const std::vector<Bytes>& txs,
                                   std::vector<DroppedTx>* dropped) {
  auto b = chain.build_block(decode_all(txs), chain.head().time_ms + 1000, 0, dropped);
  if (!b.ok()) throw std::runtime_error("build_block: " + b.error().to_string());
  return std::move(b).value();
}

void LedgerFixture::seal(Chain& chain, const PreparedBlock& block) {
  auto st = chain.commit_block(block, certify(block.height, block.block_hash));
  if (!st.ok()) throw std::runtime_error("commit_block: " + st.error().to_string());
}

PreparedBlock LedgerFixture::commit_txs(Chain& chain, const std::vector<Bytes>& txs,
                                        std::vector<DroppedTx>* dropped) {
  std::vector<DroppedTx> local;
  PreparedBlock b = build(chain, txs, dropped ? dropped : &local);
  if (!dropped && !local.empty()) {
    throw std::runtime_error("commit_txs: tx dropped: " + local.front().error.to_string());
  }
  seal(chain, b);
  return b;
}

Member LedgerFixture::new_member(const std::string& account, const std::string& org,
                                 const std::string& role, const std::string& code) {
  auto key = crypto::PrivateKey::generate(genesis_.suite).value();
  const std::int64_t t = rl::wall_now_s();
  auto cert = issue_cert(pki_.issuing, pki_.issuing_key, key, account, t - 3600, t + 30 * kDay);
  Member m{make_identity(account, org, key, cert), {}};
  m.txs.push_back(sign_as(admin_, register_account(account, org, role, code)));
  m.txs.push_back(sign_as(admin_, bind_certificate(account, cert)));
  return m;
}

client::Identity LedgerFixture::enroll(const std::string& account, const std::string& org,
                                       const std::string& role, const std::string& code) {
  Member m = new_member(account, org, role, code);
  commit_txs(*chain_, m.txs);
  return m.id;
}

void LedgerFixture::expect_rejected(Chain& chain, const Bytes& tx, const std::string& code) {
  const ChainHead before = chain.head();
  DecodedTx d = decode(tx);

  auto admitted = chain.admit(d, before.time_ms + 1000);
  ASSERT_FALSE(admitted.ok()) << "admit() accepted a tx that should fail with " << code;
  EXPECT_EQ(admitted.error().code, code) << admitted.error().to_string();

  std::vector<DroppedTx> dropped;
  auto with_tx = chain.build_block({d}, before.time_ms + 1000, 0, &dropped);
  ASSERT_TRUE(with_tx.ok()) << with_tx.error().to_string();
  EXPECT_EQ(with_tx->header.tx_count(), 0u);
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped[0].tx_id, d.id);
  EXPECT_EQ(dropped[0].error.code, code) << dropped[0].error.to_string();
  auto empty = chain.build_block(std::vector<TxRef>{}, before.time_ms + 1000, 0, nullptr);
  ASSERT_TRUE(empty.ok()) << empty.error().to_string();
  EXPECT_TRUE(with_tx->writes.empty()) << "a dropped tx left writes behind";
  EXPECT_EQ(with_tx->header.app_hash(), empty->header.app_hash());
  EXPECT_EQ(with_tx->block_hash, empty->block_hash);

  // A proposer that includes it anyway: validators refuse the block, naming the rule.
  Bytes forced = replace_txs(genesis_.suite, empty->block_bytes, {tx});
  auto checked = chain.check_block(forced);
  ASSERT_FALSE(checked.ok()) << "check_block accepted a block with a tx failing " << code;
  EXPECT_EQ(checked.error().code, "bad_block");
  EXPECT_NE(checked.error().message.find(code), std::string::npos) << checked.error().message;

  const ChainHead after = chain.head();
  EXPECT_EQ(after.height, before.height);
  EXPECT_EQ(after.app_hash, before.app_hash);
  EXPECT_EQ(after.block_hash, before.block_hash);
}

}  // namespace rl::ledger::testing
