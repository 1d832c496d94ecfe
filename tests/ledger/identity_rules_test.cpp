// Identity rules (ledger/exec_identity.cpp): certificate revocation and renewal, account
// suspension, the per-account certificate index, and a table of hostile transactions that
// must each fail with their own code and leave no trace.

#include <gtest/gtest.h>

#include "common/wall_clock.hpp"
#include "crypto/hash.hpp"
#include "ledger/committed_record.hpp"
#include "ledger/state_keys.hpp"
#include "tests/ledger/governance_fixture.hpp"

namespace rl::ledger::testing {
namespace {

class IdentityRules : public GovernedLedger {};

Fill liquidity_report(const std::string& period = "2026-Q3") {
  return submit_report(kLiquidity, period, R"({"lcr":1.1})");
}

// ---------------------------------------------------------------- revocation

TEST_F(IdentityRules, OrgAdminRevokesAndTheCertificateSignsNothingMore) {
  auto bank_admin = enroll("bank-a-admin", "bank-a", "admin", "0110");
  auto alice = enroll("alice", "bank-a", "reporter", "0010");
  commit_txs({sign_as(alice, liquidity_report())});  // works before

  auto b = commit_txs({sign_as(bank_admin, revoke(alice.cert_id, "laptop stolen"))});
  expect_rejected(sign_as(alice, liquidity_report("2026-Q4")), "certificate_revoked");

  auto certs = certificates_of("alice");
  ASSERT_EQ(certs.size(), 1u);
  EXPECT_TRUE(certs[0].revoked());
  EXPECT_EQ(certs[0].revoked_height(), b.height);
  EXPECT_EQ(certs[0].revoked_by(), "bank-a-admin");
  EXPECT_EQ(certs[0].revocation_reason(), "laptop stolen");
  std::vector<pb::CertificateRecord> revoked;
  with_store([&](const Store& s) { revoked = revoked_certificates(s, 100).value(); });
  ASSERT_EQ(revoked.size(), 1u);
  EXPECT_EQ(revoked[0].cert_id(), to_string(alice.cert_id));
}

TEST_F(IdentityRules, RegulatorAdminRevokesAnyCertificate) {
  auto alice = enroll("alice", "bank-a", "reporter", "0010");
  // A regulator that is not the one that registered the account.
  commit_txs({sign_as(reg_b_, revoke(alice.cert_id))});
  expect_rejected(sign_as(alice, liquidity_report()), "certificate_revoked");
}

TEST_F(IdentityRules, OnlyTheAccountsOrgAdminOrARegulatorRevokes) {
  auto alice = enroll("alice", "bank-a", "reporter", "0010");
  auto bob = enroll("bob", "bank-a", "reporter", "0010");
  auto other_admin = enroll("bank-b-admin", "bank-b", "admin", "0110");
  expect_rejected(sign_as(other_admin, revoke(alice.cert_id)), "permission_denied");
  expect_rejected(sign_as(bob, revoke(alice.cert_id)), "permission_denied");
  expect_rejected(sign_as(alice, revoke(alice.cert_id)), "permission_denied");
  // Nor may an institution admin revoke a regulator's certificate.
  auto bank_admin = enroll("bank-a-admin", "bank-a", "admin", "0110");
  expect_rejected(sign_as(bank_admin, revoke(admin_.cert_id)), "permission_denied");
}

TEST_F(IdentityRules, RevocationFieldChecks) {
  auto alice = enroll("alice", "bank-a", "reporter", "0010");
  commit_txs({sign_as(admin_, revoke(alice.cert_id))});
  expect_rejected(sign_as(admin_, revoke(alice.cert_id)), "already_revoked");
  expect_rejected(sign_as(admin_, revoke(Bytes(32, 0xab))), "not_found");
  expect_rejected(sign_as(admin_, revoke(Bytes(20, 0xab))), "bad_field");
  auto bob = enroll("bob", "bank-a", "reporter", "0010");
  expect_rejected(sign_as(admin_, revoke(bob.cert_id, "")), "bad_field");
  expect_rejected(sign_as(admin_, revoke(bob.cert_id, std::string(257, 'r'))), "bad_field");
}

TEST_F(IdentityRules, RenewalBindsTheNewCertificateThenRevokesTheOld) {
  auto old_id = enroll("alice", "bank-a", "reporter", "0010");
  // A second certificate for a new key, bound while the first is still valid.
  auto key = crypto::PrivateKey::generate(genesis_.suite).value();
  auto cert = issue_cert(pki_.issuing, pki_.issuing_key, key, "alice", rl::wall_now_s() - 3600,
                         rl::wall_now_s() + 60 * kDay);
  auto new_id = make_identity("alice", "bank-a", key, cert);
  commit_txs({sign_as(admin_, bind_certificate("alice", cert))});
  // Both sign while both are bound.
  commit_txs(
      {sign_as(old_id, liquidity_report("2026-Q1")), sign_as(new_id, liquidity_report("2026-Q2"))});
  commit_txs({sign_as(admin_, revoke(old_id.cert_id, "superseded"))});
  expect_rejected(sign_as(old_id, liquidity_report("2026-Q3")), "certificate_revoked");
  commit_txs({sign_as(new_id, liquidity_report("2026-Q3"))});

  auto certs = certificates_of("alice");
  ASSERT_EQ(certs.size(), 2u);
  for (const auto& c : certs) {
    EXPECT_EQ(c.account_id(), "alice");
    EXPECT_EQ(c.revoked(), c.cert_id() == to_string(old_id.cert_id))
        << to_hex(as_bytes(c.cert_id()));
  }
  // Ordered by id; another account's certificates are not listed.
  EXPECT_LT(certs[0].cert_id(), certs[1].cert_id());
  EXPECT_EQ(certificates_of("bob").size(), 0u);
  ASSERT_EQ(certificates_of(kAdminAccount).size(), 1u);  // bound at genesis, indexed too
}

TEST_F(IdentityRules, CertificateIndexIsPartOfTheHashedWriteSet) {
  auto m = new_member("alice", "bank-a", "reporter", "0010");
  auto b = commit_txs(m.txs);
  const Bytes index_key = keys::account_certificate("alice", m.id.cert_id);
  ASSERT_TRUE(b.writes.count(index_key)) << "the index entry is a state write (in app_hash)";
  auto r = commit_txs({sign_as(admin_, revoke(m.id.cert_id))});
  EXPECT_TRUE(r.writes.count(keys::revoked_certificate(m.id.cert_id)));
  EXPECT_TRUE(r.writes.count(keys::certificate(m.id.cert_id)));
}

TEST_F(IdentityRules, ReplicasAgreeOnIdentityAndGovernanceBlocks) {
  // A second chain from the same genesis re-executes every block (check_block recomputes the
  // app hash); any non-determinism in the new writes would make it refuse one.
  auto replica = open_chain(make_temp_dir(), genesis_);
  auto replay = [&](const PreparedBlock& b) {
    auto checked = replica->check_block(b.block_bytes);
    ASSERT_TRUE(checked.ok()) << checked.error().to_string();
    seal(*replica, *checked);
  };
  // The fixture's first block (bank-a, bank-b).
  auto first = chain_->block_bytes(1).value();
  ASSERT_TRUE(first.has_value());
  auto c1 = replica->check_block(*first);
  ASSERT_TRUE(c1.ok()) << c1.error().to_string();
  seal(*replica, *c1);

  auto m = new_member("alice", "bank-a", "reporter", "0010");
  replay(commit_txs(m.txs));
  replay(commit_txs({sign_as(admin_, revoke(m.id.cert_id)), sign_as(admin_, suspend("alice")),
                     sign_as(admin_, propose("p1", 100, set_mapping([](auto l) { return l; })))}));
  replay(commit_txs({sign_as(reg_b_, approve("p1"))}));
  EXPECT_EQ(replica->head().app_hash, chain_->head().app_hash);
}

// ---------------------------------------------------------------- suspension

TEST_F(IdentityRules, SuspendedAccountIsRefusedUntilReinstated) {
  auto bank_admin = enroll("bank-a-admin", "bank-a", "admin", "0110");
  auto alice = enroll("alice", "bank-a", "reporter", "0010");
  auto s = commit_txs({sign_as(bank_admin, suspend("alice", "audit finding 7"))});
  expect_rejected(sign_as(alice, liquidity_report()), "account_suspended");
  expect_rejected(sign_as(bank_admin, suspend("alice")), "already_suspended");
  auto account = [&] {
    return load_committed<pb::AccountRecord>(*chain_, keys::account("alice")).value().value();
  };
  auto suspended = account();
  EXPECT_FALSE(suspended.active());
  EXPECT_EQ(suspended.status_reason(), "audit finding 7");
  EXPECT_EQ(suspended.status_by(), "bank-a-admin");
  EXPECT_EQ(suspended.status_height(), s.height);

  auto r = commit_txs({sign_as(bank_admin, reinstate("alice", "finding closed"))});
  commit_txs({sign_as(alice, liquidity_report())});
  expect_rejected(sign_as(bank_admin, reinstate("alice")), "not_suspended");
  auto reinstated = account();
  EXPECT_TRUE(reinstated.active());
  EXPECT_EQ(reinstated.status_reason(), "finding closed");
  EXPECT_EQ(reinstated.status_height(), r.height);
}

TEST_F(IdentityRules, RegulatorSuspendsAndReinstates) {
  auto alice = enroll("alice", "bank-a", "reporter", "0010");
  commit_txs({sign_as(reg_c_, suspend("alice"))});
  expect_rejected(sign_as(alice, liquidity_report()), "account_suspended");
  // Reinstated by a different regulator than the one that suspended.
  commit_txs({sign_as(admin_, reinstate("alice"))});
  commit_txs({sign_as(alice, liquidity_report())});
}

TEST_F(IdentityRules, SuspensionPermissionsAndFields) {
  auto alice = enroll("alice", "bank-a", "reporter", "0010");
  auto bob = enroll("bob", "bank-a", "reporter", "0010");
  auto other_admin = enroll("bank-b-admin", "bank-b", "admin", "0110");
  auto bank_admin = enroll("bank-a-admin", "bank-a", "admin", "0110");
  expect_rejected(sign_as(other_admin, suspend("alice")), "permission_denied");
  expect_rejected(sign_as(bob, suspend("alice")), "permission_denied");
  expect_rejected(sign_as(bank_admin, suspend(kAdminAccount)), "permission_denied");
  expect_rejected(sign_as(bank_admin, suspend("bank-a-admin")), "cannot_suspend_self");
  expect_rejected(sign_as(bank_admin, suspend("ghost")), "not_found");
  expect_rejected(sign_as(bank_admin, suspend("alice", "")), "bad_field");
  expect_rejected(sign_as(bank_admin, suspend("al/ice")), "bad_field");
  // A suspended admin cannot act either.
  commit_txs({sign_as(admin_, suspend("bank-a-admin"))});
  expect_rejected(sign_as(bank_admin, suspend("alice")), "account_suspended");
  // The account's certificate stays bound and unrevoked: suspension is about the account,
  // revocation about a key.
  EXPECT_FALSE(certificates_of("bank-a-admin").at(0).revoked());
}

// ---------------------------------------------------------------- the hostile table

// Keys no hostile transaction may write, whatever else happens.
std::vector<Bytes> protected_keys() {
  return {keys::permission_mapping(), keys::trusted_roots(), keys::governance(),
          keys::tmpl(kCapital)};
}

TEST_F(IdentityRules, HostileTransactionsEachGetTheirOwnCodeAndChangeNothing) {
  auto bank_admin = enroll("bank-a-admin", "bank-a", "admin", "0110");
  auto alice = enroll("alice", "bank-a", "reporter", "0010");
  auto reader = enroll("reader", "bank-a", "reporter", "1105");

  struct Case {
    std::string name;
    std::function<Bytes()> setup;  // commits what the case needs, returns the hostile tx
    std::string code;              // "" = accepted, yet the governed state must not change
  };
  const std::vector<Case> cases = {
      {"tx signed by an unbound certificate",
       [&] {
         auto key = crypto::PrivateKey::generate(genesis_.suite).value();
         auto cert = issue_cert(pki_.issuing, pki_.issuing_key, key, "alice",
                                rl::wall_now_s() - 3600, rl::wall_now_s() + kDay);
         return sign_as(make_identity("alice", "bank-a", key, cert), liquidity_report());
       },
       "unknown_certificate"},
      {"tx signed by a revoked certificate",
       [&] {
         auto victim = enroll("victim", "bank-a", "reporter", "0010");
         commit_txs({sign_as(bank_admin, revoke(victim.cert_id))});
         return sign_as(victim, liquidity_report());
       },
       "certificate_revoked"},
      {"tx of a suspended account",
       [&] {
         auto shady = enroll("shady", "bank-a", "reporter", "0010");
         commit_txs({sign_as(bank_admin, suspend("shady"))});
         return sign_as(shady, liquidity_report());
       },
       "account_suspended"},
      {"output-only account submitting", [&] { return sign_as(reader, liquidity_report()); },
       "permission_denied"},
      {"non-admin revoking", [&] { return sign_as(alice, revoke(bank_admin.cert_id)); },
       "permission_denied"},
      {"another organization's admin suspending",
       [&] {
         auto other = enroll("bank-b-admin", "bank-b", "admin", "0110");
         return sign_as(other, suspend("alice"));
       },
       "permission_denied"},
      {"non-regulator proposing",
       [&] {
         return sign_as(bank_admin,
                        propose("h1", height() + 50, set_mapping([](auto) { return 99u; })));
       },
       "permission_denied"},
      {"M-1 approvals (threshold 2: the proposal alone)",
       [&] {
         return sign_as(admin_,
                        propose("h2", height() + 50, set_mapping([](auto) { return 99u; })));
       },
       ""},
      {"double approval by one organization",
       [&] {
         commit_txs({sign_as(admin_,
                             propose("h3", height() + 50, set_mapping([](auto) { return 98u; })))});
         auto second_admin = enroll("regulator-admin-2", kRegulatorOrg, "admin", "0199");
         return sign_as(second_admin, approve("h3"));
       },
       "already_approved"},
      {"approving an unknown proposal", [&] { return sign_as(reg_b_, approve("nope")); },
       "not_found"},
      {"approving an expired proposal",
       [&] {
         commit_txs(
             {sign_as(admin_, propose("h4", height() + 1, set_mapping([](auto) { return 97u; })))});
         commit_txs({});  // the expiry height passes
         return sign_as(reg_b_, approve("h4"));
       },
       "proposal_expired"},
      {"tx signed by an expired certificate (validity window in the past at block time)",
       [&] {
         // Valid when bound; the chain's clock then moves past its not_after.
         const std::int64_t head_s = chain_->head().time_ms / 1000;
         auto key = crypto::PrivateKey::generate(genesis_.suite).value();
         auto cert = issue_cert(pki_.issuing, pki_.issuing_key, key, "shortlived", head_s - 3600,
                                head_s + 3);
         commit_txs({sign_as(admin_, register_account("shortlived", "bank-a", "reporter", "0010")),
                     sign_as(admin_, bind_certificate("shortlived", cert))});
         auto later =
             chain_->build_block(std::vector<TxRef>{}, (head_s + 30) * 1000, 0, nullptr).value();
         seal(*chain_, later);
         return sign_as(make_identity("shortlived", "bank-a", key, cert), liquidity_report());
       },
       "certificate_expired"},
  };

  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Bytes tx = c.setup();
    const ChainHead before = chain_->head();
    if (!c.code.empty()) {
      expect_rejected(tx, c.code);
      EXPECT_TRUE(same_head(chain_->head(), before));
      continue;
    }
    // Accepted, but with M-1 approvals the governed state is untouched.
    auto block = build(*chain_, {tx});
    ASSERT_EQ(block.txs.size(), 1u);
    for (const auto& k : protected_keys()) {
      EXPECT_FALSE(block.writes.count(k)) << "wrote " << to_string(k);
    }
  }
}

}  // namespace
}  // namespace rl::ledger::testing
