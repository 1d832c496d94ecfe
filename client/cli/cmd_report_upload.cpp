// regledger report upload | report download: CSV datasets larger than one transaction, in
// chunks (docs/reporting.md "Large files"). Run an interrupted upload again with the same
// arguments: chunks already committed are skipped.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "client/cli/context.hpp"
#include "client/lib/chunked_upload.hpp"
#include "client/lib/report_check.hpp"

namespace rl::cli {
namespace {

struct UploadOpts {
  std::string as, template_id, period, batch, file, table, corrects;
  std::size_t chunk_kib = ledger::limits::kMaxChunkBytes / 1024;
  std::size_t window = 16;
  bool no_check = false;
  bool progress = false;
};

struct DownloadOpts {
  std::string report_id, out;
};

// "uploaded 412.0 of 1024.0 MB (1650/4096 chunks, 12 skipped), 9.8 MB/s, 62 s left": redrawn
// on a terminal; with `lines` (--progress) one line per 5% wherever stderr goes (a log, a
// script watching it); nothing with --json.
client::UploadProgressFn progress_printer(const Globals& g, const char* verb, bool lines) {
  const bool tty = isatty(STDERR_FILENO) != 0;
  if (g.json_output || (!tty && !lines)) return {};
  const auto start = std::chrono::steady_clock::now();
  auto last = start - std::chrono::seconds(1);
  int last_step = -1;
  return [start, last, last_step, verb, tty, lines](const client::UploadProgress& p) mutable {
    const auto now = std::chrono::steady_clock::now();
    const bool finished = p.chunks_done == p.chunks_total;
    const int step = p.bytes_total ? static_cast<int>(20 * p.bytes_done / p.bytes_total) : 20;
    if (lines && !tty) {
      if (step == last_step) return;
      last_step = step;
    } else if (!finished && now - last < std::chrono::milliseconds(250)) {
      return;
    }
    last = now;
    const double secs = std::chrono::duration<double>(now - start).count();
    // The rate of this run's own work: chunks skipped on a resume cost nothing.
    const double moved = static_cast<double>(p.bytes_sent ? p.bytes_sent : p.bytes_done) / 1e6;
    const double rate = secs > 0 ? moved / secs : 0;
    const double left_mb = static_cast<double>(p.bytes_total - p.bytes_done) / 1e6;
    std::fprintf(stderr, "%s%s %.1f of %.1f MB (%zu/%zu chunks, %zu skipped), %.1f MB/s, ",
                 tty ? "\r" : "", verb, static_cast<double>(p.bytes_done) / 1e6,
                 static_cast<double>(p.bytes_total) / 1e6, p.chunks_done, p.chunks_total,
                 p.chunks_skipped, rate);
    if (rate > 0) {
      std::fprintf(stderr, "%.0f s left   ", left_mb / rate);
    } else {
      std::fprintf(stderr, "--        ");
    }
    if (finished || !tty) std::fprintf(stderr, "\n");
  };
}

int report_upload(Globals& g, const UploadOpts& o) {
  auto signer = load_signer(o.as);
  if (!signer.ok()) return report_error(signer.error());
  auto c = make_client(g, o.as);
  if (!c.ok()) return report_error(c.error());
  auto pos = chain_position(*c);
  if (!pos.ok()) return report_error(pos.error());
  auto t = client::fetch_template(*c, o.template_id);
  if (!t.ok()) return report_error(t.error());
  const std::string content_type = client::content_type_for(o.file, o.table);
  if (content_type.rfind("text/csv", 0) != 0) {
    return report_error(make_error("bad_argument", "upload takes a CSV file (.csv)"));
  }
  if (!o.no_check) {
    if (int rc = check_before_submit(g, *t, o.file, content_type); rc != 0) return rc;
  }
  auto plan = client::plan_chunks(o.file, o.chunk_kib * 1024);
  if (!plan.ok()) return report_error(plan.error());
  if (!g.json_output) {
    std::cerr << o.file << ": " << plan->size << " bytes, " << plan->rows << " rows, "
              << plan->chunks.size() << " chunks\n";
  }
  client::UploadOptions uo;
  uo.template_id = o.template_id;
  uo.template_version = t->version();
  uo.period = o.period;
  uo.batch = o.batch;
  uo.table = o.table;
  uo.corrects = o.corrects;
  uo.window = o.window;
  auto r = client::upload_chunked(*c, *signer, pos->first, o.file, *plan, uo,
                                  progress_printer(g, "uploaded", o.progress));
  if (!r.ok()) {
    report_error(r.error());
    std::cerr << "run the same command again to resume: committed chunks are skipped\n";
    return 1;
  }
  const double sent_mb = static_cast<double>(r->progress.bytes_sent) / 1e6;
  const double rate = r->seconds > 0 ? sent_mb / r->seconds : 0;
  nlohmann::json out = {{"report_id", r->report_id},
                        {"status", "committed"},
                        {"size", plan->size},
                        {"rows", plan->rows},
                        {"chunks", plan->chunks.size()},
                        {"chunks_skipped", r->progress.chunks_skipped},
                        {"sha256", r->file_sha256},
                        {"upload_seconds", r->seconds},
                        {"upload_mb_per_s", rate}};
  std::cout << out.dump(2) << "\n";
  return 0;
}

int report_download(Globals& g, const DownloadOpts& o) {
  auto c = make_client(g);
  if (!c.ok()) return report_error(c.error());
  const auto start = std::chrono::steady_clock::now();
  auto r =
      client::download_chunked(*c, o.report_id, o.out, progress_printer(g, "downloaded", false));
  if (!r.ok()) return report_error(r.error());
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << nlohmann::json{{"report_id", o.report_id}, {"file", o.out},
                              {"size", r->size},          {"chunks", r->chunks},
                              {"sha256", r->file_sha256}, {"seconds", secs}}
                   .dump(2)
            << "\n";
  return 0;
}

}  // namespace

void add_upload_commands(CLI::App& rep, Globals& g) {
  auto uo = std::make_shared<UploadOpts>();
  auto* upload = rep.add_subcommand(
      "upload",
      "Upload a CSV dataset of any size (up to 2 GiB) as a report: checked locally, cut at "
      "record ends into chunks that each commit on their own, then the report that lists them. "
      "Interrupted? Run the same command again: committed chunks are skipped");
  upload->add_option("--as", uo->as, "Identity directory of the reporting account")->required();
  upload->add_option("--template", uo->template_id, "Report template id (a table template)")
      ->required();
  upload->add_option("--period", uo->period, "Reporting period, e.g. 2026-11")->required();
  upload->add_option("--file", uo->file, "The CSV file")->required()->check(CLI::ExistingFile);
  upload->add_option("--table", uo->table, "For a template with several tables");
  upload->add_option("--batch", uo->batch, "Batch label (optional)");
  upload->add_option("--corrects", uo->corrects, "This upload corrects report ID");
  upload->add_flag("--no-check", uo->no_check, "Skip the local check (the validators still check)");
  upload
      ->add_option("--chunk-kib", uo->chunk_kib,
                   "Chunk size in KiB (default 256, the most a chunk may be)")
      ->check(CLI::Range(1, 256));
  upload->add_flag("--progress", uo->progress,
                   "Progress lines (one per 5%) even when stderr is not a terminal");
  upload->add_option("--window", uo->window, "Chunks in flight before waiting for commits")
      ->check(CLI::Range(1, 256));
  upload->callback([uo, &g] { g.exit_code = report_upload(g, *uo); });

  auto dl = std::make_shared<DownloadOpts>();
  auto* download = rep.add_subcommand(
      "download",
      "Write a chunked report's dataset to a file, each chunk checked against the hash the "
      "report lists; prints the file's SHA-256");
  download->add_option("report_id", dl->report_id, "Report id")->required();
  download->add_option("--out", dl->out, "Output file")->required();
  download->callback([dl, &g] { g.exit_code = report_download(g, *dl); });
}

}  // namespace rl::cli
