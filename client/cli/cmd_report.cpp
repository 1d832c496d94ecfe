// regledger report submit | report list | report get
#include <iostream>
#include <nlohmann/json.hpp>

#include "api/query_string.hpp"
#include "api/routes.hpp"
#include "client/cli/context.hpp"
#include "client/lib/report_check.hpp"
#include "client/lib/tx_builder.hpp"
#include "common/civil_time.hpp"
#include "common/file_io.hpp"
#include "ledger/limits.hpp"

namespace rl::cli {

using api::Route;

int print_report_pages(Globals& g, client::NodeClient& c, const std::string& path,
                       const api::QueryString& query, std::string after, bool all) {
  nlohmann::json rows = nlohmann::json::array();
  std::string next;
  for (;;) {
    auto page = query;
    page.add_if_set("after", after);
    auto r = c.get_json(path + page.str());
    if (!r.ok()) return report_error(r.error());
    for (auto& row : (*r)["reports"]) rows.push_back(std::move(row));
    next = r->value("next", "");
    if (!all || next.empty()) break;
    if (!g.json_output) std::cerr << "... " << rows.size() << " reports so far\n";
    after = next;
  }
  nlohmann::json out = {{"reports", rows}, {"count", rows.size()}};
  if (!next.empty()) out["next"] = next;
  std::cout << out.dump(2) << "\n";
  if (!next.empty() && !g.json_output) {
    std::cerr << "more reports match: run again with --after " << next << " (or use --all)\n";
  }
  return 0;
}

namespace {

struct SubmitOpts {
  std::string as, template_id, period, batch, file, receipt, seal, corrects, table;
  bool wait = false, no_check = false;
};

int report_submit(Globals& g, const SubmitOpts& o) {
  auto signer = load_signer(o.as);
  if (!signer.ok()) return report_error(signer.error());
  auto payload = read_file(o.file, ledger::limits::kMaxReportPayloadBytes);
  if (!payload.ok()) return report_error(payload.error());
  auto c = make_client(g, o.as);
  if (!c.ok()) return report_error(c.error());
  auto pos = chain_position(*c);
  if (!pos.ok()) return report_error(pos.error());
  const std::string content_type = client::content_type_for(o.file, o.table);
  // The validators' own check, here first: a file they would refuse is never signed or sent.
  if (!o.no_check) {
    auto t = client::fetch_template(*c, o.template_id);
    if (!t.ok()) return report_error(t.error());
    if (int rc = check_before_submit(g, *t, o.file, content_type); rc != 0) return rc;
  }
  ledger::pb::SubmitReport report;
  report.set_template_id(o.template_id);
  report.set_period(o.period);
  report.set_batch(o.batch);
  report.set_content_type(content_type);
  report.set_payload(*payload);
  report.set_corrects(o.corrects);
  if (!o.seal.empty()) {
    if (auto st = seal_for_submit(g, *c, *signer, o.seal, report); !st.ok()) {
      return report_error(st.error());
    }
  }
  auto tx = client::build_signed_tx(*signer, pos->first, pos->second, [&](ledger::pb::TxBody& b) {
    *b.mutable_submit_report() = report;
  });
  if (!tx.ok()) return report_error(tx.error());
  return submit_and_report(g, *c, *tx, o.wait, o.receipt, "report");
}

struct ListOpts {
  std::string org, template_id, period, after, status, from, to, chain;
  int limit = 100;
  bool all = false, late = false, on_time = false, latest = false;
};

// One page, or with --all every page. The node answers only with reports this account may
// read: another organization's reports are absent, as if they did not exist.
int report_list(Globals& g, const ListOpts& o) {
  auto c = make_client(g);
  if (!c.ok()) return report_error(c.error());
  api::QueryString query;
  query.add("limit", o.limit)
      .add_if_set("org", o.org)
      .add_if_set("template", o.template_id)
      .add_if_set("period", o.period)
      .add_if_set("status", o.status);
  if (o.late) query.add("late", "true");
  if (o.on_time) query.add("late", "false");
  if (o.latest) query.add("latest", "true");
  query.add_if_set("chain", o.chain);
  for (const auto& [text, name] : {std::pair{&o.from, "from_ms"}, std::pair{&o.to, "to_ms"}}) {
    if (text->empty()) continue;
    auto ms = parse_utc_ms(*text);
    if (!ms) {
      return report_error(make_error(
          "bad_argument", "--from/--to take 2026-12-31, 2026-12-31T18:00:00Z or unix ms"));
    }
    query.add(name, *ms);
  }
  return print_report_pages(g, *c, api::route_path<Route::kReports>(), query, o.after, o.all);
}

}  // namespace

void add_report_commands(CLI::App& app, Globals& g) {
  auto* rep = app.add_subcommand("report", "Submit and query regulatory reports");
  rep->require_subcommand(1);
  auto so = std::make_shared<SubmitOpts>();
  auto* submit = rep->add_subcommand(
      "submit",
      "Submit a signed report: a JSON file, or a CSV file (.csv) for a template with tables. "
      "The file is checked first with the validators' rules (`report check`)");
  submit->add_option("--as", so->as, "Identity directory of the reporting account")->required();
  submit->add_option("--template", so->template_id, "Report template id")->required();
  submit->add_option("--period", so->period, "Reporting period, e.g. 2026-Q3")->required();
  submit->add_option("--batch", so->batch, "Batch label (optional)");
  submit->add_option("--table", so->table, "For a CSV file of a template with several tables");
  submit->add_flag("--no-check", so->no_check,
                   "Send without checking locally first (the validators still check)");
  submit->add_option("--file", so->file, "Report payload (.json, or .csv for table templates)")
      ->required()
      ->check(CLI::ExistingFile);
  submit
      ->add_option("--seal", so->seal,
                   "Seal the report: a policy file {t_policy, s_policy, threshold?, "
                   "key_services?, keywords?} (docs/sealed.md). Only readers satisfying both "
                   "levels can open it (`report open`); validators store ciphertext only")
      ->check(CLI::ExistingFile);
  submit->add_option("--corrects", so->corrects,
                     "This is a correction of report ID (the latest version of one of your "
                     "organization's reports, same template and period); `report versions ID` "
                     "shows the chain");
  submit->add_flag("--wait", so->wait,
                   "Wait until the report is committed (with --genesis: until a receipt that "
                   "verifies proves it)");
  submit->add_option("--receipt", so->receipt,
                     "Save the receipt here (implies --wait; with --genesis only a receipt that "
                     "verifies is saved, and the node that served it is named)");
  submit->callback([so, &g] { g.exit_code = report_submit(g, *so); });

  auto lo = std::make_shared<ListOpts>();
  auto* list = rep->add_subcommand(
      "list",
      "List the reports this account may read, newest height last. Filters combine; with none, "
      "every readable report. An institution's account sees its own organization's reports and "
      "those governance granted it; a regulator's or auditor's sees every organization's; "
      "either only up to its clearance.");
  list->add_option("--org", lo->org, "Only this organization's reports");
  list->add_option("--template", lo->template_id, "Only reports of this template");
  list->add_option("--period", lo->period, "Only reports for this period, e.g. 2026-Q3");
  list->add_option("--status", lo->status, "Only reports in this status")
      ->check(CLI::IsMember({"SUBMITTED", "ACCEPTED", "REJECTED"}));
  auto* late = list->add_flag("--late", lo->late, "Only reports committed after their deadline");
  list->add_flag("--on-time", lo->on_time, "Only reports committed by their deadline")
      ->excludes(late);
  list->add_option("--from", lo->from,
                   "Only reports submitted at or after (block time): 2026-12-31, "
                   "2026-12-31T18:00:00Z or unix ms");
  list->add_option("--to", lo->to, "Only reports submitted at or before (same formats)");
  list->add_option("--chain", lo->chain,
                   "Only the versions of the correction chain whose first version is this id");
  list->add_flag("--latest", lo->latest, "Only versions no correction replaced");
  list->add_option("--limit", lo->limit, "Reports per page")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  list->add_option("--after", lo->after, "Start after this cursor (the `next` of a page)");
  list->add_flag("--all", lo->all, "Follow `next` until every matching report is listed");
  list->callback([lo, &g] { g.exit_code = report_list(g, *lo); });

  add_sealed_commands(*rep, g);
  add_lifecycle_commands(*rep, g);
  add_check_command(*rep, g);
  add_batch_command(*rep, g);
  add_upload_commands(*rep, g);

  auto id = std::make_shared<std::string>();
  auto* get = rep->add_subcommand("get", "Show one report's ledger record");
  get->add_option("report_id", *id, "Report id (the submission's tx id)")->required();
  get->callback([id, &g] {
    auto c = make_client(g);
    if (!c.ok()) {
      g.exit_code = report_error(c.error());
      return;
    }
    auto r = c->get_json(api::route_path<Route::kReport>(*id));
    if (!r.ok()) {
      g.exit_code = report_error(r.error());
      return;
    }
    std::cout << r->dump(2) << "\n";
  });
}

}  // namespace rl::cli
