// Validator-network benchmark: N real regledgerd validators (Tendermint over P2P) on this
// machine, signed ~1 KB report submissions from concurrent keep-alive HTTPS clients spread over
// every validator's API.
//
//   peak phase     clients post pre-signed txs as fast as the APIs accept them (brief back-off on
//                  503 mempool_full) for --seconds after a --warmup; committed tx/s is the growth
//                  of node0's total_txs over that window. A fresh cluster per run; the median of
//                  --runs is reported.
//   latency phase  a fresh cluster, open loop at half of the median peak rate for
//                  --latency-seconds: tx k is sent at start + k / rate; its commit latency is the
//                  first time the node it was sent to reports (GET /v1/status, polled every
//                  --poll-ms) a height at or above the block that carries it, minus its scheduled
//                  send time. Which block carries which tx comes from GET /v1/blocks/{h}.
//   per node       CPU (utime+stime over wall time of the phase) and peak RSS (VmHWM).
//   etcd           when etcd and etcdctl are on PATH: a 3-member etcd cluster on loopback, and
//                  `etcdctl check perf`; prints its writes/s and the ratio.
//
//   cluster_bench [--validators 4] [--clients 16] [--seconds 60] [--runs 3]
//                 [--latency-seconds 30] [--skip-etcd] [--log-level warn] ...
//   --offered-rate R    paces the peak phase at R tx/s in all (finds the sustainable rate when
//                       unbounded load makes the network stall)
//   --latency-rate R    runs the latency phase at R tx/s instead of half the peak
//   --drain-seconds N   after each peak run, waits for the mempools to empty and prints progress
// Note: NodeProcess starts regledgerd with --log-level info, which overrides config.json, so
// --log-level does not reach the validators today.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <regex>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "bench/common/must.hpp"
#include "bench/common/report_payloads.hpp"
#include "bench/common/stats.hpp"
#include "client/lib/tx_builder.hpp"
#include "ledger/limits.hpp"
#include "ledger/tx.hpp"
#include "ledger/tx_batch.hpp"
#include "tests/support/cluster.hpp"

extern char** environ;

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;
using rl::testing::Cluster;

template <typename T>
T must(rl::Result<T> r, const char* what) {
  return rl::bench::must("cluster_bench", std::move(r), what);
}

double secs_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// 1234567.8 -> "1,234,568"
std::string grouped(double v) {
  auto n = static_cast<long long>(std::llround(v));
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out = n < 0 ? "-" : "";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

using rl::bench::median;

// Nearest-rank percentile of sorted values.
double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

// utime + stime of a process in seconds (-1 when it cannot be read).
double cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + (pid == 0 ? std::string("self") : std::to_string(pid)) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return -1;
  auto close = line.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream rest(line.substr(close + 2));
  std::vector<std::string> f;
  for (std::string t; rest >> t;) f.push_back(t);
  // Fields after "pid (comm)" start at field 3 (state); utime is field 14, stime 15.
  if (f.size() < 13) return -1;
  double ticks = std::stod(f[11]) + std::stod(f[12]);
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// VmHWM in MB (-1 when it cannot be read).
double peak_rss_mb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return -1;
}

std::uint64_t total_txs(rl::http::HttpsClient& c) {
  auto r = c.get("/v1/status");
  if (!r.ok() || r->status != 200) return 0;
  auto j = json::parse(r->body, nullptr, false);
  return j.is_object() ? j.value("total_txs", std::uint64_t{0}) : 0;
}

struct NodeStatus {
  bool ok = false;
  std::uint64_t height = 0;
  std::uint64_t mempool = 0;
};

std::vector<NodeStatus> node_status(const Cluster& c) {
  std::vector<NodeStatus> out(c.size());
  for (std::size_t i = 0; i < c.size(); ++i) {
    auto client = c.target(i).client(2000);
    auto r = client.get("/v1/status");
    auto j = r.ok() && r->status == 200 ? json::parse(r->body, nullptr, false) : json();
    if (!j.is_object()) continue;
    out[i] = {true, j.value("height", std::uint64_t{0}), j.value("mempool_size", std::uint64_t{0})};
  }
  return out;
}

// "heights 12/12/11/12, mempools 4000/3990/..." for the progress lines.
std::string nodes_line(const std::vector<NodeStatus>& st) {
  std::string hs, ms;
  for (std::size_t i = 0; i < st.size(); ++i) {
    hs += (i ? "/" : "") + (st[i].ok ? std::to_string(st[i].height) : std::string("?"));
    ms += (i ? "/" : "") + (st[i].ok ? std::to_string(st[i].mempool) : std::string("?"));
  }
  return "heights " + hs + ", mempools " + ms;
}

std::string nodes_line(const Cluster& c) {
  return nodes_line(node_status(c));
}

std::uint64_t height_of(rl::http::HttpsClient& c) {
  auto r = c.get("/v1/status");
  if (!r.ok() || r->status != 200) return 0;
  auto j = json::parse(r->body, nullptr, false);
  return j.is_object() ? j.value("height", std::uint64_t{0}) : 0;
}

// Calls `tick(elapsed_s)` every `period` until destroyed.
class Ticker {
 public:
  Ticker(std::chrono::seconds period, std::function<void(double)> tick)
      : start_(Clock::now()), thread_([this, period, tick = std::move(tick)] {
          std::unique_lock lock(mu_);
          for (int n = 1;; ++n) {
            if (cv_.wait_until(lock, start_ + n * period, [this] { return done_; })) return;
            tick(secs_since(start_));
          }
        }) {}
  ~Ticker() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  Clock::time_point start_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

struct Settings {
  int validators = 4;
  int clients = 16;
  int seconds = 60;
  int warmup = 5;
  int runs = 3;
  int latency_seconds = 30;
  double latency_rate = 0;  // 0 = half of the median peak
  int payload = 1024;
  int reporters = 4;
  int presign_rate = 5000;
  double offered_rate = 0;  // peak phase: 0 = as fast as the APIs accept
  int batch = 1;            // peak phase: txs per request (>1 uses POST /v1/txs/batch)
  int mempool_max_txs = 0;  // 0 = the node default
  int drain_seconds = 0;    // after each peak run: wait for the mempools to empty
  int poll_ms = 10;
  int block_interval_ms = 100;  // genesis default
  int max_block_txs = 5000;     // genesis default
  bool skip_etcd = false;
  std::string etcd_load = "l";
  std::string log_level = "warn";
};

// One signed submission: the exact Tx bytes and its id (hex).
struct SignedTx {
  std::string body;
  std::string id;
};

struct NodeUsage {
  double cpu_pct = 0;
  double rss_mb = 0;
};

// A fresh cluster with `reporters` enrolled reporting accounts, all validators at one height.
struct Network {
  std::unique_ptr<Cluster> cluster;
  std::vector<std::optional<rl::client::Identity>> reporters;
  std::vector<std::string> orgs;
};

Network start_network(const Settings& s) {
  rl::testing::ClusterOptions o;
  o.validators = static_cast<std::uint32_t>(s.validators);
  o.block_interval_ms = static_cast<std::uint32_t>(s.block_interval_ms);
  o.max_block_txs = static_cast<std::uint32_t>(s.max_block_txs);
  // The widest window genesis allows: the txs of a run stay valid however many heights it takes.
  o.tx_expiry_window = rl::ledger::limits::kMaxTxExpiryWindow;
  // Node defaults (NodeConfig), not the test harness's short ones.
  o.timeout_propose_ms = 2000;
  o.timeout_vote_ms = 1000;
  o.timeout_delta_ms = 500;
  o.log_level = s.log_level;
  o.name = "bench";
  Network n;
  n.cluster = std::make_unique<Cluster>(o);
  auto& c = *n.cluster;
  if (s.mempool_max_txs > 0) {
    for (std::size_t i = 0; i < c.size(); ++i) {
      c.update_config(i, [&](rl::node::NodeConfig& nc) {
        nc.mempool_max_txs = static_cast<std::size_t>(s.mempool_max_txs);
      });
    }
  }
  c.start_all();
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (!c.wait_healthy(i, std::chrono::seconds(30))) {
      std::fprintf(stderr, "cluster_bench: node%zu did not become healthy\n%s", i,
                   c.all_logs_tail().c_str());
      std::exit(1);
    }
  }
  n.reporters.resize(static_cast<std::size_t>(s.reporters));
  n.orgs.resize(n.reporters.size());
  std::vector<std::thread> ts;
  std::atomic<bool> failed{false};
  for (std::size_t r = 0; r < n.reporters.size(); ++r) {
    n.orgs[r] = "bank-" + std::to_string(r);
    ts.emplace_back([&, r] {
      auto id = rl::testing::enroll_over_api(c.target(r % c.size()), c.genesis(), c.admin(),
                                             c.dir(), n.orgs[r], n.orgs[r] + "-reporting", "0105");
      if (!id.ok()) {
        std::fprintf(stderr, "cluster_bench: enrolling %s: %s\n", n.orgs[r].c_str(),
                     id.error().to_string().c_str());
        failed = true;
        return;
      }
      n.reporters[r].emplace(std::move(id).value());
    });
  }
  for (auto& t : ts) t.join();
  if (failed) {
    std::fprintf(stderr, "%s", c.all_logs_tail().c_str());
    std::exit(1);
  }
  std::uint64_t h = 0;
  for (std::size_t i = 0; i < c.size(); ++i) h = std::max(h, c.height(i));
  std::vector<std::size_t> all(c.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  if (!c.wait_height(all, h, std::chrono::seconds(30))) {
    std::fprintf(stderr, "cluster_bench: validators did not converge\n%s",
                 c.all_logs_tail().c_str());
    std::exit(1);
  }
  return n;
}

// Signs `count` SubmitReport txs round-robin over the reporters, on every core (before timing:
// the benchmark measures the network, not the clients' signing).
struct Signed {
  std::uint64_t bytes = 0;
  std::uint64_t count = 0;
};

std::vector<SignedTx> presign(const Network& n, const Settings& s, std::size_t count,
                              Signed* totals) {
  const auto& c = *n.cluster;
  std::uint64_t h = c.height(0);
  const std::vector<std::string> payloads = rl::bench::padded_report_payloads(n.orgs, s.payload);
  std::vector<SignedTx> out(count);
  std::atomic<std::uint64_t> bytes{0};
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> ts;
  auto start = Clock::now();
  for (unsigned t = 0; t < threads; ++t) {
    ts.emplace_back([&, t] {
      std::uint64_t local = 0;
      for (std::size_t i = t; i < count; i += threads) {
        std::size_t r = i % n.reporters.size();
        // The farthest expiry the network's window allows (start_network).
        auto tx = must(rl::client::build_signed_tx(
                           *n.reporters[r], c.genesis().chain_id, h,
                           [&](rl::ledger::pb::TxBody& b) {
                             auto* p = b.mutable_submit_report();
                             p->set_template_id("capital-adequacy");
                             p->set_period("2026-Q3");
                             p->set_content_type("application/json");
                             p->set_payload(payloads[r]);
                           },
                           /*expiry_blocks=*/rl::ledger::limits::kMaxTxExpiryWindow),
                       "sign");
        auto d = must(rl::ledger::decode_tx(c.genesis().suite, tx), "decode own tx");
        local += tx.size();
        out[i].body = rl::to_string(tx);
        out[i].id = rl::to_hex(d.id);
      }
      bytes += local;
    });
  }
  for (auto& t : ts) t.join();
  totals->bytes += bytes;
  totals->count += count;
  std::printf("  signed %s txs in %.1f s (%s/s on %u threads)\n", grouped(count).c_str(),
              secs_since(start), grouped(count / secs_since(start)).c_str(), threads);
  std::fflush(stdout);
  return out;
}

std::vector<double> cpu_snapshot(const Cluster& c) {
  std::vector<double> v;
  for (std::size_t i = 0; i < c.size(); ++i) v.push_back(cpu_seconds(c.pid(i)));
  return v;
}

std::vector<NodeUsage> usage(const Cluster& c, const std::vector<double>& cpu0,
                             const std::vector<double>& cpu1, double wall) {
  std::vector<NodeUsage> u(c.size());
  for (std::size_t i = 0; i < c.size(); ++i) {
    u[i].cpu_pct = 100.0 * (cpu1[i] - cpu0[i]) / wall;
    u[i].rss_mb = peak_rss_mb(c.pid(i));
  }
  return u;
}

struct PeakRun {
  double rate = 0;
  double window_s = 0;
  std::uint64_t committed = 0;
  std::uint64_t accepted = 0;
  std::uint64_t used = 0;  // pre-signed txs consumed
  bool exhausted = false;
  std::vector<NodeUsage> nodes;
  double client_cpu_pct = 0;
};

PeakRun peak_run(int run, const Settings& s, std::size_t presign_count, Signed* totals) {
  std::printf("\n[peak run %d/%d] starting %d validators, enrolling %d reporters\n", run, s.runs,
              s.validators, s.reporters);
  std::fflush(stdout);
  Network n = start_network(s);
  auto& c = *n.cluster;
  auto txs = presign(n, s, presign_count, totals);

  std::atomic<std::size_t> next{0};
  std::atomic<std::uint64_t> accepted{0}, full_retries{0}, rejected{0}, errors{0};
  std::atomic<bool> stop{false};
  std::mutex err_mu;
  std::string first_error;
  std::vector<std::thread> ts;
  const auto pace_start = Clock::now();
  for (int k = 0; k < s.clients; ++k) {
    ts.emplace_back([&, k] {
      auto client = c.target(static_cast<std::size_t>(k) % c.size()).client(30000);
      auto note_error = [&](const std::string& e) {
        std::lock_guard lock(err_mu);
        if (first_error.empty()) first_error = e;
      };
      // Batched submissions: `batch` signed txs per POST /v1/txs/batch; entries refused with
      // mempool_full are sent again (alone with the next batch) after a short back-off.
      std::vector<std::size_t> pending;
      while (s.batch > 1 && !stop) {
        while (pending.size() < static_cast<std::size_t>(s.batch)) {
          std::size_t i = next++;
          if (i >= txs.size()) break;
          pending.push_back(i);
        }
        if (pending.empty()) return;
        std::vector<rl::Bytes> bodies;
        for (std::size_t i : pending) bodies.push_back(rl::to_bytes(txs[i].body));
        auto r = client.request("POST", "/v1/txs/batch",
                                rl::to_string(rl::ledger::join_tx_batch(bodies)),
                                {{"content-type", "application/octet-stream"}});
        if (!r.ok() || r->status != 200) {
          (r.ok() ? rejected : errors) += pending.size();
          note_error(r.ok() ? std::to_string(r->status) + " " + r->body.substr(0, 200)
                            : r.error().to_string());
          pending.clear();
          continue;
        }
        auto j = nlohmann::json::parse(r->body, nullptr, false);
        std::vector<std::size_t> again;
        for (std::size_t e = 0; e < pending.size(); ++e) {
          const auto& res = j["results"][e];
          if (res.contains("tx_id")) {
            accepted++;
          } else if (res["error"]["code"] == "mempool_full") {
            full_retries++;
            again.push_back(pending[e]);
          } else {
            rejected++;
            note_error(res.dump());
          }
        }
        pending = std::move(again);
        if (!pending.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      while (!stop) {
        std::size_t i = next++;
        if (i >= txs.size()) return;
        if (s.offered_rate > 0) {  // paced: tx i goes out no earlier than i / rate
          std::this_thread::sleep_until(
              pace_start +
              std::chrono::duration_cast<Clock::duration>(
                  std::chrono::duration<double>(static_cast<double>(i) / s.offered_rate)));
        }
        while (!stop) {
          auto r = client.request("POST", "/v1/txs", txs[i].body,
                                  {{"content-type", "application/octet-stream"}});
          if (r.ok() && r->status == 202) {
            accepted++;
            break;
          }
          if (r.ok() && r->status == 503) {  // mempool full: back off briefly, same tx again
            full_retries++;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
            continue;
          }
          (r.ok() ? rejected : errors)++;
          std::lock_guard lock(err_mu);
          if (first_error.empty()) {
            first_error = r.ok() ? std::to_string(r->status) + " " + r->body.substr(0, 200)
                                 : r.error().to_string();
          }
          break;
        }
      }
    });
  }
  auto status = c.target(0).client(10000);
  auto started = Clock::now();
  auto sleep_until = [&](Clock::time_point t) {
    while (Clock::now() < t && next.load() < txs.size())
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  };
  sleep_until(started + std::chrono::seconds(s.warmup));
  std::uint64_t h0 = height_of(status);
  std::uint64_t t0_txs = total_txs(status);
  auto t0 = Clock::now();
  auto cpu0 = cpu_snapshot(c);
  double self0 = cpu_seconds(0);
  std::uint64_t last_txs = t0_txs;
  auto window_end = t0 + std::chrono::seconds(s.seconds);
  for (int tick = 1; Clock::now() < window_end && next.load() < txs.size(); ++tick) {
    sleep_until(std::min(window_end, t0 + std::chrono::seconds(10 * tick)));
    if (Clock::now() >= window_end || next.load() >= txs.size()) break;
    std::uint64_t now_txs = total_txs(status);
    std::printf(
        "  %3.0f s: committed %s (%s tx/s over the last 10 s), accepted %s, "
        "mempool_full retries %s; %s\n",
        secs_since(t0), grouped(static_cast<double>(now_txs - t0_txs)).c_str(),
        grouped(static_cast<double>(now_txs - last_txs) / 10.0).c_str(),
        grouped(static_cast<double>(accepted.load())).c_str(),
        grouped(static_cast<double>(full_retries.load())).c_str(), nodes_line(c).c_str());
    std::fflush(stdout);
    last_txs = now_txs;
  }
  PeakRun out;
  std::uint64_t t1_txs = total_txs(status);
  std::uint64_t h1 = height_of(status);
  out.window_s = secs_since(t0);
  auto cpu1 = cpu_snapshot(c);
  double self1 = cpu_seconds(0);
  out.exhausted = next.load() >= txs.size();
  stop = true;
  for (auto& t : ts) t.join();
  out.committed = t1_txs - t0_txs;
  out.rate = static_cast<double>(out.committed) / out.window_s;
  out.accepted = accepted;
  out.used = std::min<std::uint64_t>(next.load(), txs.size());
  out.nodes = usage(c, cpu0, cpu1, out.window_s);
  out.client_cpu_pct = 100.0 * (self1 - self0) / out.window_s;
  std::printf(
      "  run %d: %s committed tx/s over %.1f s (%s committed; %s accepted in all, "
      "%s mempool_full retries, %s rejected, %s transport errors)\n",
      run, grouped(out.rate).c_str(), out.window_s,
      grouped(static_cast<double>(out.committed)).c_str(),
      grouped(static_cast<double>(out.accepted)).c_str(),
      grouped(static_cast<double>(full_retries.load())).c_str(),
      grouped(static_cast<double>(rejected.load())).c_str(),
      grouped(static_cast<double>(errors.load())).c_str());
  if (!first_error.empty()) std::printf("  first rejection: %s\n", first_error.c_str());
  // What the blocks of the window looked like (from node0): how often a height was decided and
  // how full the blocks were.
  {
    std::vector<double> counts, gaps;
    std::int64_t prev_ms = -1;
    auto bc = c.target(0).client(30000);
    for (std::uint64_t h = h0; h <= h1; ++h) {
      auto r = bc.get("/v1/blocks/" + std::to_string(h));
      if (!r.ok() || r->status != 200) continue;
      auto j = json::parse(r->body, nullptr, false);
      if (!j.is_object()) continue;
      auto t = j.value("time_ms", std::int64_t{0});
      if (prev_ms >= 0) gaps.push_back(static_cast<double>(t - prev_ms));
      prev_ms = t;
      if (h > h0) counts.push_back(j.value("tx_count", 0.0));
    }
    if (!counts.empty() && !gaps.empty()) {
      std::sort(counts.begin(), counts.end());
      std::sort(gaps.begin(), gaps.end());
      double sum = 0;
      for (double x : counts) sum += x;
      std::printf(
          "  blocks in the window: %zu (%.1f/s), txs per block mean %s median %s max %s; "
          "block time gap median %s ms p90 %s ms max %s ms\n",
          counts.size(), static_cast<double>(counts.size()) / out.window_s,
          grouped(sum / static_cast<double>(counts.size())).c_str(),
          grouped(percentile(counts, 50)).c_str(), grouped(counts.back()).c_str(),
          grouped(percentile(gaps, 50)).c_str(), grouped(percentile(gaps, 90)).c_str(),
          grouped(gaps.back()).c_str());
    } else if (h1 == h0) {
      std::printf("  blocks in the window: none (every validator stayed at height %llu)\n",
                  static_cast<unsigned long long>(h0));
    }
  }
  if (s.drain_seconds > 0) {
    // No new load: does the network work off what it accepted, and how fast?
    auto drain_start = Clock::now();
    auto deadline = drain_start + std::chrono::seconds(s.drain_seconds);
    std::uint64_t before = total_txs(status);
    bool drained = false;
    for (int tick = 1; Clock::now() < deadline; ++tick) {
      std::this_thread::sleep_for(std::chrono::seconds(2));
      auto st = node_status(c);
      drained = std::all_of(st.begin(), st.end(),
                            [](const NodeStatus& x) { return x.ok && x.mempool == 0; });
      if (drained || tick % 5 == 0) {
        std::printf("  drain %3.0f s: %s committed since the clients stopped; %s\n",
                    secs_since(drain_start),
                    grouped(static_cast<double>(total_txs(status) - before)).c_str(),
                    nodes_line(st).c_str());
        std::fflush(stdout);
      }
      if (drained) break;
    }
    if (!drained) std::printf("  drain: mempools not empty after %d s\n", s.drain_seconds);
  }
  if (out.exhausted) {
    std::printf(
        "  WARNING: the %s pre-signed txs ran out after %.1f s of the window; the rate "
        "is over that shorter window (raise --presign-rate)\n",
        grouped(static_cast<double>(txs.size())).c_str(), out.window_s);
  }
  std::fflush(stdout);
  return out;
}

struct LatencyResult {
  double offered = 0;
  std::size_t sent = 0, committed = 0, send_failures = 0;
  double max_send_lag_ms = 0;
  std::vector<double> lat_ms;  // sorted
  double achieved = 0;         // committed / sending time
  double status_rtt_ms = 0;    // mean GET /v1/status round trip of the pollers
  std::vector<NodeUsage> nodes;
  double client_cpu_pct = 0;
};

LatencyResult latency_phase(const Settings& s, double rate, Signed* totals) {
  std::printf("\n[latency] starting %d validators, open loop at %s tx/s for %d s\n", s.validators,
              grouped(rate).c_str(), s.latency_seconds);
  std::fflush(stdout);
  Network n = start_network(s);
  auto& c = *n.cluster;
  const std::size_t count = static_cast<std::size_t>(rate * s.latency_seconds);
  auto txs = presign(n, s, count, totals);
  std::unordered_map<std::string, std::size_t> index;
  index.reserve(count);
  for (std::size_t k = 0; k < count; ++k) index.emplace(txs[k].id, k);

  const std::size_t nodes = c.size();
  std::vector<std::uint64_t> base(nodes);
  for (std::size_t v = 0; v < nodes; ++v) base[v] = c.height(v);

  std::atomic<bool> stop_pollers{false};
  // Height observation times per node: obs[v][h - base[v] - 1] = first time node v reported h.
  std::vector<std::vector<Clock::time_point>> obs(nodes);
  std::vector<double> rtt_sum(nodes, 0);
  std::vector<std::uint64_t> rtt_n(nodes, 0);
  std::vector<std::uint64_t> commit_height(count, 0);
  std::atomic<std::size_t> committed{0};
  std::vector<std::thread> pollers;
  for (std::size_t v = 0; v < nodes; ++v) {
    pollers.emplace_back([&, v] {
      auto client = c.target(v).client(10000);
      std::uint64_t last = base[v];
      while (!stop_pollers) {
        auto sent_at = Clock::now();
        std::uint64_t h = height_of(client);
        auto now = Clock::now();
        rtt_sum[v] += std::chrono::duration<double, std::milli>(now - sent_at).count();
        rtt_n[v]++;
        // The node reached h somewhere between sending the request and the answer; the answer
        // time is what a client polling it would see.
        for (; last < h; ++last) obs[v].push_back(now);
        std::this_thread::sleep_for(std::chrono::milliseconds(s.poll_ms));
      }
    });
  }
  // Which block carries which tx (from node0).
  pollers.emplace_back([&] {
    auto client = c.target(0).client(30000);
    std::uint64_t h = base[0] + 1;
    while (!stop_pollers) {
      auto r = client.get("/v1/blocks/" + std::to_string(h));
      if (!r.ok() || r->status != 200) {
        std::this_thread::sleep_for(std::chrono::milliseconds(s.poll_ms));
        continue;
      }
      auto j = json::parse(r->body, nullptr, false);
      if (j.is_object() && j.contains("txs")) {
        for (const auto& id : j["txs"]) {
          auto it = index.find(id.get<std::string>());
          if (it != index.end() && commit_height[it->second] == 0) {
            commit_height[it->second] = h;
            committed++;
          }
        }
      }
      ++h;
    }
  });

  std::vector<Clock::time_point> scheduled(count);
  std::vector<char> sent_ok(count, 0);
  std::vector<double> lag_ms(static_cast<std::size_t>(s.clients), 0);
  std::atomic<std::size_t> sent{0}, failures{0};
  auto cpu0 = cpu_snapshot(c);
  double self0 = cpu_seconds(0);
  auto start = Clock::now() + std::chrono::milliseconds(200);
  const auto period = std::chrono::duration<double>(1.0 / rate);
  std::vector<std::thread> senders;
  for (int t = 0; t < s.clients; ++t) {
    senders.emplace_back([&, t] {
      std::size_t v = static_cast<std::size_t>(t) % nodes;
      auto client = c.target(v).client(30000);
      for (std::size_t k = static_cast<std::size_t>(t); k < count;
           k += static_cast<std::size_t>(s.clients)) {
        // Only tx k with k % nodes == v goes through this sender (clients is a multiple of
        // nodes, checked at start), so node(k) = k % nodes.
        auto at =
            start + std::chrono::duration_cast<Clock::duration>(period * static_cast<double>(k));
        scheduled[k] = at;
        std::this_thread::sleep_until(at);
        lag_ms[static_cast<std::size_t>(t)] =
            std::max(lag_ms[static_cast<std::size_t>(t)],
                     std::chrono::duration<double, std::milli>(Clock::now() - at).count());
        for (int attempt = 0; attempt < 200; ++attempt) {
          auto r = client.request("POST", "/v1/txs", txs[k].body,
                                  {{"content-type", "application/octet-stream"}});
          if (r.ok() && r->status == 202) {
            sent_ok[k] = 1;
            sent++;
            break;
          }
          if (r.ok() && r->status == 503) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
            continue;
          }
          failures++;
          break;
        }
      }
    });
  }
  {
    Ticker ticker(std::chrono::seconds(10), [&](double el) {
      std::printf("  %3.0f s: sent %s, committed %s; %s\n", el,
                  grouped(static_cast<double>(sent.load())).c_str(),
                  grouped(static_cast<double>(committed.load())).c_str(), nodes_line(c).c_str());
      std::fflush(stdout);
    });
    for (auto& t : senders) t.join();
  }
  double send_wall = secs_since(start);
  auto cpu1 = cpu_snapshot(c);
  double self1 = cpu_seconds(0);
  // Drain: wait for every accepted tx to be placed in a block and for every node to report it.
  auto drain_deadline = Clock::now() + std::chrono::seconds(30);
  while (committed.load() < sent.load() && Clock::now() < drain_deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::this_thread::sleep_for(std::chrono::milliseconds(200 + 2 * s.poll_ms));
  stop_pollers = true;
  for (auto& t : pollers) t.join();

  LatencyResult out;
  out.offered = rate;
  out.sent = sent;
  out.send_failures = failures;
  for (double l : lag_ms) out.max_send_lag_ms = std::max(out.max_send_lag_ms, l);
  Clock::time_point last_commit = start;
  for (std::size_t k = 0; k < count; ++k) {
    if (!sent_ok[k] || commit_height[k] == 0) continue;
    std::size_t v = k % nodes;
    std::uint64_t h = commit_height[k];
    if (h <= base[v] || h - base[v] > obs[v].size()) continue;  // node v never reported it
    auto seen = obs[v][h - base[v] - 1];
    last_commit = std::max(last_commit, seen);
    out.lat_ms.push_back(std::chrono::duration<double, std::milli>(seen - scheduled[k]).count());
  }
  out.committed = out.lat_ms.size();
  std::sort(out.lat_ms.begin(), out.lat_ms.end());
  out.achieved = static_cast<double>(out.committed) /
                 std::chrono::duration<double>(last_commit - start).count();
  double rs = 0, rn = 0;
  for (std::size_t v = 0; v < nodes; ++v) rs += rtt_sum[v], rn += static_cast<double>(rtt_n[v]);
  out.status_rtt_ms = rn > 0 ? rs / rn : 0;
  out.nodes = usage(c, cpu0, cpu1, send_wall);
  out.client_cpu_pct = 100.0 * (self1 - self0) / send_wall;
  return out;
}

// ------------------------------------------------------------------------------------------------
// etcd comparison

std::optional<std::string> on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (!path) return std::nullopt;
  std::stringstream ss(path);
  for (std::string dir; std::getline(ss, dir, ':');) {
    if (dir.empty()) continue;
    std::string p = dir + "/" + name;
    if (::access(p.c_str(), X_OK) == 0) return p;
  }
  return std::nullopt;
}

pid_t spawn(const std::string& bin, const std::vector<std::string>& args, const std::string& log) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(bin.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, bin.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  return rc == 0 ? pid : -1;
}

void terminate(pid_t pid) {
  if (pid <= 0) return;
  ::kill(pid, SIGTERM);
  for (int i = 0; i < 100; ++i) {
    if (::waitpid(pid, nullptr, WNOHANG) == pid) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
}

// Runs a command, returns (exit code, stdout+stderr).
std::pair<int, std::string> run_capture(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return {-1, ""};
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  int st = ::pclose(p);
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, out};
}

struct EtcdResult {
  bool ran = false;
  std::string why_not;
  double writes_per_s = 0;
  std::string verdict;  // etcdctl's PASS/FAIL lines
  std::vector<NodeUsage> members;
};

EtcdResult etcd_check_perf(const Settings& s) {
  EtcdResult res;
  auto etcd = on_path("etcd");
  auto etcdctl = on_path("etcdctl");
  if (!etcd || !etcdctl) {
    res.why_not = std::string(!etcd ? "etcd" : "etcdctl") +
                  " is not on PATH (Debian packages etcd-server and etcd-client; "
                  "scripts/install-deps.sh --bench installs them)";
    return res;
  }
  std::random_device rd;
  fs::path dir = fs::temp_directory_path() / ("regledger-etcd-" + std::to_string(rd()));
  fs::create_directories(dir);
  int base = rl::testing::free_loopback_port_block(6);
  auto client_url = [&](int i) { return "http://127.0.0.1:" + std::to_string(base + i); };
  auto peer_url = [&](int i) { return "http://127.0.0.1:" + std::to_string(base + 3 + i); };
  std::string initial, endpoints;
  for (int i = 0; i < 3; ++i) {
    initial += (i ? "," : "") + ("m" + std::to_string(i)) + "=" + peer_url(i);
    endpoints += (i ? "," : "") + client_url(i);
  }
  std::vector<pid_t> pids;
  for (int i = 0; i < 3; ++i) {
    std::string name = "m" + std::to_string(i);
    pids.push_back(spawn(*etcd,
                         {"--name",
                          name,
                          "--data-dir",
                          (dir / name).string(),
                          "--listen-client-urls",
                          client_url(i),
                          "--advertise-client-urls",
                          client_url(i),
                          "--listen-peer-urls",
                          peer_url(i),
                          "--initial-advertise-peer-urls",
                          peer_url(i),
                          "--initial-cluster",
                          initial,
                          "--initial-cluster-state",
                          "new",
                          "--initial-cluster-token",
                          "regledger-bench",
                          "--log-level",
                          "warn"},
                         (dir / (name + ".log")).string()));
  }
  auto cleanup = [&] {
    for (auto p : pids) terminate(p);
    std::error_code ec;
    fs::remove_all(dir, ec);
  };
  std::string ctl = *etcdctl + " --endpoints=" + endpoints;
  bool healthy = false;
  for (int i = 0; i < 100 && !healthy; ++i) {
    healthy = run_capture(ctl + " endpoint health").first == 0;
    if (!healthy) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  if (!healthy || std::count(pids.begin(), pids.end(), -1) > 0) {
    res.why_not = "the 3-member etcd cluster did not become healthy";
    cleanup();
    return res;
  }
  std::printf("\n[etcd] 3 members on 127.0.0.1:%d-%d, etcdctl check perf --load=%s (60 s)\n", base,
              base + 5, s.etcd_load.c_str());
  std::fflush(stdout);
  std::vector<double> cpu0, cpu1;
  for (auto p : pids) cpu0.push_back(cpu_seconds(p));
  auto start = Clock::now();
  std::pair<int, std::string> out;
  {
    Ticker ticker(std::chrono::seconds(10), [](double el) {
      std::printf("  %3.0f s: etcdctl check perf running\n", el);
      std::fflush(stdout);
    });
    out = run_capture(ctl + " check perf --load=" + s.etcd_load);
  }
  double wall = secs_since(start);
  for (auto p : pids) cpu1.push_back(cpu_seconds(p));
  for (std::size_t i = 0; i < pids.size(); ++i) {
    res.members.push_back({100.0 * (cpu1[i] - cpu0[i]) / wall, peak_rss_mb(pids[i])});
  }
  cleanup();
  // "PASS: Throughput is 2750 writes/s" or "FAIL: Throughput too low: 2750 writes/s"
  std::smatch m;
  static const std::regex re(R"(Throughput[^0-9\n]*([0-9]+(?:\.[0-9]+)?) writes/s)");
  if (!std::regex_search(out.second, m, re)) {
    res.why_not = "could not find the throughput in etcdctl's output (exit " +
                  std::to_string(out.first) +
                  "): " + out.second.substr(out.second.size() > 600 ? out.second.size() - 600 : 0);
    return res;
  }
  res.ran = true;
  res.writes_per_s = std::stod(m[1]);
  std::stringstream lines(out.second);
  for (std::string line; std::getline(lines, line, '\n');) {
    auto cr = line.rfind('\r');
    if (cr != std::string::npos) line = line.substr(cr + 1);
    // The summary after the progress bar: throughput, slowest request, stddev, PASS/FAIL.
    if (line.find(" / 60") == std::string::npos && !line.empty())
      res.verdict += "    " + line + "\n";
  }
  return res;
}

void print_nodes(const char* label, const std::vector<NodeUsage>& nodes, double client_cpu) {
  std::printf("  %s\n", label);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    std::printf("    node%zu cpu %3.0f%%  peak rss %4.0f MB\n", i, nodes[i].cpu_pct,
                nodes[i].rss_mb);
  }
  std::printf("    bench clients (this process) cpu %3.0f%%\n", client_cpu);
}

}  // namespace

int main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);
  Settings s;
  CLI::App app{"Validator-network benchmark: N regledgerd validators, signed 1 KB submissions"};
  app.add_option("--validators", s.validators, "Validators")->check(CLI::Range(1, 16));
  app.add_option("--clients", s.clients, "Concurrent keep-alive clients (a multiple of validators)")
      ->check(CLI::Range(1, 512));
  app.add_option("--seconds", s.seconds, "Measured window of each peak run")
      ->check(CLI::Range(1, 3600));
  app.add_option("--warmup", s.warmup, "Seconds of load before the measured window")
      ->check(CLI::Range(0, 600));
  app.add_option("--runs", s.runs, "Peak runs, each on a fresh cluster (the median is reported)")
      ->check(CLI::Range(1, 20));
  app.add_option("--latency-seconds", s.latency_seconds,
                 "Open-loop phase at half the peak rate (0 skips it)")
      ->check(CLI::Range(0, 3600));
  app.add_option("--latency-rate", s.latency_rate,
                 "Open-loop rate of the latency phase (0 = half of the median peak)")
      ->check(CLI::Range(0.0, 1e6));
  app.add_option("--payload", s.payload, "Report payload bytes")->check(CLI::Range(128, 60000));
  app.add_option("--reporters", s.reporters, "Reporting accounts that sign the txs")
      ->check(CLI::Range(1, 64));
  app.add_option("--presign-rate", s.presign_rate,
                 "Txs pre-signed per second of a peak run (run 1; later runs size from run 1)")
      ->check(CLI::Range(100, 100000));
  app.add_option("--poll-ms", s.poll_ms, "Commit polling interval of the latency phase")
      ->check(CLI::Range(1, 1000));
  app.add_option("--block-interval-ms", s.block_interval_ms, "Genesis block interval")
      ->check(CLI::Range(1, 10000));
  app.add_option("--max-block-txs", s.max_block_txs, "Genesis max txs per block")
      ->check(CLI::Range(1, 100000));
  app.add_option("--batch", s.batch,
                 "Peak phase: signed txs per request; above 1 the clients use POST /v1/txs/batch "
                 "(each tx is still signed and admitted on its own)")
      ->check(CLI::Range(1, 1000));
  app.add_option("--mempool-max-txs", s.mempool_max_txs,
                 "Validators' mempool bound (0 = node default); a smaller one makes batched "
                 "clients feel back-pressure sooner")
      ->check(CLI::Range(0, 1'000'000));
  app.add_option("--offered-rate", s.offered_rate,
                 "Peak phase: pace the clients at this many tx/s in all (0 = as fast as the APIs "
                 "accept)")
      ->check(CLI::Range(0.0, 1e6));
  app.add_option("--drain-seconds", s.drain_seconds,
                 "After each peak run: wait up to this long for the mempools to empty, printing "
                 "progress (0 = do not wait)")
      ->check(CLI::Range(0, 3600));
  app.add_flag("--skip-etcd", s.skip_etcd, "Skip the etcd comparison");
  app.add_option("--etcd-load", s.etcd_load, "etcdctl check perf --load (s, m, l, xl)")
      ->check(CLI::IsMember({"s", "m", "l", "xl"}));
  app.add_option("--log-level", s.log_level, "Validators' log level");
  CLI11_PARSE(app, argc, argv);
  if (s.clients % s.validators != 0) {
    std::fprintf(stderr, "cluster_bench: --clients must be a multiple of --validators\n");
    return 2;
  }

  std::printf(
      "cluster_bench: %d validators, %d clients, %d runs x (%d s warm-up + %d s), "
      "latency phase %d s, payload %d bytes, %u cores\n",
      s.validators, s.clients, s.runs, s.warmup, s.seconds, s.latency_seconds, s.payload,
      std::thread::hardware_concurrency());
  if (s.offered_rate > 0) std::printf("  peak phase paced at %.0f tx/s in all\n", s.offered_rate);
  if (s.batch > 1 && s.offered_rate > 0) {
    std::fprintf(stderr, "--batch and --offered-rate cannot be combined\n");
    return 2;
  }
  std::printf("  peak phase submissions: %s\n",
              s.batch > 1 ? (std::to_string(s.batch) + " signed txs per POST /v1/txs/batch").c_str()
                          : "one signed tx per POST /v1/txs");
  std::printf(
      "  genesis block_interval %d ms, max_block_txs %d; node default consensus "
      "timeouts; validators' config.json log_level %s (NodeProcess passes --log-level info, "
      "which wins); a fresh cluster for every run and for the latency phase\n",
      s.block_interval_ms, s.max_block_txs, s.log_level.c_str());
  std::fflush(stdout);

  Signed totals;
  std::vector<PeakRun> runs;
  std::size_t presign_count =
      static_cast<std::size_t>(s.presign_rate) * static_cast<std::size_t>(s.warmup + s.seconds);
  for (int r = 1; r <= s.runs; ++r) {
    runs.push_back(peak_run(r, s, presign_count, &totals));
    if (r == 1 && !runs[0].exhausted) {
      // Later runs: what run 1 consumed plus a margin, not the worst-case guess.
      presign_count = std::min(presign_count, runs[0].used * 13 / 10 + 5000);
    }
  }
  std::vector<double> rates;
  for (const auto& r : runs) rates.push_back(r.rate);
  double med = median(rates);
  const PeakRun* med_run = &runs[0];
  for (const auto& r : runs)
    if (r.rate == med) med_run = &r;

  std::optional<LatencyResult> lat;
  std::string lat_skipped;
  double lat_rate = s.latency_rate > 0 ? s.latency_rate : med / 2;
  if (s.latency_seconds == 0) {
    lat_skipped = "--latency-seconds 0";
  } else if (lat_rate < 1) {
    lat_skipped =
        "half of the median peak is below 1 tx/s (the validators committed next to "
        "nothing under this load; --offered-rate paces the peak phase, --latency-rate "
        "sets the rate of this one)";
  } else {
    lat = latency_phase(s, lat_rate, &totals);
  }
  EtcdResult etcd;
  if (s.skip_etcd) {
    etcd.why_not = "--skip-etcd";
  } else {
    etcd = etcd_check_perf(s);
  }

  std::printf("\n================ cluster_bench results ================\n");
  std::printf(
      "%d validators on one machine (%u cores), %d clients round-robin over their APIs, "
      "signed SubmitReport txs of %s bytes on average\n",
      s.validators, std::thread::hardware_concurrency(), s.clients,
      grouped(totals.count ? static_cast<double>(totals.bytes) / totals.count : 0).c_str());
  std::string list;
  for (std::size_t i = 0; i < rates.size(); ++i) list += (i ? ", " : "") + grouped(rates[i]);
  std::string offered = s.offered_rate > 0 ? "offered " + grouped(s.offered_rate) + " tx/s"
                                           : "offered as fast as the APIs accept";
  if (s.batch > 1) offered += ", " + std::to_string(s.batch) + " txs per request";
  std::printf("committed tx/s (median of %d, %d s windows, %s): %s  runs: [%s]\n", s.runs,
              s.seconds, offered.c_str(), grouped(med).c_str(), list.c_str());
  print_nodes("peak, median run (cpu over the window; 100% = one core):", med_run->nodes,
              med_run->client_cpu_pct);
  if (lat) {
    std::printf(
        "latency at %s tx/s offered (open loop, %d s): p50 %s ms  p90 %s ms  p99 %s ms  "
        "max %s ms\n",
        grouped(lat->offered).c_str(), s.latency_seconds,
        grouped(percentile(lat->lat_ms, 50)).c_str(), grouped(percentile(lat->lat_ms, 90)).c_str(),
        grouped(percentile(lat->lat_ms, 99)).c_str(),
        grouped(lat->lat_ms.empty() ? 0 : lat->lat_ms.back()).c_str());
    std::printf(
        "  %s sent, %s seen committed (%s tx/s), %zu send failures, max send lag %.0f "
        "ms; latency = first /v1/status of the node the tx was sent to showing its "
        "block, minus the scheduled send time; polled every %d ms, status round trip "
        "%.1f ms\n",
        grouped(static_cast<double>(lat->sent)).c_str(),
        grouped(static_cast<double>(lat->committed)).c_str(), grouped(lat->achieved).c_str(),
        lat->send_failures, lat->max_send_lag_ms, s.poll_ms, lat->status_rtt_ms);
    print_nodes("half-peak load (cpu over the sending time):", lat->nodes, lat->client_cpu_pct);
  } else {
    std::printf("latency phase skipped: %s\n", lat_skipped.c_str());
  }
  if (etcd.ran) {
    std::printf("etcd check perf (--load=%s, 3 members): %s writes/s; ratio regledger/etcd %.2f\n",
                s.etcd_load.c_str(), grouped(etcd.writes_per_s).c_str(), med / etcd.writes_per_s);
    std::printf("%s", etcd.verdict.c_str());
    for (std::size_t i = 0; i < etcd.members.size(); ++i) {
      std::printf("    etcd m%zu cpu %3.0f%%  peak rss %4.0f MB\n", i, etcd.members[i].cpu_pct,
                  etcd.members[i].rss_mb);
    }
  } else {
    std::printf("etcd comparison skipped: %s\n", etcd.why_not.c_str());
  }
  bool tput_ok = med >= 3000;
  std::printf("target committed >= 3,000 tx/s: %s (%s)\n", tput_ok ? "MET" : "NOT MET",
              grouped(med).c_str());
  if (lat) {
    double p99 = percentile(lat->lat_ms, 99);
    bool all = lat->committed == lat->sent && lat->sent > 0;
    std::printf("target p99 < 2 s at half of peak: %s (p99 %s ms at %s tx/s%s%s)\n",
                p99 < 2000 && all ? "MET" : "NOT MET", grouped(p99).c_str(),
                grouped(lat->offered).c_str(),
                s.latency_rate > 0 ? ", a rate set by --latency-rate, not half of the peak" : "",
                all ? "" : "; not every sent tx was seen committed");
  }
  std::printf("RESULT committed_tx_per_s_median=%.0f", med);
  if (lat) {
    std::printf(" latency_p50_ms=%.0f latency_p99_ms=%.0f", percentile(lat->lat_ms, 50),
                percentile(lat->lat_ms, 99));
  }
  if (etcd.ran)
    std::printf(" etcd_writes_per_s=%.0f ratio=%.2f", etcd.writes_per_s, med / etcd.writes_per_s);
  std::printf("\n");
  return 0;
}
