// ExecOptions::permission_checks (ledger/executor.hpp), the switch that
// bench/ledger/permission_bench flips to measure what the write path's permission checks cost.
// Two chains from one genesis receive the same transactions: chain_ opened with the defaults
// (what every node does) and unchecked_ with the checks off. Each permission rule refuses a
// transaction on the first and lets it execute on the second, so the benchmark's two runs really
// differ; every other rule (signature, nonce, expiry, chain id, payload schema and size, the
// payloads' own role rules) refuses on both, so the benchmark's "off" run still does that work.

#include <gtest/gtest.h>

#include "common/wall_clock.hpp"
#include "tests/ledger/governance_fixture.hpp"

namespace rl::ledger::testing {
namespace {

Fill capital_report(const std::string& period = "2026-Q3") {
  return submit_report(kCapital, period, capital_payload());
}

// TxOptions with one field set (designated initializers trip -Wmissing-field-initializers).
TxOptions signed_as(const std::string& account) {
  TxOptions o;
  o.signer = account;
  return o;
}
TxOptions with_nonce(std::uint64_t nonce) {
  TxOptions o;
  o.nonce = nonce;
  return o;
}
TxOptions expiring_at(std::uint64_t height) {
  TxOptions o;
  o.expires_at_height = height;
  return o;
}
TxOptions for_chain(const std::string& chain_id) {
  TxOptions o;
  o.chain_id = chain_id;
  return o;
}

class PermissionToggle : public LedgerFixture {
 protected:
  void SetUp() override {
    LedgerFixture::SetUp();
    auto c = Chain::open(make_temp_dir(), genesis_, ExecOptions{.permission_checks = false});
    ASSERT_TRUE(c.ok()) << c.error().to_string();
    unchecked_ = std::move(c).value();
    both({sign_as(admin_, register_org("bank-a"))});
  }
  void TearDown() override {
    unchecked_.reset();
    LedgerFixture::TearDown();
  }

  // Commits the same transactions on both chains.
  void both(const std::vector<Bytes>& txs) {
    commit_txs(*chain_, txs);
    commit_txs(*unchecked_, txs);
  }

  // A reporter of bank-a registered and bound on both chains.
  client::Identity member(const std::string& account, const std::string& code) {
    Member m = new_member(account, "bank-a", "reporter", code);
    both(m.txs);
    return m.id;
  }

  // `tx` is admitted, included by build_block, accepted by check_block and committed on `chain`;
  // its report record in `out`.
  void expect_executed(Chain& chain, const Bytes& tx, pb::ReportRecord* out = nullptr) {
    DecodedTx d = decode(tx);
    auto admitted = chain.admit(d, chain.head().time_ms + 1000);
    ASSERT_TRUE(admitted.ok()) << admitted.error().to_string();
    std::vector<DroppedTx> dropped;
    PreparedBlock b = build(chain, {tx}, &dropped);
    ASSERT_TRUE(dropped.empty()) << dropped[0].error.to_string();
    ASSERT_EQ(b.txs.size(), 1u);
    auto checked = chain.check_block(b.block_bytes);
    ASSERT_TRUE(checked.ok()) << checked.error().to_string();
    seal(chain, *checked);
    auto rec = chain.report(to_hex(d.id));
    ASSERT_TRUE(rec.ok()) << rec.error().to_string();
    ASSERT_TRUE(rec->has_value()) << "no report record for an executed SubmitReport";
    if (out) *out = **rec;
  }

  // A permission rule: refused with `code` by the enforcing chain (admission, build and check,
  // leaving no trace), executed by the unchecked one.
  void expect_only_permission(const Bytes& tx, const std::string& code) {
    expect_rejected(*chain_, tx, code);
    expect_executed(*unchecked_, tx);
  }

  // Not a permission rule: refused with `code` by both chains.
  void expect_rejected_by_both(const Bytes& tx, const std::string& code) {
    expect_rejected(*chain_, tx, code);
    expect_rejected(*unchecked_, tx, code);
  }

  std::unique_ptr<Chain> unchecked_;
};

TEST_F(PermissionToggle, ChecksAreOnByDefault) {
  EXPECT_TRUE(ExecOptions{}.permission_checks);
  // chain_ was opened like a node opens its chain (Chain::open without options).
  auto reader = member("reader", "1105");
  expect_rejected(sign_as(reader, capital_report()), "permission_denied");
}

TEST_F(PermissionToggle, InputPermission) {
  auto reader = member("reader", "1105");  // RR = 11: output only
  expect_only_permission(sign_as(reader, capital_report()), "permission_denied");
}

TEST_F(PermissionToggle, SuspendedAccount) {
  auto alice = member("alice", "0005");
  both({sign_as(admin_, suspend("alice"))});
  expect_only_permission(sign_as(alice, capital_report()), "account_suspended");
}

TEST_F(PermissionToggle, RevokedCertificate) {
  auto alice = member("alice", "0005");
  both({sign_as(admin_, revoke(alice.cert_id))});
  expect_only_permission(sign_as(alice, capital_report()), "certificate_revoked");
}

TEST_F(PermissionToggle, CertificateBoundToTheSignerAccount) {
  auto alice = member("alice", "0005");
  member("bob", "0005");
  // Signed with alice's key and certificate, in the name of bob.
  Bytes tx = sign_as(alice, capital_report(), signed_as("bob"));
  expect_rejected(*chain_, tx, "certificate_not_bound");
  pb::ReportRecord rec;
  expect_executed(*unchecked_, tx, &rec);
  EXPECT_EQ(rec.submitter(), "bob");
}

TEST_F(PermissionToggle, CertificateValidAtBlockTime) {
  // Blocks are 1 s apart from the genesis time; this certificate expires 5 s after it.
  const std::int64_t g = genesis_.genesis_time_ms / 1000;
  auto key = crypto::PrivateKey::generate(genesis_.suite).value();
  auto cert = issue_cert(pki_.issuing, pki_.issuing_key, key, "late", g - 3600, g + 5);
  both({sign_as(admin_, register_account("late", "bank-a", "reporter", "0005")),
        sign_as(admin_, bind_certificate("late", cert))});
  for (Chain* c : {chain_.get(), unchecked_.get()}) {
    auto empty = c->build_block(std::vector<TxRef>{}, (g + 10) * 1000, 0, nullptr);
    ASSERT_TRUE(empty.ok()) << empty.error().to_string();
    seal(*c, *empty);
  }
  auto late = make_identity("late", "bank-a", key, cert);
  expect_only_permission(sign_as(late, capital_report()), "certificate_expired");
}

TEST_F(PermissionToggle, DataLevelLabel) {
  auto alice = member("alice", "0005");
  Bytes tx = sign_as(alice, capital_report());
  pb::ReportRecord on, off;
  expect_executed(*chain_, tx, &on);
  expect_executed(*unchecked_, tx, &off);
  // Enforced: the submitter's level through the mapping (5 -> 8), above the template floor (2).
  EXPECT_EQ(on.data_level(), mapped_level(5));
  // Unchecked: the template's floor only.
  EXPECT_EQ(off.data_level(), 2u);
  EXPECT_EQ(off.org_id(), "bank-a");
  EXPECT_EQ(off.submitter(), "alice");
}

TEST_F(PermissionToggle, EveryOtherRuleStays) {
  auto alice = member("alice", "0005");

  // Signature: alice's signature over another body.
  pb::Tx good, other;
  Bytes a = sign_as(alice, capital_report("2026-Q1"));
  Bytes b = sign_as(alice, capital_report("2026-Q2"));
  ASSERT_TRUE(good.ParseFromArray(a.data(), static_cast<int>(a.size())));
  ASSERT_TRUE(other.ParseFromArray(b.data(), static_cast<int>(b.size())));
  expect_rejected_by_both(encode_tx(good.body(), other.signature(), good.signer_cert_id()),
                          "bad_signature");

  // Nonce.
  both({sign_as(alice, capital_report(), with_nonce(1'000'000'077))});
  expect_rejected_by_both(sign_as(alice, capital_report("2026-Q4"), with_nonce(1'000'000'077)),
                          "nonce_replayed");

  // Expiry and chain id.
  expect_rejected_by_both(sign_as(alice, capital_report(), expiring_at(1)), "tx_expired");
  expect_rejected_by_both(sign_as(alice, capital_report(), for_chain("other-chain")),
                          "wrong_chain_id");

  // Payload: schema, size, template.
  expect_rejected_by_both(sign_as(alice, submit_report(kCapital, "2026-Q3", R"({"period":1})")),
                          "bad_report");
  expect_rejected_by_both(
      sign_as(alice, submit_report(kLiquidity, "2026-Q3",
                                   R"({"lcr":")" + std::string(kLiquidityMaxPayload, 'x') + "\"}")),
      "report_too_large");
  expect_rejected_by_both(sign_as(alice, submit_report("no-such-template", "2026-Q3", "{}")),
                          "not_found");

  // The signer's account and certificate must exist: they attribute the report and carry the key.
  expect_rejected_by_both(sign_as(alice, capital_report(), signed_as("ghost")), "unknown_signer");
  auto key = crypto::PrivateKey::generate(genesis_.suite).value();
  auto cert = issue_cert(pki_.issuing, pki_.issuing_key, key, "alice", rl::wall_now_s() - 3600,
                         rl::wall_now_s() + kDay);
  expect_rejected_by_both(sign_as(make_identity("alice", "bank-a", key, cert), capital_report()),
                          "unknown_certificate");

  // The identity payloads' own role rules (not the ingest path's checks).
  expect_rejected_by_both(sign_as(alice, register_org("bank-z")), "permission_denied");
}

}  // namespace
}  // namespace rl::ledger::testing
