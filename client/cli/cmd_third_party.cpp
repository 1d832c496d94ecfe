// regledger third-party reports: what a third party reads with its grant (decision 0060). It
// logs in as --identity like every reader and names the grant in X-RegLedger-Grant; the node
// answers masked payloads only.
#include <iostream>

#include "api/query_string.hpp"
#include "api/routes.hpp"
#include "client/cli/context.hpp"

namespace rl::cli {

using api::Route;
namespace {

struct ThirdPartyOpts {
  std::string grant, id, template_id, org, period, fields, after;
  int limit = 100;
  bool all = false;
};

int third_party_reports(Globals& g, const ThirdPartyOpts& o) {
  auto c = make_client(g);
  if (!c.ok()) return report_error(c.error());
  c->add_header("X-RegLedger-Grant", o.grant);
  if (!o.id.empty()) {
    auto r = c->get_json(api::route_path<Route::kThirdPartyReport>(o.id) +
                         api::QueryString().add_if_set("fields", o.fields).str());
    if (!r.ok()) return report_error(r.error());
    std::cout << r->dump(2) << "\n";
    return 0;
  }
  api::QueryString query;
  query.add("limit", o.limit)
      .add_if_set("template", o.template_id)
      .add_if_set("org", o.org)
      .add_if_set("period", o.period)
      .add_if_set("fields", o.fields);
  return print_report_pages(g, *c, api::route_path<Route::kThirdPartyReports>(), query, o.after,
                            o.all);
}

}  // namespace

void add_third_party_commands(CLI::App& app, Globals& g) {
  auto* tp = app.add_subcommand(
      "third-party",
      "Read masked reports as a third party, within a grant that M of N regulators gave "
      "(docs/protection.md \"Third-party access and call scopes\"). Log in as an account of the "
      "third party (--identity). Every call is recorded in the node's audit log.");
  tp->require_subcommand(1);
  auto o = std::make_shared<ThirdPartyOpts>();
  auto* reports = tp->add_subcommand(
      "reports",
      "List the masked reports inside the grant's scope, or show one (--id). A filter or a field "
      "outside the scope is refused with its own code (out_of_scope_template, _org, _period, "
      "_field); a report outside the scope is report_not_found, like one that does not exist.");
  reports->add_option("--grant", o->grant, "The grant id")->required();
  reports->add_option("--id", o->id, "One report, by id");
  reports->add_option("--template", o->template_id, "Only reports of this template");
  reports->add_option("--org", o->org, "Only this organization's reports");
  reports->add_option("--period", o->period, "Only reports for this period");
  reports->add_option("--fields", o->fields,
                      "Only these masked fields, comma-separated (default: every field the grant "
                      "covers)");
  reports->add_option("--limit", o->limit, "Reports per page")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  reports->add_option("--after", o->after, "Start after this cursor (the `next` of a page)");
  reports->add_flag("--all", o->all, "Follow `next` until every report in scope is listed");
  reports->callback([o, &g] {
    if (!o->id.empty() && (!o->template_id.empty() || !o->org.empty() || !o->period.empty() ||
                           !o->after.empty() || o->all)) {
      g.exit_code = report_error(make_error(
          "bad_argument", "--id shows one report: it takes --fields only, no list filters"));
      return;
    }
    g.exit_code = third_party_reports(g, *o);
  });
}

}  // namespace rl::cli
