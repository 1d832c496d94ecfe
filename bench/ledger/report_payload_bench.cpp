// What the report-payload check costs per call: the hand-written scanner that block execution runs
// (ledger::check_json_object_fields) against the nlohmann SAX check it replaced (kept as the test
// oracle in tests/ledger/report_payload_reference). The payload is the benches' ~1 KB
// capital-adequacy report (bench/common/report_payloads.hpp) checked against the local genesis
// template's required fields. Runs alternate old, new, old, new ...; each run times --iters calls
// and the medians of the per-call times and their ratio are printed. Not a test: `make bench`
// runs it.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "bench/common/report_payloads.hpp"
#include "bench/common/stats.hpp"
#include "ledger/report_payload.hpp"
#include "tests/ledger/report_payload_reference.hpp"

namespace {

using Check = rl::Status (*)(std::string_view, const std::vector<std::string_view>&);

// Microseconds per call over `iters` calls.
double time_per_call(Check check, std::string_view payload,
                     const std::vector<std::string_view>& required, int iters) {
  int accepted = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < iters; ++i) accepted += check(payload, required).ok() ? 1 : 0;
  const std::chrono::duration<double, std::micro> took = std::chrono::steady_clock::now() - start;
  if (accepted != iters) {
    std::fprintf(stderr, "report_payload_bench: the payload was refused\n");
    std::exit(1);
  }
  return took.count() / iters;
}

using rl::bench::median;

}  // namespace

int main(int argc, char** argv) {
  int payload_bytes = 1024;
  int runs = 9;
  int iters = 20'000;
  CLI::App app{"report-payload check: nlohmann SAX (old) vs hand-written scanner (new)"};
  app.add_option("--payload", payload_bytes, "Report payload bytes (JSON)");
  app.add_option("--runs", runs, "Timed runs of each implementation")->check(CLI::PositiveNumber);
  app.add_option("--iters", iters, "Calls per run")->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);

  const std::string payload = rl::bench::padded_report_payloads({"bank-00"}, payload_bytes)[0];
  // The local genesis template (genesis/network_init.cpp).
  const std::vector<std::string_view> required{"institution", "period", "cet1_ratio",
                                               "total_capital"};
  // Warm up both (caches, branch predictors, the allocator).
  time_per_call(&rl::ledger::reference::check_json_object_fields, payload, required, iters / 10);
  time_per_call(&rl::ledger::check_json_object_fields, payload, required, iters / 10);
  std::vector<double> old_us, new_us;
  for (int r = 0; r < runs; ++r) {
    old_us.push_back(
        time_per_call(&rl::ledger::reference::check_json_object_fields, payload, required, iters));
    new_us.push_back(
        time_per_call(&rl::ledger::check_json_object_fields, payload, required, iters));
  }
  const double o = median(old_us), n = median(new_us);
  std::printf("payload %zu bytes, %d runs x %d calls\n", payload.size(), runs, iters);
  std::printf("old (nlohmann SAX)       median %8.3f us/call\n", o);
  std::printf("new (hand-written scan)  median %8.3f us/call\n", n);
  std::printf("speed-up                 %8.1fx\n", o / n);
  return 0;
}
