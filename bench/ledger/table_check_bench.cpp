// What checking a report against its template's tables costs (docs/reporting.md, decision 0064):
//  - admission/execution of an inline EAST-style loan CSV near the 256 KiB limit, through
//    ledger::check_report_content (schema parse + check, what every validator runs per report),
//    and the check alone with the schema parsed once (the share a schema cache would save);
//  - the G01 balance sheet as JSON (one row, 36 cells, five sum rules);
//  - streaming a large generated CSV through CsvTableChecker (what `report check` does for big
//    files), in MB/s.
// The templates and the good sample rows come from genesis/local. Medians of --runs runs are
// printed. Not a test: `make bench` runs it.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "bench/common/stats.hpp"
#include "ledger/report_template.hpp"
#include "ledger/table_check.hpp"

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The sample's header and a data row repeated with fresh loan ids until `bytes` is reached.
std::string loans_csv(const std::string& sample, std::size_t bytes) {
  const auto nl = sample.find('\n');
  std::string out = sample.substr(0, nl + 1);
  const std::string row = sample.substr(nl + 1, sample.find('\n', nl + 1) - nl);
  const std::string tail = row.substr(row.find(','));
  char id[32];
  for (std::uint64_t i = 0; out.size() + row.size() < bytes; ++i) {
    std::snprintf(id, sizeof id, "L%016llu", static_cast<unsigned long long>(i));
    out += id + tail;
  }
  return out;
}

template <typename F>
double seconds(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Table template check cost"};
  int runs = 15;
  std::size_t stream_mb = 64;
  std::string root = RL_SOURCE_DIR;
  app.add_option("--runs", runs, "Runs per measurement (median printed)")
      ->check(CLI::Range(1, 1000));
  app.add_option("--stream-mb", stream_mb, "Size of the streamed CSV")->check(CLI::Range(1, 4096));
  CLI11_PARSE(app, argc, argv);

  const std::string local = root + "/genesis/local/";
  auto east = rl::ledger::template_record(
      rl::ledger::parse_template_json(read_text(local + "templates/east-loans.json")).value(), 1,
      0);
  auto g01 = rl::ledger::template_record(
      rl::ledger::parse_template_json(read_text(local + "templates/g01-balance-sheet.json"))
          .value(),
      1, 0);
  const std::string sample = read_text(local + "samples/east-loans-good.csv");
  const std::string inline_csv = loans_csv(sample, 250 * 1024);
  const std::string g01_json = read_text(local + "samples/g01-good.json");
  const auto schema = rl::ledger::parse_table_schema(east.schema()).value();

  std::vector<double> full, check_only, g01_times, schema_parse;
  std::uint64_t rows = 0;
  for (int r = 0; r < runs; ++r) {
    full.push_back(seconds([&] {
      if (!rl::ledger::check_report_content(east, "text/csv", inline_csv).ok()) std::abort();
    }));
    check_only.push_back(seconds([&] {
      auto res = rl::ledger::check_csv_payload(schema, "loans", inline_csv);
      if (!res.ok()) std::abort();
      rows = res.rows;
    }));
    schema_parse.push_back(seconds([&] { (void)rl::ledger::parse_table_schema(east.schema()); }));
    g01_times.push_back(
        seconds([&] {
          for (int i = 0; i < 100; ++i) {
            if (!rl::ledger::check_report_content(g01, "application/json", g01_json).ok())
              std::abort();
          }
        }) /
        100);
  }
  const std::string big = loans_csv(sample, stream_mb * 1000 * 1000);
  std::vector<double> stream;
  for (int r = 0; r < std::max(1, runs / 5); ++r) {
    stream.push_back(seconds([&] {
      rl::ledger::CsvTableChecker c(schema, "loans");
      for (std::size_t i = 0; i < big.size(); i += 1 << 20) {
        c.feed(std::string_view(big).substr(i, 1 << 20));
      }
      if (!c.finish().ok()) std::abort();
    }));
  }
  using rl::bench::median;
  std::printf("inline EAST CSV: %zu bytes, %llu rows\n", inline_csv.size(),
              static_cast<unsigned long long>(rows));
  std::printf("  check_report_content (schema parse + check): median %.3f ms\n",
              median(full) * 1e3);
  std::printf("  check alone (schema parsed once):            median %.3f ms\n",
              median(check_only) * 1e3);
  std::printf(
      "  schema parse:                                median %.3f ms (%.1f%% of the full check)\n",
      median(schema_parse) * 1e3, 100 * median(schema_parse) / median(full));
  std::printf("  rows per second (full check):                %.0f\n",
              static_cast<double>(rows) / median(full));
  std::printf("G01 JSON (1 row, 36 cells, 5 sums): median %.1f us per report\n",
              median(g01_times) * 1e6);
  std::printf("streamed CSV %zu MB: median %.1f MB/s\n", big.size() / 1000000,
              static_cast<double>(big.size()) / 1e6 / median(stream));
  return 0;
}
