// The 3 a.m. test: kill -9 of random validators at random moments while clients submit reports
// to whichever validators are up. After every kill, once the victim is back, the chain must have
// advanced and every node must serve the same blocks and the same receipts, each receipt
// verifying offline against genesis; at the end every receipt a client was given is checked on
// every node once more. A failure names the kill after which it was seen.
//   RL_KILLS=N   number of kills (default RL_KILL_LOOP_DEFAULT_KILLS: 20 in the cluster suite,
//                200 in the soak binary that `make soak` runs)
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <thread>
#include <unordered_set>

#include "common/bytes.hpp"
#include "ledger/receipt.hpp"
#include "tests/cluster/cluster_checks.hpp"
#include "tests/support/cluster.hpp"
#include "tests/support/report_tx.hpp"

#ifndef RL_KILL_LOOP_DEFAULT_KILLS
#define RL_KILL_LOOP_DEFAULT_KILLS 20
#endif
// Distinct per executable (default / soak) so the ctest names, and hence labels, never clash.
#ifndef RL_KILL_LOOP_SUITE
#define RL_KILL_LOOP_SUITE KillLoopTest
#endif

namespace rl::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

// How long the running nodes get to pass the previous check's height, and to reach the height
// of the newest receipt. Blocks come every few hundred ms under this load and a restarted node
// catches up in about a second, so 20 s only trips on a stall, not on a slow machine.
constexpr auto kProgressBound = seconds(20);
// Receipts checked before are re-checked on every node in a random sample of this size after
// each kill: every receipt is compared on every node once, at the first check after its commit,
// and the sample (plus the full sweep at the end) catches a node that loses one later, e.g. on
// a restart, while keeping each check's cost bounded in a 200-kill soak.
constexpr std::size_t kResample = 32;

int kills_from_env() {
  const char* v = std::getenv("RL_KILLS");
  if (v == nullptr || *v == '\0') return RL_KILL_LOOP_DEFAULT_KILLS;
  int n = std::atoi(v);
  return n > 0 ? n : RL_KILL_LOOP_DEFAULT_KILLS;
}

// What a client was given for a committed tx, reduced to what every node must serve alike once
// the full receipt has been verified offline.
struct Checked {
  std::string tx_id;
  std::uint64_t height = 0;
  Bytes header;
};

struct Tally {
  std::uint64_t checks = 0;             // after-kill checks, plus the final one
  std::uint64_t receipts_verified = 0;  // distinct receipts verified offline against genesis
  std::uint64_t receipt_checks = 0;     // (receipt, node) pairs compared
  std::uint64_t block_checks = 0;       // (height, node) pairs compared
  std::uint64_t forks = 0;              // a node serving another block, or a tx at another block
  std::uint64_t lost = 0;               // a node without a tx that was committed
  std::uint64_t invalid = 0;            // a receipt that does not verify offline
  double seconds = 0;  // spent in the checks (the load runs on meanwhile, the kills wait)
};

// The state the checks carry from one kill to the next: the height last checked, the block
// hash first seen at every height, and the receipts already compared.
class ChainChecker {
 public:
  ChainChecker(const Cluster& c, ledger::TrustAnchor anchor)
      : c_(c), anchor_(std::move(anchor)), rng_(4242) {
    // Keep-alive, one per node: a check makes hundreds of requests, and a TLS handshake each
    // would dominate the loop's time. A client reconnects by itself after its node restarts.
    for (std::size_t i = 0; i < c_.size(); ++i) clients_.push_back(c_.target(i).client(3000));
  }

  // One check. `when` names it in failures ("kill 7 (node2)"). `fresh` are the receipts
  // collected since the previous check. The final check, made after the load has stopped,
  // requires no progress and compares every block and every receipt again instead of the new
  // ones and a sample. Returns false (after a gtest failure) when the loop should stop.
  bool check(const std::string& when, std::vector<std::pair<std::string, ledger::Receipt>> fresh,
             bool final) {
    ++tally_.checks;
    // Counted on every return path: what the checks add to the loop's time is worth seeing.
    struct Timer {
      double& total;
      Clock::time_point start = Clock::now();
      ~Timer() { total += std::chrono::duration<double>(Clock::now() - start).count(); }
    } timer{tally_.seconds};
    std::vector<std::size_t> up;
    for (std::size_t i = 0; i < c_.size(); ++i) {
      if (c_.running(i)) up.push_back(i);
    }
    // (a) The chain advanced: every running node is above the height of the previous check.
    std::uint64_t common = 0;
    for (auto deadline = Clock::now() + kProgressBound;;) {
      common = lowest_height(up);
      if (final || common > last_height_) break;
      if (Clock::now() > deadline) {
        ADD_FAILURE() << "after " << when << ": the chain did not advance past height "
                      << last_height_ << " (recorded at the previous check) within "
                      << kProgressBound.count() << " s; heights now: " << heights_text();
        return false;
      }
      std::this_thread::sleep_for(milliseconds(50));
    }
    // (b) Each new receipt verifies offline; then every running node must have its block.
    std::vector<Checked> batch;
    std::map<std::uint64_t, std::string> receipt_block;  // height -> block hash in a receipt
    std::uint64_t need = common;
    for (auto& [id, r] : fresh) {
      auto v = ledger::verify_receipt(anchor_, r);
      if (!v.ok()) {
        ++tally_.invalid;
        ADD_FAILURE() << "after " << when << ": receipt of " << id
                      << " does not verify offline: " << v.error().to_string();
        continue;
      }
      ++tally_.receipts_verified;
      receipt_block.emplace(r.height, v->block_hash_hex);
      need = std::max(need, r.height);
      batch.push_back(Checked{id, r.height, std::move(r.header)});
    }
    if (!c_.wait_height(up, need, kProgressBound)) {
      ADD_FAILURE() << "after " << when << ": not every running node reached height " << need
                    << " (the newest receipt's) within " << kProgressBound.count()
                    << " s; heights now: " << heights_text();
      return false;
    }
    // Every height not compared yet, on every running node, against the first hash seen there;
    // heights compared before are covered by the receipts' headers and the final sweep.
    if (!compare_blocks(when, up, final ? 1 : checked_height_ + 1, need)) return false;
    checked_height_ = need;
    for (const auto& [h, hash] : receipt_block) {
      if (chain_[h].first != hash) {
        ++tally_.forks;
        ADD_FAILURE() << "after " << when << ": a receipt names block " << hash << " at height "
                      << h << ", the nodes serve " << chain_[h].first;
      }
    }
    // The same receipt (height and header) on every running node: the new ones and a sample of
    // the earlier ones.
    std::vector<const Checked*> todo;
    for (const auto& b : batch) todo.push_back(&b);
    if (final || checked_.size() <= kResample) {
      for (const auto& k : checked_) todo.push_back(&k);
    } else {
      for (std::size_t s = 0; s < kResample; ++s) {
        todo.push_back(&checked_[rng_() % checked_.size()]);
      }
    }
    for (const Checked* k : todo) {
      if (!compare_receipt(when, up, *k)) return false;
    }
    for (auto& b : batch) checked_.push_back(std::move(b));
    last_height_ = common;
    return !::testing::Test::HasFailure();
  }

  const Tally& tally() const { return tally_; }
  std::uint64_t last_height() const { return last_height_; }
  std::uint64_t checked_height() const { return checked_height_; }
  std::size_t receipts() const { return checked_.size(); }

 private:
  std::uint64_t lowest_height(const std::vector<std::size_t>& up) const {
    std::uint64_t low = UINT64_MAX;
    for (auto i : up) low = std::min(low, c_.height(i));
    return up.empty() ? 0 : low;
  }

  std::string heights_text() const {
    std::ostringstream s;
    for (std::size_t i = 0; i < c_.size(); ++i) {
      s << (i ? ", " : "") << "node" << i << "=";
      if (c_.running(i)) {
        s << c_.height(i);
      } else {
        s << "down";
      }
    }
    return s.str();
  }

  // GET with a few retries: a keep-alive connection to a node that restarted since it was last
  // used fails once before the client reconnects.
  Result<http::HttpResponse> get(std::size_t node, const std::string& path) {
    Result<http::HttpResponse> r = clients_[node].get(path);
    for (int attempt = 0; attempt < 3 && !r.ok(); ++attempt) {
      std::this_thread::sleep_for(milliseconds(100));
      r = clients_[node].get(path);
    }
    return r;
  }

  bool compare_blocks(const std::string& when, const std::vector<std::size_t>& up,
                      std::uint64_t from, std::uint64_t to) {
    for (std::uint64_t h = from; h <= to; ++h) {
      for (auto i : up) {
        auto r = get(i, "/v1/blocks/" + std::to_string(h));
        json j = r.ok() && r->status == 200 ? json::parse(r->body, nullptr, false) : json();
        if (!j.is_object() || !j.contains("block_hash") || !j.contains("app_hash")) {
          ADD_FAILURE() << "after " << when << ": node" << i << " does not serve block " << h
                        << " (status " << (r.ok() ? r->status : 0) << ")";
          return false;
        }
        ++tally_.block_checks;
        std::pair<std::string, std::string> got{j["block_hash"].get<std::string>(),
                                                j["app_hash"].get<std::string>()};
        auto [it, first] = chain_.emplace(h, got);
        if (!first && it->second != got) {
          ++tally_.forks;
          ADD_FAILURE() << "after " << when << ": fork at height " << h << ": node" << i
                        << " serves block " << got.first << " app " << got.second << ", first seen "
                        << it->second.first << " app " << it->second.second;
        }
      }
    }
    return true;
  }

  bool compare_receipt(const std::string& when, const std::vector<std::size_t>& up,
                       const Checked& k) {
    for (auto i : up) {
      auto r = get(i, "/v1/receipts/" + k.tx_id);
      if (!r.ok()) {
        ADD_FAILURE() << "after " << when << ": node" << i << " did not answer for receipt "
                      << k.tx_id << ": " << r.error().to_string();
        return false;
      }
      ++tally_.receipt_checks;
      if (r->status == 404) {
        ++tally_.lost;
        ADD_FAILURE() << "after " << when << ": node" << i << " lost committed tx " << k.tx_id
                      << " (height " << k.height << ")";
        continue;
      }
      auto rc = r->status == 200 ? ledger::receipt_from_json(r->body)
                                 : Result<ledger::Receipt>(make_error("http_status", r->body));
      if (!rc.ok()) {
        ADD_FAILURE() << "after " << when << ": node" << i << " receipt " << k.tx_id << ": status "
                      << r->status << " " << rc.error().to_string();
        return false;
      }
      if (rc->height != k.height || rc->header != k.header) {
        ++tally_.forks;
        ADD_FAILURE() << "after " << when << ": node" << i << " has " << k.tx_id << " at height "
                      << rc->height << " (" << (rc->header == k.header ? "same" : "another")
                      << " block), the client "
                      << "was given height " << k.height;
      }
    }
    return true;
  }

  const Cluster& c_;
  ledger::TrustAnchor anchor_;
  std::mt19937 rng_;
  std::vector<http::HttpsClient> clients_;
  std::uint64_t last_height_ = 0;     // lowest running height at the previous check
  std::uint64_t checked_height_ = 0;  // blocks 1..this compared on every running node
  std::map<std::uint64_t, std::pair<std::string, std::string>> chain_;  // block, app hash
  std::vector<Checked> checked_;
  Tally tally_;
};

TEST(RL_KILL_LOOP_SUITE, Kill9UnderLoadLoseNothingAndNeverFork) {
  const int kills = kills_from_env();
  const auto t0 = Clock::now();
  ClusterOptions o;
  o.part_bytes = 4096;  // every non-empty proposal travels in parts, as large blocks do
  Cluster c(o);
  c.start_all();
  ASSERT_TRUE(c.wait_height({0, 1, 2, 3}, 2, seconds(30))) << c.all_logs_tail();
  auto reporter = enroll_reporter(c, 0);
  auto anchor = ledger::make_trust_anchor(c.genesis());
  ASSERT_TRUE(anchor.ok());
  ChainChecker checker(c, *anchor);

  // At most one validator is down at a time, so the network (3 of 4) stays live throughout.
  std::atomic<int> down{-1};
  std::atomic<bool> stop_load{false};
  std::atomic<bool> stop_collector{false};
  std::mutex mu;
  std::vector<std::pair<std::string, std::size_t>> accepted;   // tx id, node it went to
  std::unordered_set<std::string> collected;                   // ids with a receipt
  std::vector<std::pair<std::string, ledger::Receipt>> fresh;  // collected, not checked yet
  std::atomic<std::uint64_t> submitted{0};

  auto pick_up_node = [&](std::mt19937& rng) {
    for (;;) {
      std::size_t i = rng() % c.size();
      if (static_cast<int>(i) != down.load()) return i;
    }
  };
  auto take_fresh = [&] {
    std::lock_guard lock(mu);
    return std::exchange(fresh, {});
  };

  std::vector<std::thread> threads;
  // Whichever way the test leaves (a failed ASSERT included), the threads stop and are joined
  // before the cluster and the state they use go away.
  struct Joiner {
    std::atomic<bool>& a;
    std::atomic<bool>& b;
    std::vector<std::thread>& threads;
    ~Joiner() {
      a = true;
      b = true;
      for (auto& th : threads) {
        if (th.joinable()) th.join();
      }
    }
  } joiner{stop_load, stop_collector, threads};

  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(1000 + t);
      std::string pad(700, 'x');
      std::uint64_t height = 1;
      int n = 0;
      while (!stop_load) {
        std::size_t via = pick_up_node(rng);
        auto client = c.target(via).client(1500);
        if (n++ % 20 == 0) height = std::max(height, api_height(c.target(via)));
        auto tx = capital_adequacy_tx(
            reporter, c.genesis().chain_id, height,
            R"({"institution":"bank-a","period":"2026-Q4","cet1_ratio":)" + std::to_string(n) +
                R"(,"total_capital":1,"pad":")" + pad + "\"}",
            "2026-Q4");
        if (!tx.ok()) continue;
        auto r = client.post("/v1/txs", json{{"tx", to_base64(*tx)}}.dump());
        if (r.ok() && r->status == 202) {
          submitted++;
          std::lock_guard lock(mu);
          accepted.emplace_back(json::parse(r->body)["tx_id"].get<std::string>(), via);
        }
        // A steady trickle (~80 tx/s in all) keeps every block busy while leaving the check of
        // every receipt on every node affordable in CI.
        std::this_thread::sleep_for(milliseconds(25));
      }
    });
  }
  // The reporter's receipt collector: asks any up node for receipts of what was accepted.
  threads.emplace_back([&] {
    std::mt19937 rng(7);
    std::vector<http::HttpsClient> clients;  // keep-alive, one per node
    for (std::size_t i = 0; i < c.size(); ++i) clients.push_back(c.target(i).client(1500));
    std::size_t pending_from = 0;  // accepted[0, pending_from) all have receipts
    while (!stop_collector) {
      std::vector<std::pair<std::string, std::size_t>> ids;
      {
        std::lock_guard lock(mu);
        ids.assign(accepted.begin() + static_cast<std::ptrdiff_t>(pending_from), accepted.end());
      }
      bool all_so_far = true;
      for (const auto& [id, via] : ids) {
        if (stop_collector) break;
        {
          std::lock_guard lock(mu);
          if (collected.count(id)) {
            if (all_so_far) ++pending_from;
            continue;
          }
        }
        auto r = clients[pick_up_node(rng)].get("/v1/receipts/" + id);
        auto rc = r.ok() && r->status == 200 ? ledger::receipt_from_json(r->body)
                                             : Result<ledger::Receipt>(make_error("not_yet", ""));
        std::lock_guard lock(mu);
        if (!rc.ok()) {
          all_so_far = false;
          continue;
        }
        collected.insert(id);
        fresh.emplace_back(id, std::move(rc).value());
        if (all_so_far) ++pending_from;
      }
      std::this_thread::sleep_for(milliseconds(50));
    }
  });

  auto elapsed_s = [&] { return std::chrono::duration<double>(Clock::now() - t0).count(); };
  std::mt19937 rng(20261130);
  int done = 0;
  for (int k = 1; k <= kills; ++k) {
    std::this_thread::sleep_for(milliseconds(200 + rng() % 1000));
    std::size_t victim = rng() % c.size();
    down = static_cast<int>(victim);
    c.kill9(victim);
    std::this_thread::sleep_for(milliseconds(100 + rng() % 900));
    c.start(victim);
    ASSERT_TRUE(c.wait_healthy(victim, seconds(20)))
        << "kill " << k << ": node" << victim << " did not come back\n"
        << c.log_tail(victim);
    down = -1;
    done = k;
    const std::string when = "kill " + std::to_string(k) + " (node" + std::to_string(victim) + ")";
    if (!checker.check(when, take_fresh(), false)) break;
    if (k % 10 == 0) {
      std::printf("[kill-loop] %d/%d kills, height %llu, %llu submitted, %zu receipts checked\n", k,
                  kills, static_cast<unsigned long long>(checker.last_height()),
                  static_cast<unsigned long long>(submitted.load()), checker.receipts());
      std::fflush(stdout);
    }
  }

  std::uint64_t top = 0;
  if (!::testing::Test::HasFailure()) {
    // Stop the load, then give the collector a few seconds to fetch the receipts of the last
    // txs accepted (it stops early once it has them all).
    stop_load = true;
    for (auto deadline = Clock::now() + seconds(5); Clock::now() < deadline;) {
      {
        std::lock_guard lock(mu);
        if (collected.size() == accepted.size()) break;
      }
      std::this_thread::sleep_for(milliseconds(100));
    }
    stop_collector = true;
    for (auto& th : threads) th.join();
    for (std::size_t i = 0; i < c.size(); ++i) top = std::max(top, c.height(i));
    EXPECT_TRUE(c.wait_height({0, 1, 2, 3}, top, seconds(60))) << c.all_logs_tail();
    // The final check compares every block and every receipt a client was given on every node.
    checker.check("the last kill and the end of the load", take_fresh(), true);
    EXPECT_GT(checker.receipts(), 20u) << "too little load got through to judge anything";
  }
  // Accepted (202) means pending in one node's mempool, which is in memory only: a tx whose node
  // is killed before it relays the tx can be dropped (a real client resubmits when no receipt
  // comes; this load does not). So those are reported, not failed; `lost` counts committed txs
  // that a node no longer serves, and any is a failure.
  const Tally& t = checker.tally();
  std::printf(
      "[kill-loop] kills=%d submitted=%llu committed=%zu accepted_not_committed=%llu "
      "receipts_checked=%llu (%llu distinct, verified offline) blocks_checked=%llu "
      "final_height=%llu checks=%llu (%.1fs) forks=%llu lost=%llu invalid=%llu time=%.1fs\n",
      done, static_cast<unsigned long long>(submitted.load()), checker.receipts(),
      static_cast<unsigned long long>(submitted.load() - checker.receipts()),
      static_cast<unsigned long long>(t.receipt_checks),
      static_cast<unsigned long long>(t.receipts_verified),
      static_cast<unsigned long long>(t.block_checks),
      static_cast<unsigned long long>(std::max(top, checker.checked_height())),
      static_cast<unsigned long long>(t.checks), t.seconds,
      static_cast<unsigned long long>(t.forks), static_cast<unsigned long long>(t.lost),
      static_cast<unsigned long long>(t.invalid), elapsed_s());
}

}  // namespace
}  // namespace rl::testing
