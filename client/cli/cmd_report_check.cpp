// regledger report check: a report file checked locally against its template, by the same code
// the validators run, before anything is signed or sent (docs/reporting.md "Checking a file").
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "client/cli/context.hpp"
#include "client/lib/report_check.hpp"

namespace rl::cli {
namespace {

struct CheckOpts {
  std::string file, template_id, template_file, table;
};

// "checked 412.0 MB of 1024.0 MB, 85.3 MB/s, 7 s left" on a terminal; nothing otherwise.
client::CheckProgress terminal_progress(const Globals& g) {
  if (g.json_output || !isatty(STDERR_FILENO)) return {};
  const auto start = std::chrono::steady_clock::now();
  auto last = start;
  return [start, last](std::uint64_t done, std::uint64_t total) mutable {
    const auto now = std::chrono::steady_clock::now();
    if (done < total && now - last < std::chrono::milliseconds(200)) return;
    last = now;
    const double secs = std::chrono::duration<double>(now - start).count();
    const double mb = static_cast<double>(done) / 1e6;
    const double rate = secs > 0 ? mb / secs : 0;
    const double left = rate > 0 ? (static_cast<double>(total - done) / 1e6) / rate : 0;
    std::fprintf(stderr, "\rchecked %.1f MB of %.1f MB, %.1f MB/s, %.0f s left   ", mb,
                 static_cast<double>(total) / 1e6, rate, left);
    if (done >= total) std::fprintf(stderr, "\n");
  };
}

}  // namespace

Result<ledger::pb::TemplateRecord> template_for_check(Globals& g, const std::string& id,
                                                      const std::string& file) {
  if (!file.empty()) return client::template_from_file(file);
  RL_ASSIGN_OR_RETURN(auto c, make_client(g));
  return client::fetch_template(c, id);
}

int print_check_result(const Globals& g, const ledger::CheckResult& r, const std::string& file) {
  if (g.json_output) {
    nlohmann::json errors = nlohmann::json::array();
    for (const auto& e : r.errors) {
      errors.push_back(
          {{"table", e.table}, {"row", e.row}, {"column", e.column}, {"message", e.message}});
    }
    std::cout << nlohmann::json{{"file", file},
                                {"ok", r.ok()},
                                {"rows", r.rows},
                                {"error_count", r.error_count},
                                {"errors", errors}}
                     .dump(2)
              << "\n";
    return r.ok() ? 0 : 1;
  }
  if (r.ok()) {
    std::cout << file << ": OK, " << r.rows << (r.rows == 1 ? " row" : " rows") << ", no errors\n";
    return 0;
  }
  std::cout << ledger::summarize(r, r.errors.size()) << "\n";
  std::cout << file << ": " << r.error_count << " error" << (r.error_count == 1 ? "" : "s")
            << " in " << r.rows << (r.rows == 1 ? " row" : " rows")
            << (r.error_count > r.errors.size()
                    ? " (the first " + std::to_string(r.errors.size()) + " shown)"
                    : "")
            << "\n";
  return 1;
}

int check_before_submit(Globals& g, const ledger::pb::TemplateRecord& t, const std::string& file,
                        const std::string& content_type) {
  auto r = client::check_report_file(t, file, content_type, terminal_progress(g));
  if (!r.ok()) return report_error(r.error());
  if (r->ok()) return 0;
  print_check_result(g, *r, file);
  std::cerr << "not sent: the validators would refuse it (use --no-check to send anyway)\n";
  return 1;
}

void add_check_command(CLI::App& rep, Globals& g) {
  auto o = std::make_shared<CheckOpts>();
  auto* check = rep.add_subcommand(
      "check",
      "Check a report file against its template locally, with the validators' own rules, and "
      "list every error with its table, row and column (exit 1 when there are errors). JSON "
      "files are checked whole; CSV files (.csv) in pieces, any size");
  check->add_option("file", o->file, "The report file (.json or .csv)")
      ->required()
      ->check(CLI::ExistingFile);
  check->add_option("--template", o->template_id, "Template id, read from the node's ledger");
  check->add_option("--template-file", o->template_file, "Or a template JSON file (no node needed)")
      ->check(CLI::ExistingFile);
  check->add_option("--table", o->table, "For a CSV file of a template with several tables");
  check->callback([o, &g] {
    if (o->template_id.empty() == o->template_file.empty()) {
      g.exit_code = report_error(
          make_error("bad_argument", "give one of --template ID or --template-file FILE"));
      return;
    }
    auto t = template_for_check(g, o->template_id, o->template_file);
    if (!t.ok()) {
      g.exit_code = report_error(t.error());
      return;
    }
    auto r = client::check_report_file(*t, o->file, client::content_type_for(o->file, o->table),
                                       terminal_progress(g));
    if (!r.ok()) {
      g.exit_code = report_error(r.error());
      return;
    }
    g.exit_code = print_check_result(g, *r, o->file);
  });
}

}  // namespace rl::cli
