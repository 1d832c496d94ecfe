// regledger report review | report extend | report versions (docs/reporting.md "Review",
// "Deadlines", "Corrections"). Corrections themselves are `report submit --corrects ID`.
#include <iostream>
#include <nlohmann/json.hpp>

#include "api/routes.hpp"
#include "client/cli/context.hpp"
#include "common/civil_time.hpp"

namespace rl::cli {

using api::Route;
namespace {

struct ReviewOpts {
  std::string as, report_id;
  bool accept = false, reject = false;
  std::vector<std::string> reasons;
};

int report_review(Globals& g, const ReviewOpts& o) {
  if (o.accept == o.reject) {
    return report_error(make_error("bad_argument", "give exactly one of --accept or --reject"));
  }
  if (o.reject && o.reasons.empty()) {
    return report_error(make_error("bad_argument", "--reject needs at least one --reason"));
  }
  return submit_signed(
      g, o.as,
      [&](ledger::pb::TxBody& b) {
        auto* r = b.mutable_review_report();
        r->set_report_id(o.report_id);
        r->set_decision(o.accept ? "ACCEPTED" : "REJECTED");
        for (const auto& why : o.reasons) r->add_reasons(why);
      },
      "review");
}

struct ExtendOpts {
  std::string as, template_id, period, org, until, reason;
};

int report_extend(Globals& g, const ExtendOpts& o) {
  auto until = parse_utc_ms(o.until);
  if (!until) {
    return report_error(make_error(
        "bad_argument", "--until takes 2026-12-31, 2026-12-31T18:00:00+08:00 or unix ms"));
  }
  return submit_signed(
      g, o.as,
      [&](ledger::pb::TxBody& b) {
        auto* e = b.mutable_grant_filing_extension();
        e->set_template_id(o.template_id);
        e->set_period(o.period);
        e->set_org_id(o.org);
        e->set_until_ms(*until);
        e->set_reason(o.reason);
      },
      "filing extension");
}

int report_versions(Globals& g, const std::string& id) {
  auto c = make_client(g);
  if (!c.ok()) return report_error(c.error());
  auto r = c->get_json(api::route_path<Route::kReportVersions>(id));
  if (!r.ok()) return report_error(r.error());
  if (g.json_output) {
    std::cout << r->dump(2) << "\n";
    return 0;
  }
  for (const auto& v : (*r)["versions"]) {
    std::cout << "v" << v.value("version", 0u) << "  " << v.value("report_id", "") << "  "
              << v.value("status", "") << (v.value("late", false) ? "  LATE" : "") << "  submitted "
              << format_utc_ms(v.value("submitted_at_ms", std::int64_t{0})) << " by "
              << v.value("submitter", "") << "\n";
    for (const auto& h : v["history"]) {
      if (h.value("status", "") == "SUBMITTED") continue;
      std::cout << "      " << h.value("status", "") << " by " << h.value("by", "") << " at "
                << format_utc_ms(h.value("time_ms", std::int64_t{0}));
      for (const auto& why : h["reasons"]) std::cout << "\n        - " << why.get<std::string>();
      std::cout << "\n";
    }
  }
  return 0;
}

}  // namespace

void add_lifecycle_commands(CLI::App& rep, Globals& g) {
  auto ro = std::make_shared<ReviewOpts>();
  auto* review = rep.add_subcommand(
      "review",
      "Accept or reject a submitted report (an account of a regulator, not an auditor, whose "
      "clearance reads it). A verdict is final for that version; the bank answers a rejection "
      "with `report submit --corrects ID`");
  review->add_option("report_id", ro->report_id, "Report id")->required();
  review->add_option("--as", ro->as, "Identity directory of the reviewing account")->required();
  review->add_flag("--accept", ro->accept, "Accept the report");
  review->add_flag("--reject", ro->reject, "Reject the report (give --reason)");
  review->add_option("--reason", ro->reasons, "A reason (repeat for several, at most 16)");
  review->callback([ro, &g] { g.exit_code = report_review(g, *ro); });

  auto eo = std::make_shared<ExtendOpts>();
  auto* extend = rep.add_subcommand(
      "extend",
      "Let an organization file a template's period after it locked, until a time (regulator "
      "admin). Reports filed under an extension after the deadline are still flagged late");
  extend->add_option("--as", eo->as, "Identity directory of a regulator admin")->required();
  extend->add_option("--template", eo->template_id, "Template id")->required();
  extend->add_option("--period", eo->period, "Period, in the template calendar's format")
      ->required();
  extend->add_option("--org", eo->org, "The organization the extension is for")->required();
  extend
      ->add_option("--until", eo->until,
                   "Last instant it may file: 2026-12-31 (midnight UTC), "
                   "2026-12-31T18:00:00+08:00, or unix ms")
      ->required();
  extend->add_option("--reason", eo->reason, "Why (1-256 bytes, recorded on the ledger)")
      ->required();
  extend->callback([eo, &g] { g.exit_code = report_extend(g, *eo); });

  auto id = std::make_shared<std::string>();
  auto* versions = rep.add_subcommand(
      "versions", "A report's correction chain, oldest first, with each version's status history");
  versions->add_option("report_id", *id, "Any version's report id")->required();
  versions->callback([id, &g] { g.exit_code = report_versions(g, *id); });
}

}  // namespace rl::cli
