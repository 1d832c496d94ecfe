// Admission and execution rules (ledger/executor.cpp): each rejection with its exact code, no
// state change, and the same verdict from admit(), build_block() and check_block().

#include <gtest/gtest.h>

#include "client/lib/tx_builder.hpp"
#include "common/wall_clock.hpp"
#include "crypto/hash.hpp"
#include "tests/ledger/ledger_fixture.hpp"

namespace rl::ledger::testing {
namespace {

class ExecutionRules : public LedgerFixture {
 protected:
  void SetUp() override {
    LedgerFixture::SetUp();
    commit_txs({sign_as(admin_, register_org("bank-a")), sign_as(admin_, register_org("bank-b"))});
  }
};

TEST_F(ExecutionRules, ValidTxIsAdmittedAndCommitted) {
  Bytes tx = sign_as(admin_, register_org("bank-c"));
  const auto before = chain_->head();
  auto d = decode(tx);
  ASSERT_TRUE(chain_->admit(d, before.time_ms + 1000).ok());
  EXPECT_TRUE(same_head(chain_->head(), before)) << "admit() must not change state";
  auto b = commit_txs({tx});
  EXPECT_EQ(b.header.tx_count(), 1u);
  EXPECT_EQ(chain_->head().height, before.height + 1);
  EXPECT_NE(chain_->head().app_hash, before.app_hash);
}

TEST_F(ExecutionRules, ClientTxBuilderProducesAcceptedTx) {
  auto tx =
      client::build_signed_tx(admin_, kChainId, chain_->head().height, register_org("bank-built"));
  ASSERT_TRUE(tx.ok()) << tx.error().to_string();
  auto d = decode(*tx);
  EXPECT_EQ(d.body.expires_at_height(), chain_->head().height + client::kDefaultExpiryBlocks);
  EXPECT_TRUE(chain_->admit(d, chain_->head().time_ms + 1000).ok());
}

TEST_F(ExecutionRules, WrongChainId) {
  TxOptions o;
  o.chain_id = "another-chain";
  expect_rejected(sign_as(admin_, register_org("bank-c"), o), "wrong_chain_id");
}

TEST_F(ExecutionRules, ExpiredTx) {
  // Head is at height 1; the next block is height 2. Expiry 1 < 2: expired.
  ASSERT_EQ(chain_->head().height, 1u);
  TxOptions o;
  o.expires_at_height = 1;
  expect_rejected(sign_as(admin_, register_org("bank-c"), o), "tx_expired");
  // Expiry equal to the next height is still valid (expired only *past* expires_at_height).
  o.expires_at_height = 2;
  auto b = commit_txs({sign_as(admin_, register_org("bank-c"), o)});
  EXPECT_EQ(b.height, 2u);
  EXPECT_EQ(b.header.tx_count(), 1u);
}

TEST_F(ExecutionRules, UnknownSigner) {
  TxOptions o;
  o.signer = "nobody";
  expect_rejected(sign_as(admin_, register_org("bank-c"), o), "unknown_signer");
}

TEST_F(ExecutionRules, FlippedSignatureBitIsBadSignature) {
  auto d = decode(sign_as(admin_, register_org("bank-c")));
  // Flip bits in several places of the DER signature (the last byte is inside s).
  for (std::size_t pos : {d.tx.signature().size() - 1, d.tx.signature().size() / 2}) {
    std::string sig = d.tx.signature();
    sig[pos] = static_cast<char>(sig[pos] ^ 0x01);
    expect_rejected(encode_tx(d.tx.body(), sig, d.tx.signer_cert_id()), "bad_signature");
  }
}

TEST_F(ExecutionRules, SignatureByAnotherKeyIsBadSignature) {
  auto other = crypto::PrivateKey::generate(genesis_.suite).value();
  auto body = make_body(admin_, register_org("bank-c"));
  // Claims the admin's bound certificate but is signed with an unrelated key.
  Bytes tx = sign_tx(body, other, admin_.cert_id).value();
  expect_rejected(tx, "bad_signature");
}

TEST_F(ExecutionRules, UnboundCertificateIsUnknownCertificate) {
  // A valid certificate for the admin account from the trusted issuing CA, never bound.
  auto key = crypto::PrivateKey::generate(genesis_.suite).value();
  auto cert = issue_cert(pki_.issuing, pki_.issuing_key, key, kAdminAccount,
                         rl::wall_now_s() - 3600, rl::wall_now_s() + kDay);
  auto id = make_identity(kAdminAccount, kRegulatorOrg, key, cert);
  expect_rejected(sign_as(id, register_org("bank-c")), "unknown_certificate");
}

TEST_F(ExecutionRules, CertificateBoundToAnotherAccount) {
  auto reporter = enroll("alice", "bank-a", "reporter", "0010");
  // Alice's key and bound certificate, but the body claims to be the regulator admin.
  TxOptions o;
  o.signer = kAdminAccount;
  expect_rejected(sign_as(reporter, register_org("bank-c"), o), "certificate_not_bound");
}

TEST_F(ExecutionRules, ReplayedNonceAfterCommit) {
  TxOptions o;
  o.nonce = 424242;
  Bytes first = sign_as(admin_, register_org("bank-c"), o);
  commit_txs({first});
  // The very same bytes again, and a different tx reusing the nonce.
  expect_rejected(first, "nonce_replayed");
  expect_rejected(sign_as(admin_, register_org("bank-d"), o), "nonce_replayed");
  // The nonce space is per signer: another account may use the same number.
  auto alice = enroll("alice", "bank-a", "reporter", "0010");
  commit_txs({sign_as(alice, submit_report(kLiquidity, "2026-Q3", R"({"lcr":1.2})"), o)});
}

TEST_F(ExecutionRules, SameNonceTwiceInOneBlockKeepsOnlyTheFirst) {
  TxOptions o;
  o.nonce = 777;
  Bytes a = sign_as(admin_, register_org("bank-c"), o);
  Bytes b = sign_as(admin_, register_org("bank-d"), o);
  std::vector<DroppedTx> dropped;
  auto block = build(*chain_, {a, b}, &dropped);
  ASSERT_EQ(block.txs.size(), 1u);
  EXPECT_EQ(block.txs[0]->raw, a);
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped[0].tx_id, decode(b).id);
  EXPECT_EQ(dropped[0].error.code, "nonce_replayed");

  // A block carrying both is invalid for validators.
  auto forced = replace_txs(genesis_.suite, block.block_bytes, {a, b});
  auto checked = chain_->check_block(forced);
  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.error().code, "bad_block");
  EXPECT_NE(checked.error().message.find("nonce_replayed"), std::string::npos);
}

TEST_F(ExecutionRules, FailedTxDoesNotConsumeItsNonce) {
  TxOptions o;
  o.nonce = 9001;
  expect_rejected(sign_as(admin_, register_org("bank-a"), o), "already_exists");
  commit_txs({sign_as(admin_, register_org("bank-c"), o)});
}

TEST_F(ExecutionRules, OnlyRegulatorAdminRegistersOrganizations) {
  auto reporter = enroll("alice", "bank-a", "reporter", "0010");
  expect_rejected(sign_as(reporter, register_org("bank-x")), "permission_denied");
  // An admin, but of an institution: still not a regulator admin.
  auto bank_admin = enroll("bank-a-admin", "bank-a", "admin", "0110");
  expect_rejected(sign_as(bank_admin, register_org("bank-x")), "permission_denied");
}

TEST_F(ExecutionRules, OrgAdminManagesOnlyItsOwnOrganization) {
  auto bank_admin = enroll("bank-a-admin", "bank-a", "admin", "0110");
  // Own organization: allowed.
  commit_txs({sign_as(bank_admin, register_account("bob", "bank-a", "reporter", "0005"))});
  // Another organization: denied.
  expect_rejected(sign_as(bank_admin, register_account("eve", "bank-b", "reporter", "0005")),
                  "permission_denied");
  auto key = crypto::PrivateKey::generate(genesis_.suite).value();
  auto cert = issue_cert(pki_.issuing, pki_.issuing_key, key, "carol", rl::wall_now_s() - 60,
                         rl::wall_now_s() + kDay);
  commit_txs({sign_as(admin_, register_account("carol", "bank-b", "reporter", "0005"))});
  expect_rejected(sign_as(bank_admin, bind_certificate("carol", cert)), "permission_denied");
}

TEST_F(ExecutionRules, OutputOnlyAccountCannotSubmit) {
  auto reader = enroll("reader", "bank-a", "reporter", "1105");
  expect_rejected(sign_as(reader, submit_report(kCapital, "2026-Q3", capital_payload())),
                  "permission_denied");
}

TEST_F(ExecutionRules, ReportPayloadValidation) {
  auto alice = enroll("alice", "bank-a", "reporter", "0010");
  // Missing a required field.
  expect_rejected(
      sign_as(alice,
              submit_report(kCapital, "2026-Q3",
                            R"({"institution":"bank-a","period":"2026-Q3","cet1_ratio":1})")),
      "bad_report");
  // Not JSON; JSON but not an object.
  expect_rejected(sign_as(alice, submit_report(kCapital, "2026-Q3", "institution=bank-a")),
                  "bad_report");
  expect_rejected(sign_as(alice, submit_report(kCapital, "2026-Q3", "[1,2,3]")), "bad_report");
  // Wrong content type.
  expect_rejected(sign_as(alice,
                          [](pb::TxBody& b) {
                            submit_report(kLiquidity, "2026-Q3", R"({"lcr":1})")(b);
                            b.mutable_submit_report()->set_content_type("text/csv");
                          }),
                  "bad_report");
  // Over the template's payload limit (256 bytes for liquidity).
  std::string big = R"({"lcr":1,"pad":")" + std::string(kLiquidityMaxPayload, 'x') + "\"}";
  expect_rejected(sign_as(alice, submit_report(kLiquidity, "2026-Q3", big)), "report_too_large");
  // The well-formed report is accepted.
  commit_txs({sign_as(alice, submit_report(kCapital, "2026-Q3", capital_payload()))});
}

TEST_F(ExecutionRules, UnknownTemplateIsNotFound) {
  auto alice = enroll("alice", "bank-a", "reporter", "0010");
  expect_rejected(sign_as(alice, submit_report("no-such-template", "2026-Q3", "{}")), "not_found");
}

TEST_F(ExecutionRules, ReportFieldSyntax) {
  auto alice = enroll("alice", "bank-a", "reporter", "0010");
  expect_rejected(sign_as(alice, submit_report(kLiquidity, "2026/Q3", R"({"lcr":1})")),
                  "bad_field");
  expect_rejected(sign_as(alice, submit_report(kLiquidity, "", R"({"lcr":1})")), "bad_field");
  expect_rejected(sign_as(alice, submit_report(kLiquidity, "2026-Q3", R"({"lcr":1})", "a b")),
                  "bad_field");
}

TEST_F(ExecutionRules, BindCertificateWithOtherCnIsBadCertificate) {
  commit_txs({sign_as(admin_, register_account("alice", "bank-a", "reporter", "0010"))});
  auto key = crypto::PrivateKey::generate(genesis_.suite).value();
  auto cert = issue_cert(pki_.issuing, pki_.issuing_key, key, "mallory", rl::wall_now_s() - 3600,
                         rl::wall_now_s() + kDay);
  expect_rejected(sign_as(admin_, bind_certificate("alice", cert)), "bad_certificate");
  // Garbage DER.
  expect_rejected(sign_as(admin_,
                          [](pb::TxBody& b) {
                            auto* p = b.mutable_bind_certificate();
                            p->set_account_id("alice");
                            p->set_certificate_der("not a certificate");
                          }),
                  "bad_certificate");
}

TEST_F(ExecutionRules, BindCertificateFromUntrustedCa) {
  commit_txs({sign_as(admin_, register_account("alice", "bank-a", "reporter", "0010"))});
  auto rogue_key = crypto::PrivateKey::generate(genesis_.suite).value();
  crypto::IssueOptions ro;
  ro.not_before = rl::wall_now_s() - kDay;
  ro.not_after = rl::wall_now_s() + 365 * kDay;
  ro.profile = crypto::CertProfile::kRootCa;
  auto rogue_root =
      crypto::create_root_certificate(rogue_key, {"Rogue Root", "Rogue", "", ""}, ro).value();
  auto key = crypto::PrivateKey::generate(genesis_.suite).value();
  auto cert = issue_cert(rogue_root, rogue_key, key, "alice", rl::wall_now_s() - 3600,
                         rl::wall_now_s() + kDay);
  expect_rejected(sign_as(admin_, bind_certificate("alice", cert)), "cert_untrusted");
  // Supplying the rogue root as a "chain" certificate does not make it trusted.
  expect_rejected(sign_as(admin_, bind_certificate("alice", cert, {rogue_root})), "cert_untrusted");
}

TEST_F(ExecutionRules, BindExpiredOrNotYetValidCertificate) {
  commit_txs({sign_as(admin_, register_account("alice", "bank-a", "reporter", "0010"))});
  auto key = crypto::PrivateKey::generate(genesis_.suite).value();
  auto expired = issue_cert(pki_.issuing, pki_.issuing_key, key, "alice",
                            rl::wall_now_s() - 20 * kDay, rl::wall_now_s() - 10 * kDay);
  expect_rejected(sign_as(admin_, bind_certificate("alice", expired)), "cert_expired");
  auto future = issue_cert(pki_.issuing, pki_.issuing_key, key, "alice",
                           rl::wall_now_s() + 10 * kDay, rl::wall_now_s() + 20 * kDay);
  expect_rejected(sign_as(admin_, bind_certificate("alice", future)), "cert_not_yet_valid");
}

TEST_F(ExecutionRules, BindCertificateTwiceOrForUnknownAccount) {
  auto m = new_member("alice", "bank-a", "reporter", "0010");
  commit_txs(m.txs);
  expect_rejected(sign_as(admin_, bind_certificate("alice", m.id.cert)), "already_exists");
  expect_rejected(sign_as(admin_, bind_certificate("ghost", m.id.cert)), "not_found");
}

TEST_F(ExecutionRules, DuplicateOrganizationAndAccount) {
  expect_rejected(sign_as(admin_, register_org("bank-a")), "already_exists");
  expect_rejected(sign_as(admin_, register_org(kRegulatorOrg, "regulator")), "already_exists");
  expect_rejected(sign_as(admin_, register_account(kAdminAccount, kRegulatorOrg, "admin", "0199")),
                  "already_exists");
  // Duplicate within one block: the second registration is dropped.
  std::vector<DroppedTx> dropped;
  auto b = build(*chain_,
                 {sign_as(admin_, register_org("bank-z")), sign_as(admin_, register_org("bank-z"))},
                 &dropped);
  EXPECT_EQ(b.txs.size(), 1u);
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped[0].error.code, "already_exists");
}

TEST_F(ExecutionRules, RegisterAccountFieldChecks) {
  expect_rejected(sign_as(admin_, register_account("bob", "no-such-org", "reporter", "0010")),
                  "not_found");
  expect_rejected(sign_as(admin_, register_account("bob", "bank-a", "root", "0010")), "bad_field");
  expect_rejected(sign_as(admin_, register_account("bob", "bank-a", "reporter", "2210")),
                  "bad_field");
  expect_rejected(sign_as(admin_, register_account("bob", "bank-a", "reporter", "001")),
                  "bad_field");
  expect_rejected(sign_as(admin_, register_account("bob/x", "bank-a", "reporter", "0010")),
                  "bad_field");
  auto weak_credential = [](pb::TxBody& b) {
    register_account("bob", "bank-a", "reporter", "0010")(b);
    b.mutable_register_account()->mutable_credential()->set_n(512);
  };
  expect_rejected(sign_as(admin_, weak_credential), "bad_field");
}

TEST_F(ExecutionRules, RegisterOrganizationFieldChecks) {
  expect_rejected(sign_as(admin_, register_org("bank x")), "bad_field");
  expect_rejected(sign_as(admin_, register_org(std::string(65, 'a'))), "bad_field");
  expect_rejected(sign_as(admin_, register_org("bank-x", "casino")), "bad_field");
}

// ---------------------------------------------------------------- data level labelling

TEST_F(ExecutionRules, DataLevelIsMaxOfMappingAndTemplateFloor) {
  auto low = enroll("low", "bank-a", "reporter", "0001");    // mapping(1) = 4
  auto mid = enroll("mid", "bank-a", "reporter", "0020");    // mapping(20) = 23
  auto both = enroll("both", "bank-b", "reporter", "0140");  // mapping(40) = 43
  ASSERT_EQ(mapped_level(1), 4u);
  ASSERT_EQ(mapped_level(20), 23u);
  ASSERT_EQ(mapped_level(40), 43u);

  struct Case {
    const client::Identity* who;
    const char* tmpl;
    std::string payload;
    std::uint32_t expected;
  };
  const std::vector<Case> cases = {
      {&low, kCapital, capital_payload(), 4},        // mapping 4 > floor 2
      {&low, kLiquidity, R"({"lcr":1})", 4},         // mapping 4 > floor 0
      {&low, kSensitive, "{}", 50},                  // floor 50 > mapping 4
      {&mid, kCapital, capital_payload(), 23},       // mapping 23 > floor 2
      {&mid, kSensitive, "{}", 50},                  // floor 50 > mapping 23
      {&both, kSensitive, "{}", 50},                 // floor 50 > mapping 43
      {&both, kCapital, capital_payload("b"), 43}};  // mapping 43 > floor 2
  std::vector<Bytes> txs;
  for (const auto& c : cases)
    txs.push_back(sign_as(*c.who, submit_report(c.tmpl, "2026-Q3", c.payload)));
  auto block = commit_txs(txs);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    auto rec = chain_->report(to_hex(block.txs[i]->id));
    ASSERT_TRUE(rec.ok());
    ASSERT_TRUE(rec->has_value()) << i;
    EXPECT_EQ((*rec)->data_level(), cases[i].expected) << "case " << i;
    EXPECT_EQ((*rec)->submitter(), cases[i].who->account);
    EXPECT_EQ((*rec)->org_id(), cases[i].who->org);
    EXPECT_EQ((*rec)->status(), "SUBMITTED");
    EXPECT_EQ((*rec)->height(), block.height);
    EXPECT_EQ((*rec)->tx_index(), i);
    EXPECT_EQ((*rec)->submitted_at_ms(), block.header.time_ms());
    EXPECT_EQ((*rec)->payload_hash(),
              to_string(crypto::hash(genesis_.suite, as_bytes(cases[i].payload))));
  }
}

TEST_F(ExecutionRules, DataLevelFloorWinsAtTheBoundary) {
  // Template floor 50 vs mapping(47) = 50 (equal) and mapping(48) = 51 (mapping wins).
  auto at = enroll("at", "bank-a", "reporter", "0047");
  auto above = enroll("above", "bank-a", "reporter", "0048");
  auto block = commit_txs({sign_as(at, submit_report(kSensitive, "2026-Q3", "{}")),
                           sign_as(above, submit_report(kSensitive, "2026-Q3", "{}"))});
  EXPECT_EQ(chain_->report(to_hex(block.txs[0]->id)).value()->data_level(), 50u);
  EXPECT_EQ(chain_->report(to_hex(block.txs[1]->id)).value()->data_level(), 51u);
}

}  // namespace
}  // namespace rl::ledger::testing

namespace rl::ledger::testing {
namespace {

TEST_F(ExecutionRules, SignerCertificateExpiredAtBlockTime) {
  auto alice = enroll("alice", "bank-a", "reporter", "0010");
  Bytes early = sign_as(alice, submit_report(kLiquidity, "2026-Q3", R"({"lcr":1})"));
  auto early_block = commit_txs({early});
  // Consensus time jumps past the certificates' validity (30 days from now).
  const std::int64_t later_ms = (rl::wall_now_s() + 31 * kDay) * 1000;
  auto empty = chain_->build_block(std::vector<TxRef>{}, later_ms, 0, nullptr).value();
  seal(*chain_, empty);
  ASSERT_EQ(chain_->head().time_ms, later_ms);
  expect_rejected(sign_as(admin_, register_org("bank-late")), "certificate_expired");
  expect_rejected(sign_as(alice, submit_report(kLiquidity, "2026-Q4", R"({"lcr":1})")),
                  "certificate_expired");
  // What was signed while the certificate was valid keeps a verifiable receipt.
  auto r = chain_->receipt(early_block.txs[0]->id).value();
  ASSERT_TRUE(r.has_value());
  auto v = verify_receipt(chain_->anchor(), *r);
  EXPECT_TRUE(v.ok()) << v.error().to_string();
}

}  // namespace
}  // namespace rl::ledger::testing
