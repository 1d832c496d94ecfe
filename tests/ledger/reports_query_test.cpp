// list_reports / report: the secondary indexes return exactly the submitted reports, in height
// order, within the limit, with no prefix bleed between ids.

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "tests/ledger/ledger_fixture.hpp"

namespace rl::ledger::testing {
namespace {

struct Submitted {
  std::string id;  // report id = hex tx id
  std::string org;
  std::string tmpl;
  std::string period;
  std::uint64_t height = 0;
};

class ReportsQuery : public LedgerFixture {
 protected:
  void SetUp() override {
    LedgerFixture::SetUp();
    // "bank" is a prefix of "bank-a": the org index must not mix them.
    commit_txs({sign_as(admin_, register_org("bank-a")), sign_as(admin_, register_org("bank-b")),
                sign_as(admin_, register_org("bank"))});
    auto alice = new_member("alice", "bank-a", "reporter", "0010");
    auto carol = new_member("carol", "bank-a", "reporter", "0030");
    auto bob = new_member("bob", "bank-b", "reporter", "0020");
    auto dan = new_member("dan", "bank", "reporter", "0001");
    std::vector<Bytes> enroll_txs;
    for (auto* m : {&alice, &carol, &bob, &dan}) {
      enroll_txs.insert(enroll_txs.end(), m->txs.begin(), m->txs.end());
    }
    commit_txs(enroll_txs);

    struct Plan {
      const Member* who;
      const char* tmpl;
      const char* period;
    };
    const std::vector<std::vector<Plan>> blocks = {
        {{&alice, kCapital, "2026-Q3"},
         {&bob, kCapital, "2026-Q3"},
         {&alice, kLiquidity, "2026-Q3"}},
        {{&carol, kCapital, "2026-Q3"}, {&bob, kLiquidity, "2026-Q4"}, {&dan, kCapital, "2026-Q3"}},
        {{&alice, kCapital, "2026-Q4"},
         {&carol, kLiquidity, "2026-Q3"},
         {&alice, kSensitive, "2026-Q3"},
         {&alice, kCapital, "2026-Q3-final"}},  // "2026-Q3" is a prefix of this period
        {{&bob, kCapital, "2026-Q3"}},
        {{&carol, kCapital, "2026-Q3"}, {&alice, kCapital, "2026-Q3"}},
    };
    for (const auto& plan : blocks) {
      std::vector<Bytes> txs;
      for (const auto& p : plan) {
        std::string payload = std::string(p.tmpl) == kCapital     ? capital_payload(p.who->id.org)
                              : std::string(p.tmpl) == kLiquidity ? R"({"lcr":1.25})"
                                                                  : "{}";
        txs.push_back(sign_as(p.who->id, submit_report(p.tmpl, p.period, payload)));
      }
      auto b = commit_txs(txs);
      for (std::size_t i = 0; i < plan.size(); ++i) {
        submitted_.push_back(
            {to_hex(b.txs[i]->id), plan[i].who->id.org, plan[i].tmpl, plan[i].period, b.height});
      }
    }
  }

  // Expected result: matching reports ordered like the index key (height, then report id).
  std::vector<std::string> expected(const std::function<bool(const Submitted&)>& match) const {
    std::vector<Submitted> m;
    for (const auto& s : submitted_) {
      if (match(s)) m.push_back(s);
    }
    std::sort(m.begin(), m.end(), [](const Submitted& a, const Submitted& b) {
      return std::tie(a.height, a.id) < std::tie(b.height, b.id);
    });
    std::vector<std::string> ids;
    for (const auto& s : m) ids.push_back(s.id);
    return ids;
  }

  std::vector<std::string> query(const ReportFilter& f) {
    auto r = chain_->list_reports(f);
    if (!r.ok()) throw std::runtime_error(r.error().to_string());
    std::vector<std::string> ids;
    std::uint64_t last_height = 0;
    for (const auto& rec : *r) {
      EXPECT_GE(rec.height(), last_height) << "not in height order";
      last_height = rec.height();
      ids.push_back(rec.report_id());
    }
    return ids;
  }

  static ReportFilter by_org(const std::string& org, std::size_t limit = 100) {
    return ReportFilter{org, "", "", limit};
  }
  static ReportFilter by_template(const std::string& t, const std::string& period,
                                  std::size_t limit = 100) {
    return ReportFilter{"", t, period, limit};
  }

  std::vector<Submitted> submitted_;
};

TEST_F(ReportsQuery, ByOrganization) {
  for (const std::string org : {"bank-a", "bank-b", "bank"}) {
    auto want = expected([&](const Submitted& s) { return s.org == org; });
    ASSERT_FALSE(want.empty());
    EXPECT_EQ(query(by_org(org)), want) << org;
  }
  EXPECT_EQ(query(by_org("bank-a")).size(), 9u);
  EXPECT_EQ(query(by_org("bank-b")).size(), 3u);
  EXPECT_EQ(query(by_org("bank")).size(), 1u);
  EXPECT_TRUE(query(by_org("bank-z")).empty());
  EXPECT_TRUE(query(by_org(kRegulatorOrg)).empty());
}

TEST_F(ReportsQuery, ByTemplateAndPeriod) {
  auto cap_q3 =
      expected([](const Submitted& s) { return s.tmpl == kCapital && s.period == "2026-Q3"; });
  EXPECT_EQ(cap_q3.size(), 7u);
  EXPECT_EQ(query(by_template(kCapital, "2026-Q3")), cap_q3);
  EXPECT_EQ(query(by_template(kLiquidity, "2026-Q4")), expected([](const Submitted& s) {
              return s.tmpl == kLiquidity && s.period == "2026-Q4";
            }));
  EXPECT_EQ(query(by_template(kCapital, "2026-Q3-final")).size(), 1u);
  EXPECT_TRUE(query(by_template(kCapital, "2027-Q1")).empty());
  EXPECT_TRUE(query(by_template("no-such-template", "2026-Q3")).empty());
}

TEST_F(ReportsQuery, ByTemplateAllPeriods) {
  // Without a period the template index is ordered by period, then height: exactly the
  // per-period answers concatenated in period order.
  auto r = chain_->list_reports(by_template(kCapital, ""));
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  std::vector<std::string> got;
  for (const auto& rec : *r) got.push_back(rec.report_id());
  std::vector<std::string> want;
  // Key byte order: "2026-Q3-final/" < "2026-Q3/" since - (0x2d) sorts before / (0x2f).
  for (const char* period : {"2026-Q3-final", "2026-Q3", "2026-Q4"}) {
    auto part =
        expected([&](const Submitted& s) { return s.tmpl == kCapital && s.period == period; });
    ASSERT_FALSE(part.empty()) << period;
    want.insert(want.end(), part.begin(), part.end());
  }
  EXPECT_EQ(got, want);
  EXPECT_EQ(got.size(), 9u);
}

TEST_F(ReportsQuery, LimitIsRespected) {
  auto all = query(by_org("bank-a"));
  ASSERT_EQ(all.size(), 9u);
  for (std::size_t limit : {0, 1, 2, 5, 9, 10, 1000}) {
    auto got = query(by_org("bank-a", limit));
    std::vector<std::string> want(
        all.begin(), all.begin() + static_cast<std::ptrdiff_t>(std::min(limit, all.size())));
    EXPECT_EQ(got, want) << "limit " << limit;
  }
  auto cap = query(by_template(kCapital, "2026-Q3"));
  EXPECT_EQ(query(by_template(kCapital, "2026-Q3", 3)),
            std::vector<std::string>(cap.begin(), cap.begin() + 3));
}

TEST_F(ReportsQuery, RecordsMatchSubmissions) {
  for (const auto& s : submitted_) {
    auto rec = chain_->report(s.id).value();
    ASSERT_TRUE(rec.has_value()) << s.id;
    EXPECT_EQ(rec->report_id(), s.id);
    EXPECT_EQ(rec->org_id(), s.org);
    EXPECT_EQ(rec->template_id(), s.tmpl);
    EXPECT_EQ(rec->period(), s.period);
    EXPECT_EQ(rec->height(), s.height);
  }
  EXPECT_FALSE(chain_->report(std::string(64, '0')).value().has_value());
  EXPECT_FALSE(chain_->report(std::string(4096, 'a')).value().has_value());
  EXPECT_FALSE(chain_->report("").value().has_value());
}

TEST_F(ReportsQuery, FilterNeedsOrgOrTemplate) {
  auto r = chain_->list_reports(ReportFilter{"", "", "2026-Q3", 10});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "bad_query");
}

TEST_F(ReportsQuery, RejectedSubmissionsAreNotListed) {
  const auto before = query(by_org("bank-a"));
  auto reader = enroll("reader", "bank-a", "reporter", "1105");
  expect_rejected(sign_as(reader, submit_report(kCapital, "2026-Q3", capital_payload())),
                  "permission_denied");
  EXPECT_EQ(query(by_org("bank-a")), before);
}

}  // namespace
}  // namespace rl::ledger::testing
