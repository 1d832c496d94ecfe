// The report lifecycle on a real chain (docs/reporting.md): filing calendars (late flag at the
// deadline boundary, locked periods, extensions), corrections as version chains, and reviews.
// Each rule has a test that fails when the rule is broken.

#include <gtest/gtest.h>

#include "common/civil_time.hpp"
#include "ledger/filing_calendar.hpp"
#include "tests/ledger/ledger_fixture.hpp"

namespace rl::ledger::testing {
namespace {

constexpr const char* kDaily = "daily-return";
constexpr std::int64_t kDayMs = filing::kDayMs;

pb::FilingCalendar calendar(const std::string& frequency, std::uint32_t deadline_days,
                            std::int32_t offset_minutes = 0, std::uint32_t grace_days = 0) {
  pb::FilingCalendar c;
  c.set_frequency(frequency);
  c.set_deadline_days(deadline_days);
  c.set_utc_offset_minutes(offset_minutes);
  c.set_grace_days(grace_days);
  return c;
}

std::int64_t utc_ms(int y, int m, int d) {
  return days_from_civil({y, m, d}) * kDayMs;
}

// ------------------------------------------------------------------ calendar arithmetic

TEST(FilingCalendar, DeadlinesOfEachFrequency) {
  // Monthly, 15 days, Beijing time: 2026-11 is due at 2026-12-16 00:00 +08:00.
  EXPECT_EQ(filing::deadline_ms(calendar("monthly", 15, 480), "2026-11").value(),
            utc_ms(2026, 12, 16) - 8 * 3600 * 1000);
  EXPECT_EQ(filing::deadline_ms(calendar("monthly", 0), "2026-12").value(), utc_ms(2027, 1, 1));
  EXPECT_EQ(filing::deadline_ms(calendar("quarterly", 30), "2026-Q4").value(), utc_ms(2027, 1, 31));
  EXPECT_EQ(filing::deadline_ms(calendar("quarterly", 0), "2026-Q1").value(), utc_ms(2026, 4, 1));
  EXPECT_EQ(filing::deadline_ms(calendar("semiannual", 0), "2026-H1").value(), utc_ms(2026, 7, 1));
  EXPECT_EQ(filing::deadline_ms(calendar("semiannual", 0), "2026-H2").value(), utc_ms(2027, 1, 1));
  EXPECT_EQ(filing::deadline_ms(calendar("annual", 90), "2026").value(), utc_ms(2027, 4, 1));
  EXPECT_EQ(filing::deadline_ms(calendar("daily", 1, -300), "2028-02-29").value(),
            utc_ms(2028, 3, 2) + 5 * 3600 * 1000);
  EXPECT_EQ(filing::deadline_ms(calendar("daily", 0), "2026-12-31").value(), utc_ms(2027, 1, 1));
}

TEST(FilingCalendar, PeriodsThatAreNotOfTheFrequencyAreRefused) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"monthly", "2026-13"},  {"monthly", "2026-00"},    {"monthly", "2026-1"},
      {"monthly", "2026-Q1"},  {"quarterly", "2026-Q5"},  {"quarterly", "2026-Q0"},
      {"quarterly", "2026-1"}, {"semiannual", "2026-H3"}, {"annual", "26"},
      {"annual", "1969"},      {"daily", "2027-02-29"},   {"daily", "2026-04-31"},
      {"daily", "2026-12"},    {"monthly", "2026-12x"}};
  for (const auto& [freq, period] : bad) {
    auto d = filing::deadline_ms(calendar(freq, 1), period);
    ASSERT_FALSE(d.ok()) << freq << " " << period;
    EXPECT_EQ(d.error().code, "bad_period");
    EXPECT_NE(d.error().message.find(std::string(filing::period_format(freq))), std::string::npos)
        << d.error().message;
  }
}

TEST(FilingCalendar, CalendarRules) {
  EXPECT_TRUE(filing::check_calendar(calendar("monthly", 366, 840, 366)).ok());
  EXPECT_TRUE(filing::check_calendar(calendar("daily", 0, -720, 0)).ok());
  for (const auto& c :
       {calendar("weekly", 1), calendar("monthly", 367), calendar("monthly", 1, 841),
        calendar("monthly", 1, -721), calendar("monthly", 1, 0, 367)}) {
    auto st = filing::check_calendar(c);
    ASSERT_FALSE(st.ok()) << c.ShortDebugString();
    EXPECT_EQ(st.error().code, "bad_field");
  }
  // The lock is deadline + grace, or a later extension.
  const auto c = calendar("daily", 0, 0, 2);
  EXPECT_EQ(filing::lock_ms(c, 1000, 0), 1000 + 2 * kDayMs);
  EXPECT_EQ(filing::lock_ms(c, 1000, 5), 1000 + 2 * kDayMs);
  EXPECT_EQ(filing::lock_ms(c, 1000, 3 * kDayMs), 3 * kDayMs);
}

// ------------------------------------------------------------------ on the chain

class ReportLifecycle : public LedgerFixture {
 protected:
  void SetUp() override {
    // A daily template due one day after the period, two days of grace: every instant the tests
    // need lies within the test certificates' 30 days.
    GenesisTemplate daily;
    daily.id = kDaily;
    daily.name = "Daily liquidity return";
    daily.required_fields = {"total"};
    daily.calendar = calendar("daily", 1, 0, 2);
    genesis_.templates.push_back(daily);
    LedgerFixture::SetUp();
    commit_txs({sign_as(admin_, register_org("bank-a")), sign_as(admin_, register_org("bank-b")),
                sign_as(admin_, register_org("audit-co", "auditor"))});
    people_.emplace(People{enroll("alice", "bank-a", "reporter", "0010"),
                           enroll("bob", "bank-b", "reporter", "0010"),
                           enroll("bank-a-admin", "bank-a", "admin", "0110"),
                           enroll("reviewer", kRegulatorOrg, "reporter", "1199"),
                           enroll("junior", kRegulatorOrg, "reporter", "1100"),
                           enroll("auditor", "audit-co", "auditor", "1199")});
    const CivilDate today = civil_from_days(chain_->head().time_ms / kDayMs);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", today.year, today.month, today.day);
    period_ = buf;
    deadline_ = filing::deadline_ms(calendar("daily", 1), period_).value();
  }

  // Submits `tx` alone in a block at `time_ms`: the error it was dropped with, or ok.
  Status commit_at(const Bytes& tx, std::int64_t time_ms) {
    std::vector<DroppedTx> dropped;
    auto b = chain_->build_block(decode_all({tx}), time_ms, 0, &dropped);
    if (!b.ok()) return b.error();
    if (!dropped.empty()) return dropped.front().error;
    seal(*chain_, *b);
    return {};
  }

  std::string submit(const client::Identity& who, const std::string& corrects = "",
                     const std::string& tmpl = kDaily, const std::string& period = "") {
    Bytes tx = sign_as(who, [&](pb::TxBody& b) {
      submit_report(tmpl, period.empty() ? period_ : period, R"({"total":1})")(b);
      b.mutable_submit_report()->set_corrects(corrects);
    });
    commit_txs({tx});
    return to_hex(decode(tx).id);
  }

  Bytes correction(const client::Identity& who, const std::string& corrects,
                   const std::string& tmpl = kDaily, const std::string& period = "") {
    return sign_as(who, [&](pb::TxBody& b) {
      submit_report(tmpl, period.empty() ? period_ : period, R"({"total":2})")(b);
      b.mutable_submit_report()->set_corrects(corrects);
    });
  }

  Bytes review(const client::Identity& who, const std::string& id, const std::string& decision,
               const std::vector<std::string>& reasons = {}) {
    return sign_as(who, [&](pb::TxBody& b) {
      auto* r = b.mutable_review_report();
      r->set_report_id(id);
      r->set_decision(decision);
      for (const auto& why : reasons) r->add_reasons(why);
    });
  }

  Bytes extension(const client::Identity& who, std::int64_t until_ms,
                  const std::string& tmpl = kDaily, const std::string& org = "bank-a") {
    return sign_as(who, [&](pb::TxBody& b) {
      auto* e = b.mutable_grant_filing_extension();
      e->set_template_id(tmpl);
      e->set_period(period_);
      e->set_org_id(org);
      e->set_until_ms(until_ms);
      e->set_reason("system outage at the bank");
    });
  }

  pb::ReportRecord record(const std::string& id) { return chain_->report(id).value().value(); }

  struct People {
    client::Identity alice, bob, bank_admin, reviewer, low_reviewer, auditor;
  };
  std::optional<People> people_;  // enrolled in SetUp
  std::string period_;
  std::int64_t deadline_ = 0;
};

TEST_F(ReportLifecycle, LateFlagAtTheDeadlineBoundary) {
  const std::vector<std::pair<std::int64_t, bool>> cases = {
      {deadline_ - 1, false}, {deadline_, false}, {deadline_ + 1, true}};
  for (const auto& [t, late] : cases) {
    Bytes tx = sign_as(people_->alice, submit_report(kDaily, period_, R"({"total":1})"));
    ASSERT_TRUE(commit_at(tx, t).ok());
    auto r = record(to_hex(decode(tx).id));
    EXPECT_EQ(r.late(), late) << "block time - deadline = " << t - deadline_;
    EXPECT_EQ(r.deadline_ms(), deadline_);
    EXPECT_EQ(r.submitted_at_ms(), t);
  }
}

TEST_F(ReportLifecycle, TemplatesWithoutACalendarAreNeverLate) {
  Bytes tx = sign_as(people_->alice, submit_report(kCapital, "2020-Q1", capital_payload("bank-a")));
  ASSERT_TRUE(commit_at(tx, deadline_ + 10 * kDayMs).ok());
  auto r = record(to_hex(decode(tx).id));
  EXPECT_FALSE(r.late());
  EXPECT_EQ(r.deadline_ms(), 0);
}

TEST_F(ReportLifecycle, APeriodOfTheWrongFormatIsRefused) {
  expect_rejected(sign_as(people_->alice, submit_report(kDaily, "2026-Q4", R"({"total":1})")),
                  "bad_period");
}

TEST_F(ReportLifecycle, ALockedPeriodRefusesUntilAnExtension) {
  const std::int64_t lock = deadline_ + 2 * kDayMs;
  // The last instant of grace still takes a (late) report.
  Bytes last = sign_as(people_->alice, submit_report(kDaily, period_, R"({"total":1})"));
  ASSERT_TRUE(commit_at(last, lock).ok());
  EXPECT_TRUE(record(to_hex(decode(last).id)).late());
  // One millisecond later the period is locked, for a first filing and a correction alike.
  auto refused = commit_at(
      sign_as(people_->alice, submit_report(kDaily, period_, R"({"total":1})")), lock + 1);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "period_locked");
  EXPECT_NE(refused.error().message.find("extension"), std::string::npos);
  auto corr = commit_at(correction(people_->alice, to_hex(decode(last).id)), lock + 2);
  ASSERT_FALSE(corr.ok());
  EXPECT_EQ(corr.error().code, "period_locked");
  // An extension for bank-a lets bank-a (only) file again, flagged late, until it runs out.
  const std::int64_t until = lock + kDayMs;
  ASSERT_TRUE(commit_at(extension(admin_, until), lock + 3).ok());
  Bytes in = sign_as(people_->alice, submit_report(kDaily, period_, R"({"total":1})"));
  ASSERT_TRUE(commit_at(in, lock + 4).ok());
  EXPECT_TRUE(record(to_hex(decode(in).id)).late());
  auto other =
      commit_at(sign_as(people_->bob, submit_report(kDaily, period_, R"({"total":1})")), lock + 5);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, "period_locked");
  ASSERT_TRUE(
      commit_at(sign_as(people_->alice, submit_report(kDaily, period_, R"({"total":1})")), until)
          .ok());
  auto after = commit_at(sign_as(people_->alice, submit_report(kDaily, period_, R"({"total":1})")),
                         until + 1);
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error().code, "period_locked");
}

TEST_F(ReportLifecycle, ExtensionRules) {
  const std::int64_t until = deadline_ + 5 * kDayMs;
  expect_rejected(extension(people_->bank_admin, until), "permission_denied");
  expect_rejected(extension(people_->reviewer, until), "permission_denied");  // not an admin
  expect_rejected(extension(admin_, until, "no-such-template"), "not_found");
  expect_rejected(extension(admin_, until, kCapital), "bad_field");  // no calendar
  expect_rejected(extension(admin_, until, kDaily, "no-such-org"), "not_found");
  expect_rejected(extension(admin_, chain_->head().time_ms - 1), "bad_field");
  expect_rejected(extension(admin_, chain_->head().time_ms + 401 * kDayMs), "bad_field");
  Bytes no_reason = sign_as(admin_, [&](pb::TxBody& b) {
    auto* e = b.mutable_grant_filing_extension();
    e->set_template_id(kDaily);
    e->set_period(period_);
    e->set_org_id("bank-a");
    e->set_until_ms(until);
  });
  expect_rejected(no_reason, "bad_field");
  Bytes bad_period = sign_as(admin_, [&](pb::TxBody& b) {
    auto* e = b.mutable_grant_filing_extension();
    e->set_template_id(kDaily);
    e->set_period("2026-Q1");
    e->set_org_id("bank-a");
    e->set_until_ms(until);
    e->set_reason("x");
  });
  expect_rejected(bad_period, "bad_period");
  commit_txs({extension(admin_, until)});
}

TEST_F(ReportLifecycle, CorrectionsFormAVersionChain) {
  const std::string v1 = submit(people_->alice);
  const std::string v2 = submit(people_->alice, v1);
  const std::string v3 = submit(people_->alice, v2);
  auto r1 = record(v1), r2 = record(v2), r3 = record(v3);
  EXPECT_EQ(r1.version(), 1u);
  EXPECT_EQ(r2.version(), 2u);
  EXPECT_EQ(r3.version(), 3u);
  EXPECT_EQ(r1.corrects(), "");
  EXPECT_EQ(r2.corrects(), v1);
  EXPECT_EQ(r3.corrects(), v2);
  for (const auto* r : {&r1, &r2, &r3}) EXPECT_EQ(r->first_version(), v1);
  EXPECT_EQ(r1.superseded_by(), v2);
  EXPECT_EQ(r2.superseded_by(), v3);
  EXPECT_EQ(r3.superseded_by(), "");
  // Only the latest version is corrected: the chain stays a line.
  expect_rejected(correction(people_->alice, v1), "report_superseded");
  expect_rejected(correction(people_->alice, v2), "report_superseded");
}

TEST_F(ReportLifecycle, CorrectionRules) {
  const std::string mine = submit(people_->alice);
  const std::string theirs = submit(people_->bob);
  // Another organization's report answers exactly as one that does not exist.
  const std::string missing(64, 'a');
  DecodedTx foreign = decode(correction(people_->alice, theirs));
  DecodedTx absent = decode(correction(people_->alice, missing));
  auto a = chain_->admit(foreign, chain_->head().time_ms + 1000);
  auto b = chain_->admit(absent, chain_->head().time_ms + 1000);
  ASSERT_FALSE(a.ok());
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(a.error().code, "not_found");
  EXPECT_EQ(b.error().code, "not_found");
  std::string am = a.error().message, bm = b.error().message;
  am.replace(am.find(theirs), theirs.size(), "ID");
  bm.replace(bm.find(missing), missing.size(), "ID");
  EXPECT_EQ(am, bm);
  expect_rejected(correction(people_->alice, theirs), "not_found");
  expect_rejected(correction(people_->alice, "not-hex"), "bad_field");
  expect_rejected(correction(people_->alice, std::string(64, 'A')), "bad_field");  // uppercase
  // A correction keeps the template and the period.
  expect_rejected(correction(people_->alice, mine, kCapital, "2026-Q3"), "bad_field");
  auto yesterday = civil_from_days(chain_->head().time_ms / kDayMs - 1);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", yesterday.year, yesterday.month, yesterday.day);
  expect_rejected(correction(people_->alice, mine, kDaily, buf), "bad_field");
  // A colleague of the same organization may correct it.
  commit_txs({correction(people_->bank_admin, mine)});
}

TEST_F(ReportLifecycle, ReviewAcceptsAndRejectsWithReasons) {
  const std::string a = submit(people_->alice);
  const std::string b = submit(people_->bob);
  commit_txs({review(people_->reviewer, a, "ACCEPTED")});
  commit_txs({review(people_->reviewer, b, "REJECTED", {"row 3: total does not match", "late"})});
  auto ra = record(a), rb = record(b);
  EXPECT_EQ(ra.status(), "ACCEPTED");
  EXPECT_EQ(rb.status(), "REJECTED");
  ASSERT_EQ(rb.history_size(), 2);
  EXPECT_EQ(rb.history(0).status(), "SUBMITTED");
  EXPECT_EQ(rb.history(0).by(), "bob");
  EXPECT_EQ(rb.history(1).status(), "REJECTED");
  EXPECT_EQ(rb.history(1).by(), "reviewer");
  ASSERT_EQ(rb.history(1).reasons_size(), 2);
  EXPECT_EQ(rb.history(1).reasons(0), "row 3: total does not match");
  // A verdict is final for its version; a correction is reviewed on its own.
  expect_rejected(review(people_->reviewer, a, "REJECTED", {"changed my mind"}),
                  "already_reviewed");
  const std::string b2 = submit(people_->bob, b);
  expect_rejected(review(people_->reviewer, b, "ACCEPTED"), "report_superseded");
  commit_txs({review(people_->reviewer, b2, "ACCEPTED")});
  EXPECT_EQ(record(b2).status(), "ACCEPTED");
  EXPECT_EQ(record(b).status(), "REJECTED");
}

TEST_F(ReportLifecycle, ReviewRules) {
  const std::string a = submit(people_->alice);
  expect_rejected(review(people_->reviewer, a, "REJECTED"), "bad_field");  // no reason
  expect_rejected(review(people_->reviewer, a, "MAYBE"), "bad_field");
  expect_rejected(review(people_->reviewer, a, "REJECTED", {""}), "bad_field");
  expect_rejected(review(people_->reviewer, a, "REJECTED", {std::string(257, 'x')}), "bad_field");
  expect_rejected(review(people_->reviewer, a, "REJECTED", std::vector<std::string>(17, "x")),
                  "bad_field");
  expect_rejected(review(people_->reviewer, "nope", "ACCEPTED"), "bad_field");
  expect_rejected(review(people_->reviewer, std::string(64, 'b'), "ACCEPTED"), "not_found");
  // Institutions and auditors do not rule; a regulator who may not read it cannot find it.
  expect_rejected(review(people_->bank_admin, a, "ACCEPTED"), "permission_denied");
  expect_rejected(review(people_->alice, a, "ACCEPTED"), "permission_denied");
  expect_rejected(review(people_->auditor, a, "ACCEPTED"), "permission_denied");
  expect_rejected(review(people_->low_reviewer, a, "ACCEPTED"), "not_found");
  EXPECT_EQ(record(a).status(), "SUBMITTED");
}

}  // namespace
}  // namespace rl::ledger::testing
