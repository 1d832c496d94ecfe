// Value on the ledger (issue #13, item 1): IssueValue by governance is the only way value
// enters; every rule refuses with its code and changes nothing; the conservation invariant
// (balances + on devices == issued) holds after every block; balances are read within the
// organization scope (another organization's answers like an unknown one).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ledger/value_ledger.hpp"
#include "tests/app/node_fixture.hpp"

namespace rl::testing {
namespace {

using nlohmann::json;

class ValueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    bank_a_ = node_.enroll_reporter("bank-a", "a-rep", "0105");
    bank_b_ = node_.enroll_reporter("bank-b", "b-rep", "0105");
    regulator_ = node_.enroll_reporter("regulator", "reg-reader", "1199", "regulator");
  }

  Bytes proposal(const client::Identity& who, const std::string& org, std::int64_t amount) {
    return node_.sign(who, [&](ledger::pb::TxBody& b) {
      auto* p = b.mutable_propose();
      p->set_proposal_id("issue-" + std::to_string(next_id_++));
      p->set_expires_at_height(node_.chain->head().height + 100);
      p->mutable_issue_value()->set_org_id(org);
      p->mutable_issue_value()->set_amount(amount);
    });
  }

  // Submits through the API; on success seals the block. Returns the error code or "".
  std::string issue(const std::string& org, std::int64_t amount) {
    return submit(proposal(*node_.admin, org, amount));
  }
  std::string submit(const Bytes& tx) { return node_.submit_sealed_and_conserved(tx); }

  void expect_conserved() { node_.expect_value_conserved(); }

  std::int64_t balance(const std::string& org) { return *node_.chain->balance(org); }

  NodeFixture node_;
  std::optional<client::Identity> bank_a_, bank_b_, regulator_;
  int next_id_ = 0;
};

TEST_F(ValueTest, IssuedValueIsCreditedAndCounted) {
  expect_conserved();
  EXPECT_EQ(issue("bank-a", 1'000'000), "");
  EXPECT_EQ(issue("bank-a", 250), "");
  EXPECT_EQ(issue("bank-b", 7), "");
  EXPECT_EQ(balance("bank-a"), 1'000'250);
  EXPECT_EQ(balance("bank-b"), 7);
  EXPECT_EQ(balance("bank-c"), 0);
  auto a = node_.chain->value_audit();
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->issued, 1'000'257);
  EXPECT_EQ(a->balances, 1'000'257);
  EXPECT_EQ(a->organizations, 2u);
}

// Each IssueValue rule, refused at admission with its own code, changing nothing.
TEST_F(ValueTest, EachIssueRuleIsEnforced) {
  struct Case {
    std::string org;
    std::int64_t amount;
    std::string code;
  };
  const std::vector<Case> cases = {
      {"bank-a", 0, "bad_amount"},
      {"bank-a", -5, "bad_amount"},
      {"bank-a", (std::int64_t{1} << 62) + 1, "bad_amount"},
      {"no-such-org", 10, "not_found"},
      {"bank/a", 10, "bad_field"},
  };
  for (const auto& c : cases) {
    const auto before = node_.snapshot();
    EXPECT_EQ(issue(c.org, c.amount), c.code) << c.org << " " << c.amount;
    EXPECT_EQ(node_.snapshot(), before);
  }
  // Only a governing regulator's admin proposes.
  EXPECT_EQ(submit(proposal(*bank_a_, "bank-a", 10)), "permission_denied");
  // The supply has a ceiling: 2^62 in all.
  EXPECT_EQ(issue("bank-a", std::int64_t{1} << 62), "");
  const auto before = node_.snapshot();
  EXPECT_EQ(issue("bank-b", 1), "supply_exhausted");
  EXPECT_EQ(node_.snapshot(), before);
  EXPECT_EQ(balance("bank-b"), 0);
}

TEST_F(ValueTest, BalancesAreReadWithinTheOrganizationScope) {
  ASSERT_EQ(issue("bank-a", 500), "");
  ASSERT_EQ(issue("bank-b", 900), "");
  const auto a = node_.login(*bank_a_);
  const auto reg = node_.login(*regulator_);
  auto get = [&](const std::string& token, const std::string& org) {
    auto r = node_.get(token, "/v1/balances/" + org);
    EXPECT_TRUE(r.ok());
    return std::make_pair(r->status, r->body);
  };
  auto own = get(a, "bank-a");
  EXPECT_EQ(own.first, 200);
  EXPECT_EQ(json::parse(own.second)["balance"], 500);
  EXPECT_EQ(get(a, "bank-b"), get(a, "no-such-org")) << "another bank's balance does not exist";
  EXPECT_EQ(get(a, "bank-b").first, 404);
  EXPECT_EQ(json::parse(get(reg, "bank-b").second)["balance"], 900);
  EXPECT_EQ(get(reg, "no-such-org").first, 404);
}

}  // namespace
}  // namespace rl::testing
