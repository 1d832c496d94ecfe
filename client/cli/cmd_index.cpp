// regledger index: the PostgreSQL index for auditors (docs/audit-sql.md, decision 0068).
#include <unistd.h>

#include <iostream>

#include "client/cli/context.hpp"
#include "client/lib/pg_index.hpp"

namespace rl::cli {
namespace {

struct IndexFlags {
  std::string postgres;
  std::string as;
  bool follow = false;
  int poll_ms = 1000;
};

// On a terminal the progress line is redrawn in place; in a log (not a terminal) one line per
// hundred blocks keeps it readable.
void show_progress(const client::pg::IndexProgress& p, bool tty) {
  if (tty) {
    std::cerr << "\rindexed block " << p.height << " of " << p.head << " (" << p.txs << " txs, "
              << p.reports << " reports this run)" << std::flush;
  } else if (p.height % 100 == 0) {
    std::cerr << "indexed block " << p.height << " of " << p.head << "\n";
  }
}

int run(Globals& g, const IndexFlags& f) {
  if (g.genesis_file.empty()) {
    return report_error(make_error(
        "bad_genesis", "the index verifies every block against the genesis file: give --genesis"));
  }
  Globals as = g;
  if (!f.as.empty()) as.identity_dir = f.as;
  auto c = make_client(as);
  if (!c.ok()) return report_error(c.error());
  client::pg::IndexOptions o;
  o.postgres_url = f.postgres;
  o.follow = f.follow;
  o.poll = std::chrono::milliseconds(f.poll_ms);
  if (!as.identity_dir.empty()) {
    auto id = load_signer(as.identity_dir);
    if (!id.ok()) return report_error(id.error());
    o.reader = id->account;
    // A wrong password or a suspended account is said now, not as blocks that never come.
    auto t = c->login();
    if (!t.ok()) return report_error(t.error());
  }
  const bool tty = !g.json_output && ::isatty(STDERR_FILENO) == 1;
  auto progress = [&](const client::pg::IndexProgress& p) {
    if (!g.json_output) show_progress(p, tty);
  };
  auto s = client::pg::run_index(*c, o, progress);
  if (tty) std::cerr << "\n";
  if (!s.ok()) return report_error(s.error());
  if (g.json_output) {
    std::cout << nlohmann::json{{"height", s->height},
                                {"block_hash", s->block_hash},
                                {"start_height", s->start_height},
                                {"blocks", s->blocks},
                                {"txs", s->txs},
                                {"reports", s->reports},
                                {"audit_entries", s->audit_entries},
                                {"audit_skipped", s->audit_skipped}}
                     .dump()
              << "\n";
  } else {
    std::cout << "index at block " << s->height << " " << s->block_hash << ": " << s->blocks
              << " block(s), " << s->txs << " transaction(s), " << s->reports << " report(s) and "
              << s->audit_entries << " audit entries written (from block " << s->start_height
              << ")\n";
    if (s->audit_skipped) {
      std::cout << "audit log not indexed: only regulators' and auditors' accounts may read it\n";
    }
  }
  return 0;
}

}  // namespace

void add_index_command(CLI::App& app, Globals& g) {
  auto f = std::make_shared<IndexFlags>();
  auto* cmd = app.add_subcommand(
      "index",
      "Follow the chain into PostgreSQL tables for SQL audits (docs/audit-sql.md): every block "
      "header and commit certificate verified against --genesis (a block that does not verify "
      "is refused and nothing of it written), each block written in one transaction with the "
      "indexer's position (a killed run resumes where it stopped), and only what the --as "
      "account may read");
  cmd->add_option("--postgres", f->postgres,
                  "PostgreSQL connection URL, e.g. postgresql://user@127.0.0.1:5432/audit")
      ->required();
  cmd->add_option("--as", f->as,
                  "Identity directory whose session reads the API (default: the global "
                  "--identity)");
  cmd->add_flag("--follow", f->follow, "Keep following new blocks until stopped");
  cmd->add_option("--poll-ms", f->poll_ms, "With --follow: how often to ask for new blocks")
      ->check(CLI::Range(50, 600000));
  cmd->callback([f, &g] { g.exit_code = run(g, *f); });
}

}  // namespace rl::cli
