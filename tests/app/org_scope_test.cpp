// Organization-scoped reads (issue #12) through the real HTTPS API: three institutions, a
// regulator and an audit firm, readers at several levels. Each reader sees exactly the reports
// its organization may see (its own, a supervisor's everything, or what governance granted),
// within its output permission and clearance, through every route and every list filter, page by
// page; and what it may not read answers byte for byte like an id that does not exist.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "common/civil_time.hpp"
#include "crypto/symmetric.hpp"
#include "ledger/report_chunks.hpp"
#include "ledger/report_template.hpp"
#include "tests/app/node_fixture.hpp"

namespace rl::testing {
namespace {

using nlohmann::json;
using Ids = std::set<std::string>;

struct Report {
  std::string id;
  std::string org;
  std::string template_id;
  std::string period;
  std::uint64_t height = 0;
  std::int64_t time_ms = 0;  // block time
  std::string status = "SUBMITTED";
  bool late = false;
  std::string first_version;  // "" = itself
  bool superseded = false;
};

struct Reader {
  std::string name;
  std::string token;
};

struct Answer {
  int status = 0;
  std::string body;
  bool operator==(const Answer&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Answer& a) {
  return os << a.status << " " << a.body;
}

class OrgScopeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    register_template("liquidity");
    auto a_high = node_.enroll_reporter("bank-a", "a-high", "0105");
    auto a_low = node_.enroll_reporter("bank-a", "a-low", "0102");
    auto a_input = node_.enroll_reporter("bank-a", "a-input", "0005");
    auto b_rep = node_.enroll_reporter("bank-b", "b-rep", "0105");
    auto c_rep = node_.enroll_reporter("bank-c", "c-rep", "0109");
    auto reg_high = node_.enroll_reporter("regulator", "reg-high", "1199", "regulator");
    auto reg_low = node_.enroll_reporter("regulator", "reg-low", "1105", "regulator");
    auto auditor = node_.enroll_reporter("audit-firm", "auditor", "1199", "auditor");

    // Data levels: a submission is labelled with its submitter's level (the genesis mapping is
    // the identity), never below the template's floor of 2.
    a1_ = submit(a_high, "capital-adequacy", "2026-Q1");          // level 5
    a2_ = submit(a_low, "capital-adequacy", "2026-Q2");           // level 2
    b1_ = submit(b_rep, "capital-adequacy", "2026-Q1");           // level 5
    b2_ = submit(b_rep, "liquidity", "2026-Q1");                  // level 5
    c1_ = submit(c_rep, "capital-adequacy", "2026-Q1");           // level 9
    input_own_ = submit(a_input, "capital-adequacy", "2026-Q3");  // level 5, input-only signer

    // The lifecycle the filters select on: a daily template whose periods are due at the end of
    // their day (yesterday's is late, tomorrow's on time, both within the year of grace), two
    // reviews and a correction.
    register_template("daily", true);
    const auto today = node_.chain->head().time_ms / 86'400'000;
    late_ = submit(a_high, "daily", day(today - 1));    // level 5, late
    on_time_ = submit(b_rep, "daily", day(today + 1));  // level 5, on time
    late_.late = true;
    auto reg_admin = node_.enroll_reporter("regulator", "reg-reviewer", "1199", "regulator");
    review(reg_admin, a1_, "ACCEPTED", {});
    review(reg_admin, b1_, "REJECTED", {"cet1_ratio is missing"});
    a2v2_ = submit(a_low, "capital-adequacy", "2026-Q2", a2_.id);  // level 2
    a2_.superseded = true;
    a2v2_.first_version = a2_.id;

    for (auto* id : {&a_high, &a_low, &a_input, &b_rep, &c_rep, &reg_high, &reg_low, &auditor}) {
      readers_[id->account] = {id->account, node_.login(*id)};
    }
  }

  static std::string day(std::int64_t days) {
    const auto c = civil_from_days(days);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", c.year, c.month, c.day);
    return buf;
  }

  void review(const client::Identity& who, Report& r, const std::string& decision,
              const std::vector<std::string>& reasons) {
    ASSERT_EQ(node_.submit_as(who,
                              [&](ledger::pb::TxBody& b) {
                                auto* v = b.mutable_review_report();
                                v->set_report_id(r.id);
                                v->set_decision(decision);
                                for (const auto& why : reasons) v->add_reasons(why);
                              }),
              "");
    r.status = decision;
  }

  void register_template(const std::string& id, bool daily_calendar = false) {
    node_.commit_as_admin([&](ledger::pb::TxBody& b) {
      auto* p = b.mutable_propose();
      p->set_proposal_id("template-" + id);
      p->set_expires_at_height(node_.chain->head().height + 100);
      auto* d = p->mutable_register_report_template()->mutable_definition();
      d->set_template_id(id);
      d->set_name(id);
      d->set_data_level_floor(2);
      d->add_required_fields("institution");
      d->set_max_payload_bytes(4096);
      if (daily_calendar) {
        d->mutable_calendar()->set_frequency("daily");
        d->mutable_calendar()->set_grace_days(366);
      }
    });
  }

  Report submit(const client::Identity& who, const std::string& tmpl, const std::string& period,
                const std::string& corrects = "") {
    auto tx = corrects.empty() ? node_.sign_report(who, tmpl, period)
                               : node_.sign(who, [&](ledger::pb::TxBody& b) {
                                   node_.fill_report(who, tmpl, period)(b);
                                   b.mutable_submit_report()->set_corrects(corrects);
                                 });
    auto c = node_.client();
    auto r = node_.post_tx_bytes(c, tx);
    EXPECT_EQ(r->status, 202) << r->body;
    node_.seal();
    Report out;
    out.id = json::parse(r->body)["tx_id"];
    out.org = who.org;
    out.template_id = tmpl;
    out.period = period;
    out.height = node_.chain->head().height;
    out.time_ms = node_.chain->head().time_ms;
    return out;
  }

  Answer get(const std::string& reader, const std::string& target) {
    auto r = node_.get(readers_.at(reader).token, target);
    EXPECT_TRUE(r.ok()) << target;
    return {r->status, r->body};
  }

  // Follows `next` with `limit` per page; returns the ids in the order served.
  std::vector<std::string> list_pages(const std::string& reader, const std::string& filter,
                                      std::size_t limit) {
    std::vector<std::string> ids;
    std::string after;
    for (int page = 0; page < 100; ++page) {
      std::string target = "/v1/reports?limit=" + std::to_string(limit) + filter;
      if (!after.empty()) target += "&after=" + after;
      auto a = get(reader, target);
      EXPECT_EQ(a.status, 200) << reader << " " << target << " " << a.body;
      if (a.status != 200) return ids;
      auto j = json::parse(a.body);
      EXPECT_EQ(j["count"].get<std::size_t>(), j["reports"].size()) << target;
      EXPECT_LE(j["reports"].size(), limit) << target;
      for (const auto& row : j["reports"]) ids.push_back(row["report_id"]);
      if (!j.contains("next")) return ids;
      EXPECT_EQ(j["reports"].size(), limit) << "a page with a cursor is full: " << target;
      after = j["next"];
    }
    ADD_FAILURE() << "pagination did not end";
    return ids;
  }

  std::vector<Report> all() const {
    return {a1_, a2_, b1_, b2_, c1_, input_own_, late_, on_time_, a2v2_};
  }

  // What each reader may read, written out by hand from the rules (docs/identity.md).
  std::map<std::string, Ids> expected_visibility() const {
    return {
        {"a-high", {a1_.id, a2_.id, input_own_.id, late_.id, a2v2_.id}},  // bank-a, level 5
        {"a-low", {a2_.id, a2v2_.id}},  // bank-a, level 2: not a1, input_own, late (level 5)
        {"b-rep", {b1_.id, b2_.id, on_time_.id}},
        {"c-rep", {c1_.id}},
        {"reg-high",
         {a1_.id, a2_.id, b1_.id, b2_.id, c1_.id, input_own_.id, late_.id, on_time_.id, a2v2_.id}},
        {"reg-low",  // not c1 (level 9)
         {a1_.id, a2_.id, b1_.id, b2_.id, input_own_.id, late_.id, on_time_.id, a2v2_.id}},
        {"auditor",
         {a1_.id, a2_.id, b1_.id, b2_.id, c1_.id, input_own_.id, late_.id, on_time_.id, a2v2_.id}},
    };
  }

  static std::string unknown_id() { return to_hex(crypto::random_bytes(32)); }

  NodeFixture node_;
  Report a1_, a2_, b1_, b2_, c1_, input_own_, late_, on_time_, a2v2_;
  std::map<std::string, Reader> readers_;
};

// Each list filter (and none), for each reader: exactly its visible reports that match, the same
// through pages of 1, 2 and 1000, with counts that count only what is returned.
TEST_F(OrgScopeTest, EachListFilterShowsEachReaderExactlyWhatItMayRead) {
  struct Filter {
    std::string query;
    std::function<bool(const Report&)> match;
  };
  const std::vector<Filter> filters = {
      {"", [](const Report&) { return true; }},
      {"&org=bank-a", [](const Report& r) { return r.org == "bank-a"; }},
      {"&org=bank-b", [](const Report& r) { return r.org == "bank-b"; }},
      {"&org=bank-c", [](const Report& r) { return r.org == "bank-c"; }},
      {"&org=no-such-org", [](const Report&) { return false; }},
      {"&template=capital-adequacy",
       [](const Report& r) { return r.template_id == "capital-adequacy"; }},
      {"&template=liquidity", [](const Report& r) { return r.template_id == "liquidity"; }},
      {"&template=capital-adequacy&period=2026-Q1",
       [](const Report& r) {
         return r.template_id == "capital-adequacy" && r.period == "2026-Q1";
       }},
      {"&period=2026-Q2", [](const Report& r) { return r.period == "2026-Q2"; }},
      {"&org=bank-b&template=liquidity",
       [](const Report& r) { return r.org == "bank-b" && r.template_id == "liquidity"; }},
      {"&org=bank-a&period=2026-Q1",
       [](const Report& r) { return r.org == "bank-a" && r.period == "2026-Q1"; }},
      // An organization's range per template (and period): report_index.hpp's rpt_otp.
      {"&org=bank-a&template=capital-adequacy",
       [](const Report& r) { return r.org == "bank-a" && r.template_id == "capital-adequacy"; }},
      {"&org=bank-a&template=capital-adequacy&period=2026-Q2",
       [](const Report& r) {
         return r.org == "bank-a" && r.template_id == "capital-adequacy" && r.period == "2026-Q2";
       }},
      {"&org=bank-b&template=capital-adequacy&period=2026-Q1&status=REJECTED",
       [](const Report& r) {
         return r.org == "bank-b" && r.template_id == "capital-adequacy" && r.period == "2026-Q1" &&
                r.status == "REJECTED";
       }},
      {"&period=2026-Q1&status=ACCEPTED",
       [](const Report& r) { return r.period == "2026-Q1" && r.status == "ACCEPTED"; }},
      {"&template=capital-adequacy&period=2026-Q2&latest=true",
       [](const Report& r) {
         return r.template_id == "capital-adequacy" && r.period == "2026-Q2" && !r.superseded;
       }},
      {"&org=bank-a&late=true", [](const Report& r) { return r.org == "bank-a" && r.late; }},
      {"&template=daily&status=SUBMITTED&late=false",
       [](const Report& r) {
         return r.template_id == "daily" && r.status == "SUBMITTED" && !r.late;
       }},
      {"&status=SUBMITTED", [](const Report& r) { return r.status == "SUBMITTED"; }},
      {"&status=ACCEPTED", [](const Report& r) { return r.status == "ACCEPTED"; }},
      {"&status=REJECTED", [](const Report& r) { return r.status == "REJECTED"; }},
      {"&org=bank-b&status=REJECTED",
       [](const Report& r) { return r.org == "bank-b" && r.status == "REJECTED"; }},
      {"&late=true", [](const Report& r) { return r.late; }},
      {"&late=false", [](const Report& r) { return !r.late; }},
      {"&template=daily&late=false",
       [](const Report& r) { return r.template_id == "daily" && !r.late; }},
      {"&latest=true", [](const Report& r) { return !r.superseded; }},
      {"&chain=" + a2_.id,
       [this](const Report& r) { return r.id == a2_.id || r.first_version == a2_.id; }},
      {"&org=bank-a&chain=" + a2_.id + "&latest=true",
       [this](const Report& r) { return r.first_version == a2_.id; }},
      // A chain filter follows the chain instead of scanning: the same rows and cursors as the
      // scan in either index (template queries of supervisors scan the template index), none
      // for an id that names no chain (a later version, an unknown or malformed id), and one
      // chain of another organization is invisible to a bank like the rest of its reports.
      {"&template=capital-adequacy&chain=" + a2_.id,
       [this](const Report& r) { return r.id == a2_.id || r.first_version == a2_.id; }},
      {"&template=capital-adequacy&period=2026-Q2&chain=" + a2_.id,
       [this](const Report& r) { return r.id == a2_.id || r.first_version == a2_.id; }},
      {"&template=liquidity&chain=" + a2_.id, [](const Report&) { return false; }},
      {"&org=bank-b&chain=" + a2_.id, [](const Report&) { return false; }},
      {"&chain=" + a2_.id + "&status=SUBMITTED",
       [this](const Report& r) {
         return (r.id == a2_.id || r.first_version == a2_.id) && r.status == "SUBMITTED";
       }},
      {"&chain=" + a2v2_.id, [](const Report&) { return false; }},
      {"&chain=" + b1_.id, [this](const Report& r) { return r.id == b1_.id; }},
      {"&chain=" + unknown_id(), [](const Report&) { return false; }},
      {"&chain=not-a-report-id", [](const Report&) { return false; }},
      {"&from_ms=" + std::to_string(late_.time_ms),
       [this](const Report& r) { return r.time_ms >= late_.time_ms; }},
      {"&to_ms=" + std::to_string(b2_.time_ms),
       [this](const Report& r) { return r.time_ms <= b2_.time_ms; }},
      {"&from_ms=" + std::to_string(b1_.time_ms) + "&to_ms=" + std::to_string(late_.time_ms),
       [this](const Report& r) { return r.time_ms >= b1_.time_ms && r.time_ms <= late_.time_ms; }},
      // Time filters seek into and stop early in each range in height order (an organization's,
      // a template's for one period); a template's range over every period is scanned whole.
      {"&org=bank-a&from_ms=" + std::to_string(a2_.time_ms) +
           "&to_ms=" + std::to_string(late_.time_ms),
       [this](const Report& r) {
         return r.org == "bank-a" && r.time_ms >= a2_.time_ms && r.time_ms <= late_.time_ms;
       }},
      {"&template=capital-adequacy&period=2026-Q1&from_ms=" + std::to_string(b1_.time_ms),
       [this](const Report& r) {
         return r.template_id == "capital-adequacy" && r.period == "2026-Q1" &&
                r.time_ms >= b1_.time_ms;
       }},
      {"&template=capital-adequacy&from_ms=" + std::to_string(b1_.time_ms) +
           "&to_ms=" + std::to_string(input_own_.time_ms),
       [this](const Report& r) {
         return r.template_id == "capital-adequacy" && r.time_ms >= b1_.time_ms &&
                r.time_ms <= input_own_.time_ms;
       }},
      {"&period=2026-Q1&from_ms=" + std::to_string(b1_.time_ms),
       [this](const Report& r) { return r.period == "2026-Q1" && r.time_ms >= b1_.time_ms; }},
      {"&period=2026-Q2&chain=" + a2_.id,
       [this](const Report& r) { return r.id == a2_.id || r.first_version == a2_.id; }},
      {"&from_ms=" + std::to_string(a2v2_.time_ms + 1), [](const Report&) { return false; }},
      {"&to_ms=" + std::to_string(a1_.time_ms - 1), [](const Report&) { return false; }},
      {"&from_ms=" + std::to_string(late_.time_ms) + "&to_ms=" + std::to_string(b1_.time_ms),
       [](const Report&) { return false; }},
  };
  for (const auto& [reader, visible] : expected_visibility()) {
    for (const auto& f : filters) {
      Ids want;
      for (const auto& r : all()) {
        if (visible.contains(r.id) && f.match(r)) want.insert(r.id);
      }
      auto one_page = list_pages(reader, f.query, 1000);
      EXPECT_EQ(Ids(one_page.begin(), one_page.end()), want) << reader << " " << f.query;
      EXPECT_EQ(one_page.size(), want.size()) << "no duplicates: " << reader << " " << f.query;
      EXPECT_EQ(list_pages(reader, f.query, 1), one_page) << reader << " " << f.query;
      EXPECT_EQ(list_pages(reader, f.query, 2), one_page) << reader << " " << f.query;
    }
  }
}

TEST_F(OrgScopeTest, ABankSeesNoneOfAnotherBanksReportsThroughListFilters) {
  // The reproduction, stated directly: bank-a asks for bank-b's reports every way.
  for (const auto& q : {"/v1/reports?org=bank-b", "/v1/reports?template=capital-adequacy",
                        "/v1/reports?template=capital-adequacy&period=2026-Q1", "/v1/reports"}) {
    auto a = get("a-high", q);
    ASSERT_EQ(a.status, 200) << a.body;
    const auto page = json::parse(a.body);
    for (const auto& row : page["reports"]) EXPECT_EQ(row["org"], "bank-a") << q;
  }
  auto b = json::parse(get("a-high", "/v1/reports?org=bank-b").body);
  EXPECT_EQ(b["count"], 0);
  EXPECT_FALSE(b.contains("next"));
}

// The versions route: each version of a correction chain that the reader may read, oldest first;
// a chain the reader may not read at all answers like an unknown id, byte for byte.
TEST_F(OrgScopeTest, TheVersionsRouteServesTheReadableChainOnly) {
  const auto visibility = expected_visibility();
  for (const auto& [reader, visible] : visibility) {
    for (const auto& r : all()) {
      auto a = get(reader, "/v1/reports/" + r.id + "/versions");
      if (!visible.contains(r.id)) {
        auto unknown = get(reader, "/v1/reports/" + unknown_id() + "/versions");
        EXPECT_EQ(a, unknown) << reader << " " << r.id;
        continue;
      }
      ASSERT_EQ(a.status, 200) << reader << " " << a.body;
      std::vector<std::string> want;
      const std::string first = r.first_version.empty() ? r.id : r.first_version;
      for (const auto& v : all()) {
        if ((v.id == first || v.first_version == first) && visible.contains(v.id)) {
          want.push_back(v.id);
        }
      }
      std::vector<std::string> got;
      const auto body = json::parse(a.body);
      for (const auto& v : body["versions"]) got.push_back(v["report_id"]);
      EXPECT_EQ(got, want) << reader << " " << r.id;
    }
  }
  auto chain = json::parse(get("a-low", "/v1/reports/" + a2v2_.id + "/versions").body);
  ASSERT_EQ(chain["count"], 2);
  EXPECT_EQ(chain["versions"][0]["version"], 1);
  EXPECT_EQ(chain["versions"][0]["superseded_by"], a2v2_.id);
  EXPECT_EQ(chain["versions"][1]["version"], 2);
  EXPECT_EQ(chain["versions"][1]["corrects"], a2_.id);
  // The bank reads its rejection and the reasons on its own report.
  auto rejected = json::parse(get("b-rep", "/v1/reports/" + b1_.id).body);
  EXPECT_EQ(rejected["status"], "REJECTED");
  ASSERT_EQ(rejected["history"].size(), 2u);
  EXPECT_EQ(rejected["history"][1]["reasons"][0], "cet1_ratio is missing");
}

// Pages follow a cursor while blocks keep committing new reports: every report that existed
// when the listing began is returned exactly once, and nothing is returned twice.
TEST_F(OrgScopeTest, PaginationUnderConcurrentCommitsReturnsEachReportOnce) {
  auto extra = node_.enroll_reporter("bank-a", "a-extra", "0105");
  for (const auto& [reader, visible] : expected_visibility()) {
    std::atomic<bool> stop{false};
    std::atomic<int> committed{0};
    // Bounded, so that the pages can catch up with it on a loaded machine.
    constexpr int kWrites = 20;
    std::thread writer([&] {
      while (!stop && committed < kWrites) {
        auto c = node_.client();
        auto r = node_.post_tx_bytes(c, node_.sign_report(extra, "capital-adequacy", "2027-Q1"));
        if (r.ok() && r->status == 202) {
          node_.seal();
          committed++;
        }
      }
    });
    // The listing starts only once the writer is committing, so pages interleave with blocks.
    while (committed == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    auto ids = list_pages(reader, "&period=2026-Q1", 1);
    auto all_ids = list_pages(reader, "", 2);
    stop = true;
    writer.join();
    EXPECT_GT(committed.load(), 1) << "the writer committed while the pages were read";
    Ids want;
    for (const auto& r : all()) {
      if (visible.contains(r.id) && r.period == "2026-Q1") want.insert(r.id);
    }
    EXPECT_EQ(Ids(ids.begin(), ids.end()), want) << reader;
    EXPECT_EQ(ids.size(), want.size()) << reader;
    const Ids every(all_ids.begin(), all_ids.end());
    EXPECT_EQ(every.size(), all_ids.size()) << "a report was served twice to " << reader;
    for (const auto& r : all()) {
      EXPECT_EQ(every.contains(r.id), visible.contains(r.id)) << reader << " " << r.id;
    }
  }
}

// GET /v1/events: followed from height 0 by `after` = the last event id, each reader's report
// stream names exactly the reports it may read (each submission, and each review with its
// verdict); the block stream names every height once.
TEST_F(OrgScopeTest, EventStreamsShowEachReaderItsOwnReportsAndEveryBlock) {
  struct Event {
    std::uint64_t id = 0;
    std::string type;
    json data;
  };
  auto follow = [&](const std::string& reader, const std::string& stream) {
    std::vector<Event> events;
    std::uint64_t after = 0;
    for (int round = 0; round < 100; ++round) {
      auto a = get(reader, "/v1/events?stream=" + stream + "&after=" + std::to_string(after));
      EXPECT_EQ(a.status, 200) << a.body;
      bool caught_up = false;
      std::istringstream lines(a.body);
      Event e;
      for (std::string line; std::getline(lines, line);) {
        if (line.rfind("id: ", 0) == 0) e.id = std::stoull(line.substr(4));
        if (line.rfind("event: ", 0) == 0) e.type = line.substr(7);
        if (line.rfind("data: ", 0) == 0) e.data = json::parse(line.substr(6));
        if (line.empty() && !e.type.empty()) {
          if (e.type == "caught-up") {
            caught_up = e.data["height"] == e.data["head"];
          } else {
            events.push_back(e);
          }
          after = std::max(after, e.id);
          e = Event{};
        }
      }
      if (caught_up) return events;
    }
    ADD_FAILURE() << "the stream did not catch up";
    return events;
  };
  for (const auto& [reader, visible] : expected_visibility()) {
    std::map<std::string, std::vector<std::string>> statuses;
    for (const auto& e : follow(reader, "reports")) {
      EXPECT_EQ(e.type, "report");
      statuses[e.data["report_id"]].push_back(e.data["status"]);
      EXPECT_EQ(e.data["height"], e.id);
    }
    Ids seen;
    for (const auto& [id, s] : statuses) seen.insert(id);
    EXPECT_EQ(seen, visible) << reader;
    for (const auto& r : all()) {
      if (!visible.contains(r.id)) continue;
      std::vector<std::string> want = {"SUBMITTED"};
      if (r.status != "SUBMITTED") want.push_back(r.status);
      EXPECT_EQ(statuses[r.id], want) << reader << " " << r.id;
    }
  }
  const auto blocks = follow("reg-high", "blocks");
  ASSERT_EQ(blocks.size(), node_.chain->head().height);
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    EXPECT_EQ(blocks[i].id, i + 1);
    EXPECT_EQ(blocks[i].type, "block");
  }
  EXPECT_EQ(get("reg-high", "/v1/events?after=x").status, 400);
  EXPECT_EQ(get("reg-high", "/v1/events?stream=everything").status, 400);
}

TEST_F(OrgScopeTest, BadLifecycleFiltersAreRefused) {
  for (const auto& q :
       {"status=DONE", "late=yes", "latest=1", "from_ms=yesterday", "to_ms=1.5", "chain=a/b"}) {
    auto a = get("reg-high", std::string("/v1/reports?") + q);
    EXPECT_EQ(a.status, 400) << q << " " << a.body;
    EXPECT_EQ(json::parse(a.body)["error"]["code"], "bad_query") << q;
  }
}

// Each route that serves report data: a report, its transaction and its receipt are served to
// exactly the readers that may read them, and the block holding it likewise.
TEST_F(OrgScopeTest, EachRouteServesExactlyTheReadableReports) {
  const auto visibility = expected_visibility();
  for (const auto& [reader, visible] : visibility) {
    for (const auto& r : all()) {
      const bool may = visible.contains(r.id);
      const int want = may ? 200 : 404;
      EXPECT_EQ(get(reader, "/v1/reports/" + r.id).status, want) << reader << " report " << r.id;
      EXPECT_EQ(get(reader, "/v1/txs/" + r.id).status, want) << reader << " tx";
      EXPECT_EQ(get(reader, "/v1/receipts/" + r.id).status, want) << reader << " receipt";
      // Each report is alone in its block.
      EXPECT_EQ(get(reader, "/v1/blocks/" + std::to_string(r.height)).status, want)
          << reader << " block " << r.height;
    }
  }
}

TEST_F(OrgScopeTest, AnotherBanksIdsAnswerExactlyLikeUnknownIds) {
  const std::string unknown = unknown_id();
  const std::string unknown_height = std::to_string(node_.chain->head().height + 1000);
  for (const auto& [reader, other] : std::vector<std::pair<std::string, Report>>{
           {"a-high", b1_}, {"b-rep", a1_}, {"c-rep", b2_}, {"a-low", a1_}}) {
    EXPECT_EQ(get(reader, "/v1/reports/" + other.id), get(reader, "/v1/reports/" + unknown))
        << reader;
    EXPECT_EQ(get(reader, "/v1/txs/" + other.id), get(reader, "/v1/txs/" + unknown)) << reader;
    EXPECT_EQ(get(reader, "/v1/receipts/" + other.id), get(reader, "/v1/receipts/" + unknown))
        << reader;
    EXPECT_EQ(get(reader, "/v1/blocks/" + std::to_string(other.height)),
              get(reader, "/v1/blocks/" + unknown_height))
        << reader;
  }
  EXPECT_EQ(get("a-high", "/v1/reports/" + unknown).status, 404);
  EXPECT_EQ(get("a-high", "/v1/blocks/" + unknown_height).status, 404);
}

TEST_F(OrgScopeTest, AnInputOnlyAccountReadsItsOwnSubmissionsAndLearnsNothingElse) {
  // Its own transaction and receipt, even without output permission.
  EXPECT_EQ(get("a-input", "/v1/txs/" + input_own_.id).status, 200);
  EXPECT_EQ(get("a-input", "/v1/receipts/" + input_own_.id).status, 200);
  // Reports need output permission, asked before the id is looked up: an existing id of its
  // own organization, another's, and an unknown one answer alike.
  const auto unknown = get("a-input", "/v1/reports/" + unknown_id());
  EXPECT_EQ(unknown.status, 403);
  EXPECT_EQ(get("a-input", "/v1/reports/" + a1_.id), unknown);
  EXPECT_EQ(get("a-input", "/v1/reports/" + b1_.id), unknown);
  EXPECT_EQ(get("a-input", "/v1/reports?org=bank-a").status, 403);
  // A colleague's transaction is not its own.
  EXPECT_EQ(get("a-input", "/v1/txs/" + a1_.id), get("a-input", "/v1/txs/" + unknown_id()));
}

TEST_F(OrgScopeTest, ALowerLevelAccountOfTheSameBankSeesLess) {
  const auto ids = [&](const std::string& reader) {
    auto v = list_pages(reader, "&org=bank-a", 1000);
    return Ids(v.begin(), v.end());
  };
  const Ids high = ids("a-high"), low = ids("a-low");
  EXPECT_TRUE(std::includes(high.begin(), high.end(), low.begin(), low.end()));
  EXPECT_LT(low.size(), high.size());
  // The colleague's level-5 submission: neither the report nor its transaction.
  EXPECT_EQ(get("a-low", "/v1/reports/" + a1_.id).status, 404);
  EXPECT_EQ(get("a-low", "/v1/txs/" + a1_.id).status, 404);
  EXPECT_EQ(get("a-high", "/v1/txs/" + a2_.id).status, 200);
}

TEST_F(OrgScopeTest, APendingTransactionIsSeenByItsSignerOnly) {
  auto b = node_.enroll_reporter("bank-b", "b-second", "0105");
  readers_["b-second"] = {"b-second", node_.login(b)};
  auto tx = node_.sign_report(b, "capital-adequacy", "2026-Q4");
  auto c = node_.client();
  auto r = node_.post_tx_bytes(c, tx);
  ASSERT_EQ(r->status, 202) << r->body;
  const std::string id = json::parse(r->body)["tx_id"];
  EXPECT_EQ(json::parse(get("b-second", "/v1/txs/" + id).body)["status"], "pending");
  EXPECT_EQ(get("a-high", "/v1/txs/" + id), get("a-high", "/v1/txs/" + unknown_id()));
  EXPECT_EQ(get("b-rep", "/v1/txs/" + id), get("b-rep", "/v1/txs/" + unknown_id()));
}

TEST_F(OrgScopeTest, TransactionsThatAreNotReportsStayWithTheSignersOrganization) {
  // Blocks 1.. hold the regulator admin's registrations (bank-b's organization among them):
  // a bank reads none of them, a regulator reads them all.
  const std::uint64_t first_report = a1_.height;
  for (std::uint64_t h = 1; h < first_report; ++h) {
    const auto target = "/v1/blocks/" + std::to_string(h);
    EXPECT_EQ(get("a-high", target).status, 404) << h;
    EXPECT_EQ(get("reg-high", target).status, 200) << h;
  }
}

// GET /v1/chunks/{id} (an upload resuming): the reader's own organization's chunks only, and an
// account without output permission only its own uploads; every other answer is the unknown
// id's, byte for byte.
TEST_F(OrgScopeTest, AChunkIsFoundByItsOrganizationAndAnInputOnlyAccountFindsOnlyItsOwn) {
  std::ifstream in(std::string(RL_SOURCE_DIR) + "/genesis/local/templates/east-loans.json");
  std::stringstream text;
  text << in.rdbuf();
  auto def = ledger::parse_template_json(text.str());
  ASSERT_TRUE(def.ok()) << def.error().to_string();
  node_.commit_as_admin([&](ledger::pb::TxBody& b) {
    auto* p = b.mutable_propose();
    p->set_proposal_id("template-loans");
    p->set_expires_at_height(node_.chain->head().height + 100);
    *p->mutable_register_report_template()->mutable_definition() = *def;
  });
  auto uploader = node_.enroll_reporter("bank-a", "a-input-2", "0005");
  readers_["a-input-2"] = {"a-input-2", node_.login(uploader)};
  ledger::pb::StoreReportChunk chunk;
  chunk.set_template_id(def->template_id());
  chunk.set_template_version(1);
  chunk.set_header(
      "loan_id,customer_id,branch_code,product,currency,start_date,maturity_date,balance,"
      "interest_rate,classification,secured,collateral_type,overdue_days\n");
  chunk.set_first_row(1);
  chunk.set_data(chunk.header() +
                 "L0000000002,C0000001001,110001,SME,CNY,2024-02-15,2029-02-15,101234.01,0.045000,"
                 "NORMAL,N,,0\n");
  auto c = node_.client();
  auto r = node_.post_tx_bytes(c, node_.sign(uploader, [&](ledger::pb::TxBody& b) {
    *b.mutable_store_report_chunk() = chunk;
  }));
  ASSERT_EQ(r->status, 202) << r->body;
  node_.seal();
  const std::string id = to_hex(ledger::chunk_id(chunk)), other = unknown_id();
  auto answer = [&](const std::string& reader, const std::string& chunk_id) {
    auto a = get(reader, "/v1/chunks/" + chunk_id);
    // The id asked for is echoed in the message; the rest must not differ.
    for (auto at = a.body.find(chunk_id); at != std::string::npos; at = a.body.find(chunk_id)) {
      a.body.replace(at, chunk_id.size(), "ID");
    }
    return a;
  };
  auto found = answer("a-input-2", id);
  ASSERT_EQ(found.status, 200) << found.body;
  EXPECT_EQ(json::parse(found.body)["rows"], 1) << found.body;
  EXPECT_EQ(answer("a-high", id).status, 200);  // the organization, with output permission
  EXPECT_EQ(answer("a-low", id).status, 200);
  // Another input-only account of the same bank, another bank, a supervisor: not found.
  for (const auto* reader : {"a-input", "b-rep", "c-rep", "reg-high", "auditor"}) {
    auto a = answer(reader, id);
    EXPECT_EQ(a.status, 404) << reader << " " << a.body;
    EXPECT_EQ(a, answer(reader, other)) << reader;
  }
  EXPECT_EQ(get("a-high", "/v1/chunks/not-hex").status, 400);
}

TEST_F(OrgScopeTest, TheAuditLogIsForSupervisorsOnly) {
  EXPECT_EQ(get("a-high", "/v1/audit").status, 403);
  EXPECT_EQ(get("reg-low", "/v1/audit").status, 200);
  EXPECT_EQ(get("auditor", "/v1/audit").status, 200);
}

// GrantRead / RevokeReadGrant by governance: a grant opens the owner's reports (of one template,
// or all), their transactions, receipts and blocks, still within the reader's clearance; a
// revocation closes them again.
TEST_F(OrgScopeTest, GovernanceGrantsOpenAnotherOrganizationsReportsAndRevocationClosesThem) {
  auto grant = [&](const std::string& id, bool give, const std::string& tmpl) {
    node_.commit_as_admin([&](ledger::pb::TxBody& b) {
      auto* p = b.mutable_propose();
      p->set_proposal_id(id);
      p->set_expires_at_height(node_.chain->head().height + 100);
      if (give) {
        auto* g = p->mutable_grant_read();
        g->set_reader_org("bank-a");
        g->set_owner_org("bank-b");
        g->set_template_id(tmpl);
      } else {
        auto* g = p->mutable_revoke_read_grant();
        g->set_reader_org("bank-a");
        g->set_owner_org("bank-b");
        g->set_template_id(tmpl);
      }
    });
  };
  auto listed = [&](const std::string& reader) {
    auto v = list_pages(reader, "&org=bank-b", 1);
    return Ids(v.begin(), v.end());
  };
  EXPECT_EQ(listed("a-high"), Ids{});

  grant("share-liquidity", true, "liquidity");
  EXPECT_EQ(listed("a-high"), Ids{b2_.id});
  EXPECT_EQ(listed("a-low"), Ids{}) << "b2 is level 5, above a-low's clearance";
  EXPECT_EQ(get("a-high", "/v1/reports/" + b2_.id).status, 200);
  EXPECT_EQ(get("a-high", "/v1/txs/" + b2_.id).status, 200);
  EXPECT_EQ(get("a-high", "/v1/receipts/" + b2_.id).status, 200);
  EXPECT_EQ(get("a-high", "/v1/blocks/" + std::to_string(b2_.height)).status, 200);
  EXPECT_EQ(get("a-high", "/v1/reports/" + b1_.id).status, 404) << "another template";
  EXPECT_EQ(get("c-rep", "/v1/reports/" + b2_.id).status, 404) << "bank-c holds no grant";
  auto tpl = list_pages("a-high", "&template=liquidity", 1);
  EXPECT_EQ(Ids(tpl.begin(), tpl.end()), Ids{b2_.id});

  grant("share-all", true, "");
  EXPECT_EQ(listed("a-high"), (Ids{b1_.id, b2_.id, on_time_.id}));
  auto every = list_pages("a-high", "", 1);
  EXPECT_EQ(Ids(every.begin(), every.end()),
            (Ids{a1_.id, a2_.id, input_own_.id, late_.id, a2v2_.id, b1_.id, b2_.id, on_time_.id}));

  grant("unshare-all", false, "");
  grant("unshare-liquidity", false, "liquidity");
  EXPECT_EQ(listed("a-high"), Ids{});
  EXPECT_EQ(get("a-high", "/v1/reports/" + b2_.id), get("a-high", "/v1/reports/" + unknown_id()));
}

// Each GrantRead rule, refused at admission with its own code, changing nothing.
TEST_F(OrgScopeTest, EachReadGrantRuleIsEnforced) {
  struct Case {
    std::string reader, owner, tmpl;
    bool revoke;
    std::string code;
  };
  const std::vector<Case> cases = {
      {"bank-a", "bank-a", "", false, "bad_field"},       // own organization
      {"regulator", "bank-a", "", false, "bad_field"},    // supervisors need no grant
      {"audit-firm", "bank-a", "", false, "bad_field"},   // nor do auditors
      {"no-such-org", "bank-a", "", false, "not_found"},  // unknown reader
      {"bank-a", "no-such-org", "", false, "not_found"},  // unknown owner
      {"bank-a", "bank-b", "no-such-template", false, "not_found"},
      {"bank-a", "bank/b", "", false, "bad_field"},  // not an id
      {"bank-a", "bank-b", "", true, "not_found"},   // nothing to revoke
  };
  int n = 0;
  for (const auto& c : cases) {
    auto tx = node_.sign(*node_.admin, [&](ledger::pb::TxBody& b) {
      auto* p = b.mutable_propose();
      p->set_proposal_id("grant-case-" + std::to_string(n++));
      p->set_expires_at_height(node_.chain->head().height + 100);
      auto* g = c.revoke ? nullptr : p->mutable_grant_read();
      auto* r = c.revoke ? p->mutable_revoke_read_grant() : nullptr;
      if (g) {
        g->set_reader_org(c.reader);
        g->set_owner_org(c.owner);
        g->set_template_id(c.tmpl);
      } else {
        r->set_reader_org(c.reader);
        r->set_owner_org(c.owner);
        r->set_template_id(c.tmpl);
      }
    });
    const auto before = node_.snapshot();
    auto cl = node_.client();
    auto r = node_.post_tx_bytes(cl, tx);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(json::parse(r->body)["error"]["code"], c.code)
        << c.reader << " " << c.owner << " " << c.tmpl << ": " << r->body;
    EXPECT_EQ(node_.snapshot(), before);
  }
  // A grant in force cannot be given twice.
  auto give = [&](const std::string& id) {
    return node_.sign(*node_.admin, [&](ledger::pb::TxBody& b) {
      auto* p = b.mutable_propose();
      p->set_proposal_id(id);
      p->set_expires_at_height(node_.chain->head().height + 100);
      p->mutable_grant_read()->set_reader_org("bank-a");
      p->mutable_grant_read()->set_owner_org("bank-b");
    });
  };
  auto cl = node_.client();
  ASSERT_EQ(node_.post_tx_bytes(cl, give("first"))->status, 202);
  node_.seal();
  auto again = node_.post_tx_bytes(cl, give("second"));
  EXPECT_EQ(json::parse(again->body)["error"]["code"], "already_exists") << again->body;
}

}  // namespace
}  // namespace rl::testing
