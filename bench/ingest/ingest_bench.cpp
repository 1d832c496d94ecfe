// Single-node ingest benchmark: signed ~1 KB report submissions through the HTTPS API from
// concurrent keep-alive clients into a real regledgerd process; prints committed tx/s (median of
// runs), the machine's pure P-256 verification rate and the ratio, and the node's peak RSS.
//
//   ingest_bench [--txs N] [--clients C] [--runs R] [--payload BYTES]
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "bench/common/stats.hpp"
#include "client/lib/tx_builder.hpp"
#include "common/file_io.hpp"
#include "crypto/keys.hpp"
#include "genesis/network_init.hpp"
#include "tests/support/api_enroll.hpp"
#include "tests/support/node_process.hpp"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

template <typename T>
T must(rl::Result<T> r) {
  if (!r.ok()) {
    std::fprintf(stderr, "ingest_bench: %s\n", r.error().to_string().c_str());
    std::exit(1);
  }
  return std::move(r).value();
}

using rl::bench::median;

// Pure signature verification rate on `threads` threads (no I/O, no parsing).
double verify_rate(int threads) {
  auto key = must(rl::crypto::PrivateKey::generate(rl::crypto::Suite::kP256Sha256));
  rl::Bytes msg(1024, 0x5a);
  auto sig = must(rl::crypto::sign(key, msg));
  auto pub = key.public_key();
  const int per_thread = 20000;
  auto start = Clock::now();
  std::vector<std::thread> ts;
  std::atomic<int> ok{0};
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&] {
      for (int i = 0; i < per_thread; ++i) ok += rl::crypto::verify(pub, msg, sig) ? 1 : 0;
    });
  }
  for (auto& t : ts) t.join();
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  if (ok != threads * per_thread) std::exit(2);
  return threads * per_thread / secs;
}

long peak_rss_kb(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

std::uint64_t total_txs(const rl::testing::ApiTarget& t) {
  auto c = t.client();
  auto r = c.get("/v1/status");
  if (!r.ok() || r->status != 200) return 0;
  return json::parse(r->body)["total_txs"].get<std::uint64_t>();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Single-node ingest benchmark (real regledgerd over HTTPS)"};
  int txs = 30000, clients = 8, runs = 3, payload = 1024;
  std::string binary_dir = RL_BINARY_DIR;
  app.add_option("--txs", txs, "Transactions per run")->check(CLI::Range(100, 10000000));
  app.add_option("--clients", clients, "Concurrent keep-alive client connections")
      ->check(CLI::Range(1, 256));
  app.add_option("--runs", runs, "Runs (the median is reported)")->check(CLI::Range(1, 20));
  app.add_option("--payload", payload, "Report payload bytes")->check(CLI::Range(64, 200000));
  CLI11_PARSE(app, argc, argv);

  std::random_device rd;
  fs::path dir = fs::temp_directory_path() / ("regledger-bench-" + std::to_string(rd()));
  auto def = rl::genesis::default_definition();
  def.scrypt_n = 1024;
  def.block.block_interval_ms = 100;
  def.block.max_block_txs = 10000;
  auto init = must(rl::genesis::init_network(def, dir.string()));
  auto genesis = must(rl::ledger::parse_genesis(must(rl::read_file(init.genesis_path))));
  auto admin = must(rl::client::load_identity(init.admin_dir));
  rl::testing::NodeProcess node(binary_dir + "/node/regledgerd", init.node_homes[0],
                                (dir / "node.log").string(), rl::testing::free_loopback_port());
  node.start();
  rl::testing::ApiTarget target{node.api_port(),
                                must(rl::read_file((dir / "ca/root.pem").string()))};
  for (int i = 0; i < 200 && rl::testing::api_height(target) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto c = target.client(500);
    auto r = c.get("/healthz");
    if (r.ok() && r->status == 200) break;
  }
  auto reporter = must(rl::testing::enroll_over_api(target, genesis, admin, dir.string(), "bank-a",
                                                    "bank-a-reporting", "0105"));

  std::printf("ingest_bench: %d txs/run, %d clients, %d runs, payload %d bytes, %u cores\n", txs,
              clients, runs, payload, std::thread::hardware_concurrency());
  std::vector<double> rates;
  std::uint64_t size_sum = 0;
  for (int run = 0; run < runs; ++run) {
    // Sign everything first: the benchmark measures the node, not the clients' signing.
    std::uint64_t h = rl::testing::api_height(target);
    std::string body_payload =
        R"({"institution":"bank-a","period":"2026-Q3","cet1_ratio":14.2,"total_capital":1,"notes":")";
    body_payload += std::string(static_cast<std::size_t>(std::max(0, payload - 100)), 'n') + "\"}";
    std::vector<std::string> bodies(static_cast<std::size_t>(txs));
    for (auto& b : bodies) {
      auto tx = must(rl::client::build_signed_tx(reporter, genesis.chain_id, h,
                                                 [&](rl::ledger::pb::TxBody& tb) {
                                                   auto* p = tb.mutable_submit_report();
                                                   p->set_template_id("capital-adequacy");
                                                   p->set_period("2026-Q3");
                                                   p->set_content_type("application/json");
                                                   p->set_payload(body_payload);
                                                 }));
      size_sum += tx.size();
      b = rl::to_string(tx);  // sent as application/octet-stream, as the client library does
    }
    std::uint64_t base = total_txs(target);
    std::atomic<std::size_t> next{0};
    std::atomic<std::uint64_t> accepted{0}, rejected{0};
    auto start = Clock::now();
    std::vector<std::thread> ts;
    for (int c = 0; c < clients; ++c) {
      ts.emplace_back([&] {
        auto client = target.client(30000);
        for (std::size_t i = next++; i < bodies.size(); i = next++) {
          while (true) {
            auto r = client.request("POST", "/v1/txs", bodies[i],
                                    {{"content-type", "application/octet-stream"}});
            if (r.ok() && r->status == 202) {
              accepted++;
              break;
            }
            if (r.ok() && r->status == 503) {  // mempool full: back off and retry
              std::this_thread::sleep_for(std::chrono::milliseconds(5));
              continue;
            }
            rejected++;
            break;
          }
        }
      });
    }
    for (auto& t : ts) t.join();
    double submit_secs = std::chrono::duration<double>(Clock::now() - start).count();
    while (total_txs(target) < base + accepted)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    double secs = std::chrono::duration<double>(Clock::now() - start).count();
    double rate = static_cast<double>(accepted) / secs;
    rates.push_back(rate);
    std::printf(
        "  run %d: accepted %llu rejected %llu, submitted in %.2f s, all committed in %.2f s -> "
        "%.0f committed tx/s\n",
        run + 1, static_cast<unsigned long long>(accepted.load()),
        static_cast<unsigned long long>(rejected.load()), submit_secs, secs, rate);
  }
  long rss = peak_rss_kb(node.pid());
  node.stop();
  double v1 = verify_rate(1);
  double v2 = verify_rate(2);
  double med = median(rates);
  std::printf("\nRESULT committed_tx_per_s_median=%.0f avg_tx_bytes=%llu\n", med,
              static_cast<unsigned long long>(size_sum / (static_cast<std::uint64_t>(runs) * txs)));
  std::printf("RESULT p256_verify_per_s 1_thread=%.0f 2_threads=%.0f\n", v1, v2);
  std::printf("RESULT ratio committed/verify(2 threads)=%.2f\n", med / v2);
  std::printf("RESULT node_peak_rss_mb=%.1f\n", rss / 1024.0);
  std::error_code ec;
  fs::remove_all(dir, ec);
  return 0;
}
