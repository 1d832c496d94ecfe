// Governance (ledger/exec_governance.cpp): Propose / Approve by M of N regulators for the
// permission mapping, report templates and trusted roots. Fixture: N = 3, M = 2.

#include <gtest/gtest.h>

#include "common/wall_clock.hpp"
#include "ledger/state_keys.hpp"
#include "tests/ledger/governance_fixture.hpp"

namespace rl::ledger::testing {
namespace {

class Governance : public GovernedLedger {};

std::uint32_t plus_ten(std::uint32_t l) {
  return std::min<std::uint32_t>(99, l + 10);
}

TEST_F(Governance, MappingChangesOnlyWhenTheSecondRegulatorApproves) {
  ASSERT_EQ(label_for(5), mapped_level(5));  // 8 under the genesis mapping

  auto p = commit_txs({sign_as(admin_, propose("map-1", height() + 20, set_mapping(plus_ten)))});
  EXPECT_FALSE(p.writes.count(keys::permission_mapping())) << "M-1 approvals changed the table";
  auto rec = proposal_record("map-1");
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(rec->status(), "PENDING");
  ASSERT_EQ(rec->approvals_size(), 1);
  EXPECT_EQ(rec->approvals(0).org_id(), kRegulatorOrg);
  EXPECT_EQ(rec->proposer(), kAdminAccount);
  EXPECT_EQ(label_for(5), mapped_level(5)) << "a pending proposal must not change labels";

  auto a = commit_txs({sign_as(reg_b_, approve("map-1"))});
  EXPECT_TRUE(a.writes.count(keys::permission_mapping()));
  rec = proposal_record("map-1");
  EXPECT_EQ(rec->status(), "EXECUTED");
  EXPECT_EQ(rec->executed_height(), a.height);
  EXPECT_EQ(rec->threshold(), 2u);
  ASSERT_EQ(rec->approvals_size(), 2);
  EXPECT_EQ(rec->approvals(1).org_id(), kRegulatorB);
  EXPECT_EQ(rec->approvals(1).height(), a.height);
  EXPECT_EQ(label_for(5), 15u);

  // The third regulator is too late, and nothing runs twice.
  expect_rejected(sign_as(reg_c_, approve("map-1")), "proposal_executed");
}

TEST_F(Governance, LaterSubmissionsGetTheNewLabelEarlierOnesKeepTheirs) {
  auto alice = enroll("alice", "bank-a", "reporter", "0020");  // genesis mapping: 23
  auto before = commit_txs({sign_as(alice, submit_report(kLiquidity, "2026-Q1", R"({"lcr":1})"))});
  commit_txs(
      {sign_as(admin_, propose("map", height() + 20, set_mapping([](auto) { return 60u; })))});
  commit_txs({sign_as(reg_c_, approve("map"))});
  auto after = commit_txs({sign_as(alice, submit_report(kLiquidity, "2026-Q2", R"({"lcr":1})"))});
  EXPECT_EQ(chain_->report(to_hex(before.txs[0]->id)).value()->data_level(), 23u);
  EXPECT_EQ(chain_->report(to_hex(after.txs[0]->id)).value()->data_level(), 60u);
  // The template floor still wins over a lower mapping.
  commit_txs(
      {sign_as(admin_, propose("map-low", height() + 20, set_mapping([](auto) { return 0u; })))});
  commit_txs({sign_as(reg_b_, approve("map-low"))});
  auto capital =
      commit_txs({sign_as(alice, submit_report(kCapital, "2026-Q2", capital_payload()))});
  EXPECT_EQ(chain_->report(to_hex(capital.txs[0]->id)).value()->data_level(), 2u);
}

TEST_F(Governance, OneApprovalPerOrganization) {
  auto second = enroll("regulator-admin-2", kRegulatorOrg, "admin", "0199");
  commit_txs({sign_as(admin_, propose("p", height() + 20, set_mapping(plus_ten)))});
  expect_rejected(sign_as(second, approve("p")), "already_approved");
  expect_rejected(sign_as(admin_, approve("p")), "already_approved");
  EXPECT_EQ(proposal_record("p")->status(), "PENDING");
}

TEST_F(Governance, ExpiredProposalCannotBeApproved) {
  commit_txs({sign_as(admin_, propose("p", height() + 2, set_mapping(plus_ten)))});
  commit_txs({});  // the block at expires_at_height passes without an approval
  ASSERT_GT(height() + 1, proposal_record("p")->proposal().expires_at_height());
  expect_rejected(sign_as(reg_b_, approve("p")), "proposal_expired");
  EXPECT_EQ(proposal_record("p")->status(), "PENDING");
  EXPECT_EQ(label_for(5), mapped_level(5));
}

TEST_F(Governance, ApprovalInTheExpiryBlockStillCounts) {
  commit_txs({sign_as(admin_, propose("p", height() + 2, set_mapping(plus_ten)))});
  ASSERT_EQ(height() + 1, proposal_record("p")->proposal().expires_at_height());
  commit_txs({sign_as(reg_b_, approve("p"))});
  EXPECT_EQ(proposal_record("p")->status(), "EXECUTED");
}

TEST_F(Governance, OnlyGoverningRegulatorAdminsProposeAndApprove) {
  auto bank_admin = enroll("bank-a-admin", "bank-a", "admin", "0110");
  auto reg_reporter = enroll("reg-analyst", kRegulatorOrg, "reporter", "0199");
  // A regulator organization registered after genesis is not one of the N.
  commit_txs({sign_as(admin_, register_org("regulator-new", "regulator"))});
  auto new_reg_admin = enroll("regulator-new-admin", "regulator-new", "admin", "0199");
  for (const auto* who : {&bank_admin, &reg_reporter, &new_reg_admin}) {
    SCOPED_TRACE(who->account);
    expect_rejected(sign_as(*who, propose("p", height() + 20, set_mapping(plus_ten))),
                    "permission_denied");
  }
  commit_txs({sign_as(admin_, propose("p", height() + 20, set_mapping(plus_ten)))});
  for (const auto* who : {&bank_admin, &reg_reporter, &new_reg_admin}) {
    SCOPED_TRACE(who->account);
    expect_rejected(sign_as(*who, approve("p")), "permission_denied");
  }
}

TEST_F(Governance, ProposalsThatWouldFailAreRejectedAtProposeTime) {
  struct Case {
    std::string name;
    Action action;
    std::string code;
  };
  auto bad_len = [](pb::Propose& p) {
    auto* m = p.mutable_set_permission_mapping();
    for (int i = 0; i < 99; ++i) m->add_max_data_level(1);
  };
  auto leaf_key = crypto::PrivateKey::generate(genesis_.suite).value();
  auto leaf = issue_cert(pki_.issuing, pki_.issuing_key, leaf_key, "not-a-ca",
                         rl::wall_now_s() - 3600, rl::wall_now_s() + kDay);
  const std::vector<Case> cases = {
      {"mapping with 99 entries", bad_len, "bad_field"},
      {"mapping entry 100", set_mapping([](auto l) { return l == 42 ? 100u : l; }), "bad_field"},
      {"no action", nullptr, "bad_field"},
      {"template floor 100", register_template("t-new", 100), "bad_field"},
      {"template with a bad id", register_template("t new", 1), "bad_field"},
      {"registering an existing template", register_template(kCapital, 1), "already_exists"},
      {"updating a missing template", update_template("t-missing", 1), "not_found"},
      {"trusting an end-entity certificate", add_root(leaf), "bad_certificate"},
      {"trusting a root already trusted", add_root(pki_.root), "already_exists"},
      {"removing an unknown root", remove_root(Bytes(32, 7)), "not_found"},
      {"removing the only root", remove_root(pki_.root.id(genesis_.suite)), "last_trusted_root"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    expect_rejected(sign_as(admin_, propose("bad", height() + 20, c.action)), c.code);
  }
  expect_rejected(sign_as(admin_, propose("bad id", height() + 20, set_mapping(plus_ten))),
                  "bad_field");
  expect_rejected(sign_as(admin_, propose("late", height(), set_mapping(plus_ten))), "bad_field");
  commit_txs({sign_as(admin_, propose("dup", height() + 20, set_mapping(plus_ten)))});
  expect_rejected(sign_as(reg_b_, propose("dup", height() + 20, set_mapping(plus_ten))),
                  "already_exists");
}

TEST_F(Governance, TemplatesAreRegisteredAndUpdatedByGovernance) {
  auto alice = enroll("alice", "bank-a", "reporter", "0010");  // mapping 13
  auto report = [&](const std::string& period) {
    return sign_as(alice, submit_report("fx-exposure", period, R"({"net":1})"));
  };
  expect_rejected(report("2026-Q1"), "not_found");
  commit_txs({sign_as(
      reg_b_, propose("tpl", height() + 20, register_template("fx-exposure", 5, {"net"})))});
  expect_rejected(report("2026-Q1"), "not_found");  // M-1: not registered yet
  commit_txs({sign_as(reg_c_, approve("tpl"))});
  auto first = commit_txs({report("2026-Q1")});
  EXPECT_EQ(chain_->report(to_hex(first.txs[0]->id)).value()->data_level(), 13u);

  commit_txs({sign_as(admin_, propose("tpl-2", height() + 20,
                                      update_template("fx-exposure", 40, {"net", "gross"})))});
  commit_txs({report("2026-Q2")});  // old definition still applies
  commit_txs({sign_as(reg_b_, approve("tpl-2"))});
  expect_rejected(report("2026-Q3"), "bad_report");  // "gross" is now required
  auto later = commit_txs(
      {sign_as(alice, submit_report("fx-exposure", "2026-Q3", R"({"net":1,"gross":2})"))});
  EXPECT_EQ(chain_->report(to_hex(later.txs[0]->id)).value()->data_level(), 40u);
  EXPECT_EQ(chain_->report(to_hex(first.txs[0]->id)).value()->data_level(), 13u);
}

TEST_F(Governance, ActionIsRevalidatedWhenItExecutes) {
  // Two proposals register the same template; the second can no longer execute once the
  // first has, so its final approval fails and it stays pending.
  commit_txs({sign_as(admin_, propose("t-1", height() + 20, register_template("dup-tpl", 1))),
              sign_as(reg_b_, propose("t-2", height() + 20, register_template("dup-tpl", 9)))});
  commit_txs({sign_as(reg_c_, approve("t-1"))});
  expect_rejected(sign_as(reg_c_, approve("t-2")), "already_exists");
  EXPECT_EQ(proposal_record("t-2")->status(), "PENDING");
  EXPECT_EQ(proposal_record("t-1")->status(), "EXECUTED");
}

TEST_F(Governance, TrustedRootsAddedAndRemovedByGovernance) {
  Ca other = make_root_ca("Other Root CA");
  commit_txs({sign_as(admin_, register_account("carol", "bank-a", "reporter", "0010"))});
  auto carol_key = crypto::PrivateKey::generate(genesis_.suite).value();
  auto carol_cert = issue_cert(other.cert, other.key, carol_key, "carol", rl::wall_now_s() - 3600,
                               rl::wall_now_s() + kDay);
  expect_rejected(sign_as(admin_, bind_certificate("carol", carol_cert)), "cert_untrusted");

  commit_txs({sign_as(admin_, propose("root-add", height() + 20, add_root(other.cert)))});
  expect_rejected(sign_as(admin_, bind_certificate("carol", carol_cert)), "cert_untrusted");
  commit_txs({sign_as(reg_b_, approve("root-add"))});
  commit_txs({sign_as(admin_, bind_certificate("carol", carol_cert))});
  auto carol = make_identity("carol", "bank-a", carol_key, carol_cert);
  commit_txs({sign_as(carol, submit_report(kLiquidity, "2026-Q3", R"({"lcr":1})"))});

  // Remove the genesis root: certificates from the genesis issuing CA no longer bind; what is
  // bound stays usable (revocation is the tool for that).
  auto alice = enroll("alice", "bank-a", "reporter", "0010");
  commit_txs({sign_as(
      reg_c_, propose("root-del", height() + 20, remove_root(pki_.root.id(genesis_.suite))))});
  commit_txs({sign_as(reg_b_, approve("root-del"))});
  auto m = new_member("dave", "bank-a", "reporter", "0010");
  commit_txs({m.txs[0]});
  expect_rejected(m.txs[1], "cert_untrusted");
  commit_txs({sign_as(alice, submit_report(kLiquidity, "2026-Q3", R"({"lcr":1})"))});

  // Now "other" is the only root: it cannot be removed.
  expect_rejected(sign_as(admin_, propose("root-del-2", height() + 20,
                                          remove_root(other.cert.id(genesis_.suite)))),
                  "last_trusted_root");
  // Re-adding the genesis root restores bindings under it.
  commit_txs({sign_as(admin_, propose("root-readd", height() + 20, add_root(pki_.root)))});
  commit_txs({sign_as(reg_c_, approve("root-readd"))});
  commit_txs({m.txs[1]});
}

class SingleRegulator : public LedgerFixture {};

TEST_F(SingleRegulator, WithOneRegulatorTheProposalExecutesAtOnce) {
  // The plain test genesis: one regulator, no "governance" key, so M = 1.
  commit_txs({sign_as(admin_, register_org("bank-a"))});
  auto p =
      commit_txs({sign_as(admin_, propose("now", 1000, set_mapping([](auto) { return 77u; })))});
  EXPECT_TRUE(p.writes.count(keys::permission_mapping()));
  auto alice = enroll("alice", "bank-a", "reporter", "0010");
  auto r = commit_txs({sign_as(alice, submit_report(kLiquidity, "2026-Q3", R"({"lcr":1})"))});
  EXPECT_EQ(chain_->report(to_hex(r.txs[0]->id)).value()->data_level(), 77u);
}

}  // namespace
}  // namespace rl::ledger::testing
