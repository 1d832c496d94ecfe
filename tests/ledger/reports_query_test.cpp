// list_reports / report / visit_reports: the secondary indexes (ledger/report_index.hpp) return
// exactly the submitted reports, in height order, within the limit, with no prefix bleed between
// ids; their values carry each report's status, late and superseded flags as the records do;
// and a store whose indexes have an older layout gets them rebuilt when the chain opens.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "ledger/report_index.hpp"
#include "ledger/state_keys.hpp"
#include "ledger/store.hpp"
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

// The ids under `prefix` of chain's report index, in key order, each record read.
std::vector<std::string> visit_ids(const Chain& chain, const Bytes& prefix) {
  std::vector<std::string> ids;
  auto st = chain.visit_reports(prefix, {}, [&](ByteView, const pb::ReportRecord& r) {
    ids.push_back(r.report_id());
    return true;
  });
  if (!st.ok()) throw std::runtime_error(st.error().to_string());
  return ids;
}

TEST_F(ReportsQuery, ByOrganizationTemplateAndPeriod) {
  // "bank" and "bank-a", "2026-Q3" and "2026-Q3-final": prefixes of each other, never mixed.
  for (const std::string org : {"bank-a", "bank-b", "bank"}) {
    for (const std::string tmpl : {kCapital, kLiquidity, kSensitive}) {
      for (const std::string period : {"2026-Q3", "2026-Q3-final", "2026-Q4"}) {
        EXPECT_EQ(visit_ids(*chain_, keys::reports_by_org_template_prefix(org, tmpl, period)),
                  expected([&](const Submitted& s) {
                    return s.org == org && s.tmpl == tmpl && s.period == period;
                  }))
            << org << " " << tmpl << " " << period;
      }
      // Every period of the template, period by period in key order.
      std::vector<std::string> want;
      for (const char* period : {"2026-Q3-final", "2026-Q3", "2026-Q4"}) {
        auto part = expected([&](const Submitted& s) {
          return s.org == org && s.tmpl == tmpl && s.period == period;
        });
        want.insert(want.end(), part.begin(), part.end());
      }
      EXPECT_EQ(visit_ids(*chain_, keys::reports_by_org_template_prefix(org, tmpl, "")), want)
          << org << " " << tmpl;
    }
  }
  EXPECT_EQ(visit_ids(*chain_, keys::reports_by_org_template_prefix("bank-a", kCapital, "2026-Q3"))
                .size(),
            4u);
  EXPECT_TRUE(
      visit_ids(*chain_, keys::reports_by_org_template_prefix("bank-z", kCapital, "")).empty());
}

// The flags in every index entry of every report, as the entry filter sees them (no record is
// read: the filter refuses every entry).
std::map<std::string, std::vector<ReportIndexEntry>> entries_by_report(const Chain& chain) {
  std::map<std::string, std::vector<ReportIndexEntry>> out;
  for (const auto& prefix : {to_bytes("rpt_org/"), to_bytes("rpt_tpl/"), to_bytes("rpt_otp/")}) {
    auto st = chain.visit_reports(
        prefix, {},
        [](ByteView, const pb::ReportRecord&) -> bool {
          throw std::logic_error("a refused entry's record was read");
        },
        [&](const ReportIndexEntry& e) {
          out[std::string(e.report_id)].push_back(e);
          return false;
        });
    if (!st.ok()) throw std::runtime_error(st.error().to_string());
  }
  return out;
}

void expect_entries_match_records(const Chain& chain, std::size_t reports) {
  const auto entries = entries_by_report(chain);
  EXPECT_EQ(entries.size(), reports);
  for (const auto& [id, list] : entries) {
    auto rec = chain.report(id).value();
    ASSERT_TRUE(rec.has_value()) << id;
    ASSERT_EQ(list.size(), 3u) << "one entry per index: " << id;
    for (const auto& e : list) {
      EXPECT_EQ(e.status, rec->status()) << id;
      EXPECT_EQ(e.late, rec->late()) << id;
      EXPECT_EQ(e.superseded, !rec->superseded_by().empty()) << id;
    }
  }
}

TEST_F(ReportsQuery, IndexEntriesFollowReviewsAndCorrections) {
  expect_entries_match_records(*chain_, submitted_.size());
  const auto accepted = submitted_[0].id;   // alice, capital 2026-Q3
  const auto rejected = submitted_[1].id;   // bob, capital 2026-Q3
  const auto corrected = submitted_[2].id;  // alice, liquidity 2026-Q3
  auto review = [](const std::string& id, const std::string& decision) {
    return [=](pb::TxBody& b) {
      auto* v = b.mutable_review_report();
      v->set_report_id(id);
      v->set_decision(decision);
      if (decision == "REJECTED") v->add_reasons("lcr below 1");
    };
  };
  auto alice_id = enroll("alice-2", "bank-a", "reporter", "0010");
  commit_txs({sign_as(admin_, review(accepted, "ACCEPTED")),
              sign_as(admin_, review(rejected, "REJECTED")), sign_as(alice_id, [&](pb::TxBody& b) {
                submit_report(kLiquidity, "2026-Q3", R"({"lcr":1.5})")(b);
                b.mutable_submit_report()->set_corrects(corrected);
              })});
  EXPECT_EQ(chain_->report(accepted).value()->status(), "ACCEPTED");
  EXPECT_EQ(chain_->report(rejected).value()->status(), "REJECTED");
  EXPECT_FALSE(chain_->report(corrected).value()->superseded_by().empty());
  expect_entries_match_records(*chain_, submitted_.size() + 1);
  // The flags agree with the records through the filter: one REJECTED entry in bank-b's range.
  std::vector<std::string> rejected_ids;
  ASSERT_TRUE(chain_
                  ->visit_reports(
                      keys::reports_by_org_prefix("bank-b"), {},
                      [&](ByteView, const pb::ReportRecord& r) {
                        rejected_ids.push_back(r.report_id());
                        return true;
                      },
                      [](const ReportIndexEntry& e) { return e.status == "REJECTED"; })
                  .ok());
  EXPECT_EQ(rejected_ids, std::vector<std::string>{rejected});
}

TEST_F(ReportsQuery, IndexesOfAnOlderLayoutAreRebuiltWhenTheChainOpens) {
  auto listing = [&] {
    std::vector<std::vector<std::string>> out;
    for (const std::string org : {"bank-a", "bank-b", "bank"}) {
      out.push_back(visit_ids(*chain_, keys::reports_by_org_prefix(org)));
      out.push_back(visit_ids(*chain_, keys::reports_by_org_template_prefix(org, kCapital, "")));
    }
    out.push_back(visit_ids(*chain_, keys::reports_by_template_prefix(kCapital, "2026-Q3")));
    return out;
  };
  const auto before = listing();
  ASSERT_TRUE(report_indexes_current(chain_->store()).value());
  // The layout before report_index.hpp: no rpt_otp entries, values the bare report id, no marker.
  {
    auto& store = chain_->store();
    auto entries = store.scan_prefix(Cf::kIndex, to_bytes("rpt_"), 100000).value();
    ASSERT_EQ(entries.size(), 3 * submitted_.size());
    WriteBatch old_layout;
    for (const auto& [key, value] : entries) {
      if (std::string(key.begin(), key.begin() + 8) == "rpt_otp/") {
        old_layout.del(Cf::kIndex, key);
      } else {
        old_layout.put(Cf::kIndex, key, ByteView(value.data(), 64));
      }
    }
    old_layout.del(Cf::kMeta, to_bytes("report_index_layout"));
    ASSERT_TRUE(store.write(old_layout).ok());
    ASSERT_FALSE(report_indexes_current(store).value());
    // Read as they are, the old values are damage, not ids.
    auto st = chain_->visit_reports(keys::reports_by_org_prefix("bank-a"), {},
                                    [](ByteView, const pb::ReportRecord&) { return true; });
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, "storage_corrupt");
  }
  chain_.reset();
  chain_ = open_chain(dir_, genesis_);
  EXPECT_TRUE(report_indexes_current(chain_->store()).value());
  EXPECT_EQ(listing(), before);
  expect_entries_match_records(*chain_, submitted_.size());
}

TEST_F(ReportsQuery, ARebuildRefusesADamagedRecordWithAnError) {
  auto& store = chain_->store();
  auto rec = chain_->report(submitted_[0].id).value().value();
  rec.set_status("LOST");
  WriteBatch damage;
  damage.put(Cf::kState, keys::report(rec.report_id()), to_bytes(rec.SerializeAsString()));
  damage.del(Cf::kMeta, to_bytes("report_index_layout"));
  ASSERT_TRUE(store.write(damage).ok());
  auto st = rebuild_report_indexes(store);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "storage_corrupt");
  EXPECT_NE(st.error().message.find("'LOST'"), std::string::npos) << st.error().message;
  EXPECT_FALSE(report_indexes_current(store).value());
}

TEST(ReportIndexValue, RoundTripsAndRefusesWhatItDidNotWrite) {
  pb::ReportRecord r;
  r.set_report_id(std::string(64, 'a'));
  r.set_org_id("bank-a");
  r.set_template_id("t");
  r.set_period("p");
  r.set_height(7);
  for (const char* status : {"SUBMITTED", "ACCEPTED", "REJECTED"}) {
    for (bool late : {false, true}) {
      for (bool superseded : {false, true}) {
        r.set_status(status);
        r.set_late(late);
        r.set_superseded_by(superseded ? std::string(64, 'b') : "");
        std::vector<IndexWrite> writes;
        append_report_index_writes(r, writes);
        ASSERT_EQ(writes.size(), 3u);
        for (const auto& w : writes) {
          auto e = decode_report_index_value(w.value);
          ASSERT_TRUE(e.ok()) << e.error().to_string();
          EXPECT_EQ(e->report_id, r.report_id());
          EXPECT_EQ(e->status, status);
          EXPECT_EQ(e->late, late);
          EXPECT_EQ(e->superseded, superseded);
        }
        EXPECT_EQ(writes[0].key, keys::reports_by_org("bank-a", 7, r.report_id()));
        EXPECT_EQ(writes[1].key, keys::reports_by_template("t", "p", 7, r.report_id()));
        EXPECT_EQ(writes[2].key,
                  keys::reports_by_org_template("bank-a", "t", "p", 7, r.report_id()));
      }
    }
  }
  std::vector<IndexWrite> writes;
  r.set_status("SUBMITTED");
  append_report_index_writes(r, writes);
  const Bytes good = writes[0].value;
  auto refused = [](Bytes v) {
    auto e = decode_report_index_value(v);
    return !e.ok() && e.error().code == "storage_corrupt";
  };
  EXPECT_TRUE(refused(Bytes(good.begin(), good.begin() + 64)));  // the old layout: id only
  EXPECT_TRUE(refused({}));
  Bytes longer = good;
  longer.push_back(0);
  EXPECT_TRUE(refused(longer));
  Bytes bad_id = good;
  bad_id[0] = 'A';  // ids are lower-case hex
  EXPECT_TRUE(refused(bad_id));
  Bytes bad_status = good;
  bad_status[64] = 'X';
  EXPECT_TRUE(refused(bad_status));
  Bytes bad_flags = good;
  bad_flags[65] = 4;
  EXPECT_TRUE(refused(bad_flags));
}

}  // namespace
}  // namespace rl::ledger::testing
