// regledger export | verify-bundle: verifiable export of one organization's reports for one
// period, and its offline verification against the genesis file (docs/export.md).
#include <unistd.h>

#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "client/cli/context.hpp"
#include "client/lib/bundle.hpp"

namespace rl::cli {
namespace {

namespace bundle = client::bundle;

// What a bundle cannot prove, whatever it holds.
const std::vector<std::string> kNotProven = {
    "completeness: a bundle cannot prove that no report was left out (the exporter chose what "
    "to include, and a node answers a listing with what it chooses to show)",
    "each report's organization: the receipt proves the signing account, not which "
    "organization the ledger has that account in",
    "that a certificate was not revoked: revocation is ledger state, not in the genesis file",
};

std::string utc(std::int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

struct ExportOpts {
  std::string org, period, template_id, out;
  bool force = false;
};

int run_export(Globals& g, const ExportOpts& o) {
  if (g.genesis_file.empty()) {
    return report_error(
        make_error("bad_genesis",
                   "export verifies every receipt: give the network's genesis with --genesis "
                   "FILE (or $REGLEDGER_GENESIS)"));
  }
  if (g.identity_dir.empty()) {
    return report_error(
        make_error("no_identity",
                   "export signs its manifest and reads with a session: give --identity DIR "
                   "(or $REGLEDGER_IDENTITY)"));
  }
  auto exporter = load_signer(g.identity_dir);
  if (!exporter.ok()) return report_error(exporter.error());
  auto c = make_client(g);
  if (!c.ok()) return report_error(c.error());

  const bool progress = !g.json_output && ::isatty(STDERR_FILENO) == 1;
  bundle::ExportOptions eo;
  eo.query = {o.org, o.period, o.template_id};
  eo.dir = o.out;
  eo.force = o.force;
  if (progress) {
    eo.progress = [](std::size_t done, std::size_t total) {
      std::cerr << "\rexported " << done << "/" << total << " reports" << std::flush;
      if (done == total) std::cerr << "\n";
    };
  }
  auto r = bundle::export_bundle(*c, *exporter, eo);
  if (!r.ok()) {
    if (progress) std::cerr << "\n";
    return report_error(r.error());
  }
  const auto& m = r->manifest;
  std::size_t sealed = 0;
  for (const auto& it : m.items) sealed += it.sealed ? 1 : 0;
  if (g.json_output) {
    nlohmann::json items = nlohmann::json::array();
    for (std::size_t i = 0; i < m.items.size(); ++i) {
      items.push_back({{"report_id", m.items[i].report_id},
                       {"sealed", m.items[i].sealed},
                       {"height", m.items[i].height},
                       {"verified_by", r->verified_by[i]}});
    }
    nlohmann::json out{{"dir", o.out},
                       {"chain_id", m.chain_id},
                       {"org", m.query.org},
                       {"period", m.query.period},
                       {"template", m.query.template_id},
                       {"exporter", m.exporter},
                       {"exported_at_ms", m.exported_at_ms},
                       {"exported", m.items.size()},
                       {"sealed", sealed},
                       {"manifest_sha256", r->manifest_sha256},
                       {"items", items}};
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::cout << "exported " << m.items.size() << " report(s) of org " << m.query.org
            << " for period " << m.query.period
            << (m.query.template_id.empty() ? "" : ", template " + m.query.template_id) << " to "
            << o.out << "\n"
            << "  chain " << m.chain_id << "; every receipt verified against genesis before it "
            << "was written" << (sealed > 0 ? "; " + std::to_string(sealed) + " sealed" : "")
            << "\n"
            << "  manifest.json sha256 " << r->manifest_sha256 << ", signed by " << m.exporter
            << "\n";
  if (m.items.empty()) {
    std::cout << "  no report of org " << m.query.org << " for " << m.query.period
              << " is readable by " << m.exporter << "\n";
  }
  std::cout << "  check it offline: regledger verify-bundle " << o.out
            << " --genesis genesis.json\n";
  return 0;
}

struct VerifyBundleOpts {
  std::string dir, genesis;
};

int run_verify_bundle(Globals& g, const VerifyBundleOpts& o) {
  auto anchor = offline_trust_anchor(g, o.genesis);
  if (!anchor.ok()) return report_error(anchor.error());
  auto v = bundle::verify_bundle(o.dir, *anchor);
  if (!v.ok()) return report_error(v.error());
  const std::size_t total = v->manifest ? v->manifest->items.size() : 0;
  const std::size_t failed = v->failed_items();

  if (g.json_output) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& it : v->items) {
      nlohmann::json j{{"report_id", it.report_id}, {"ok", it.ok}, {"checks", it.checks}};
      if (!it.ok) j["failure"] = it.failure;
      if (it.ok) {
        j["org"] = {{"proven", it.org_proven}, {"note", it.org_note}};
        j["commit_signatures"] = it.commit_signatures;
      }
      items.push_back(std::move(j));
    }
    nlohmann::json errors = nlohmann::json::array();
    for (const auto& e : v->errors) errors.push_back({{"file", e.file}, {"reason", e.reason}});
    nlohmann::json out{{"ok", v->ok()},
                       {"dir", o.dir},
                       {"genesis_chain_id", anchor->chain_id},
                       {"manifest_checks", v->manifest_checks},
                       {"errors", errors},
                       {"items", items},
                       {"reports", total},
                       {"verified", total - failed},
                       {"failed", failed},
                       {"ignored", v->ignored},
                       {"not_proven", kNotProven}};
    if (v->manifest) {
      const auto& m = *v->manifest;
      out["chain_id"] = m.chain_id;
      out["query"] = {
          {"org", m.query.org}, {"period", m.query.period}, {"template", m.query.template_id}};
      out["exporter"] = m.exporter;
      out["exported_at_ms"] = m.exported_at_ms;
    }
    std::cout << out.dump(2) << "\n";
    return v->ok() ? 0 : 1;
  }

  std::cout << "bundle " << o.dir << " against genesis "
            << (o.genesis.empty() ? g.genesis_file : o.genesis) << " (chain " << anchor->chain_id
            << "), offline\n";
  if (v->manifest) {
    const auto& m = *v->manifest;
    std::cout << "  query: org " << m.query.org << ", period " << m.query.period
              << (m.query.template_id.empty() ? "" : ", template " + m.query.template_id) << "; "
              << total << " report(s); exported " << utc(m.exported_at_ms) << " by " << m.exporter
              << "\n";
  }
  for (const auto& c : v->manifest_checks) std::cout << "ok   manifest.json: " << c << "\n";
  for (const auto& e : v->errors) std::cout << "FAIL " << e.file << ": " << e.reason << "\n";
  for (const auto& it : v->items) {
    if (it.ok) {
      std::cout << "ok   " << it.report_id << "\n";
      for (const auto& c : it.checks) std::cout << "       " << c << "\n";
      std::cout << "       not proven: " << it.org_note << "\n";
    } else {
      std::cout << "FAIL " << it.report_id << ": " << it.failure << "\n";
    }
  }
  for (const auto& name : v->ignored) {
    std::cout << "note: " << name << " is not part of the bundle and was not checked\n";
  }
  std::cout << "not proven by any bundle:\n";
  for (const auto& n : kNotProven) std::cout << "  - " << n << "\n";
  if (v->ok()) {
    std::cout << "VERIFIED: " << total << " of " << total
              << " report(s) verified against genesis; manifest signed by " << v->manifest->exporter
              << "\n";
    return 0;
  }
  if (!v->manifest) {
    std::cout << "FAILED: manifest.json is unusable, so no report was checked\n";
    return 1;
  }
  std::cout << "FAILED: " << failed << " of " << total << " report(s) failed";
  if (!v->errors.empty()) std::cout << ", " << v->errors.size() << " file error(s)";
  std::cout << "\n";
  return 1;
}

}  // namespace

void add_export_commands(CLI::App& app, Globals& g) {
  auto eo = std::make_shared<ExportOpts>();
  auto* ex = app.add_subcommand(
      "export",
      "Export every report of one organization for one period that --identity may read, each "
      "with its receipt verified against --genesis, into a bundle directory that "
      "`verify-bundle` checks offline (docs/export.md)");
  ex->add_option("--org", eo->org, "Organization whose reports are exported")->required();
  ex->add_option("--period", eo->period, "Reporting period, e.g. 2026-Q3")->required();
  ex->add_option("--template", eo->template_id, "Only reports of this template");
  ex->add_option("--out", eo->out, "Bundle directory (must be empty or absent)")->required();
  ex->add_flag("--force", eo->force,
               "Export into a non-empty directory, replacing the bundle files of an earlier "
               "export there (manifest.json, reports/, receipts/)");
  ex->add_flag("--json", g.json_output, "Print a machine-readable summary and nothing else");
  ex->callback([eo, &g] { g.exit_code = run_export(g, *eo); });

  auto vo = std::make_shared<VerifyBundleOpts>();
  auto* vb = app.add_subcommand(
      "verify-bundle",
      "Verify an export bundle offline against the genesis file: manifest, every receipt, "
      "every payload byte for byte; exit 1 naming each failing item");
  vb->add_option("dir", vo->dir, "Bundle directory")->required();
  vb->add_option("--genesis", vo->genesis,
                 "genesis.json of the network (default: the global --genesis / "
                 "$REGLEDGER_GENESIS)")
      ->check(CLI::ExistingFile);
  vb->add_flag("--json", g.json_output, "Machine-readable result");
  vb->callback([vo, &g] { g.exit_code = run_verify_bundle(g, *vo); });
}

}  // namespace rl::cli
