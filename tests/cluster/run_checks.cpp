#include "tests/cluster/run_checks.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>
#include <utility>

#include "tests/cluster/cluster_checks.hpp"

namespace rl::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

std::uint64_t highest_height(const Cluster& c, const std::vector<std::size_t>& nodes) {
  std::uint64_t h = 0;
  for (std::size_t i : nodes) h = std::max(h, c.height(i));
  return h;
}

// A tx committed on one node must be on every node that has reached its height, at that
// height. Returns the violations; `committed` counts the txs committed somewhere, and
// `unsettled` gets the ids not yet committed on every node (to be asked again next time).
std::vector<std::string> lost_txs(const Cluster& c, const std::vector<std::size_t>& nodes,
                                  const std::vector<std::string>& ids, std::uint64_t* committed,
                                  std::vector<std::string>* unsettled) {
  std::vector<std::string> out;
  const std::size_t n = nodes.size();
  std::vector<std::uint64_t> reached;  // read before the txs: a node's height only grows
  std::vector<http::HttpsClient> clients;
  for (std::size_t i : nodes) {
    reached.push_back(c.height(i));
    clients.push_back(c.target(i).client(3000));
  }
  for (const auto& id : ids) {
    std::vector<std::uint64_t> at(n, 0);  // 0: not committed there
    for (std::size_t k = 0; k < n; ++k) {
      auto r = clients[k].get("/v1/txs/" + id);
      if (!r.ok() || r->status != 200) continue;
      auto j = json::parse(r->body, nullptr, false);
      if (!j.is_discarded() && j.value("status", "") == "committed") {
        at[k] = j.value("height", std::uint64_t{0});
      }
    }
    std::size_t first = n;
    for (std::size_t k = 0; k < n && first == n; ++k) {
      if (at[k] != 0) first = k;
    }
    if (first == n || std::count(at.begin(), at.end(), at[first]) != std::ssize(at)) {
      unsettled->push_back(id);
    }
    if (first == n) continue;
    ++*committed;
    for (std::size_t k = 0; k < n; ++k) {
      if (at[k] == at[first] || reached[k] < at[first]) continue;
      std::ostringstream v;
      v << "tx " << id << " committed at height " << at[first] << " on node" << nodes[first]
        << " but ";
      if (at[k] == 0) {
        v << "missing";
      } else {
        v << "at height " << at[k];
      }
      v << " on node" << nodes[k] << " (at height " << reached[k] << ")";
      out.push_back(v.str());
    }
  }
  return out;
}

// "node0=committed@12 node1=pending node2=absent ...": where a tx stands on each of `nodes`.
std::string tx_whereabouts(const Cluster& c, const std::vector<std::size_t>& nodes,
                           const std::string& id) {
  std::ostringstream s;
  for (std::size_t i : nodes) {
    auto r = c.target(i).client(3000).get("/v1/txs/" + id);
    s << (i != nodes.front() ? " " : "") << "node" << i << "=";
    if (!r.ok()) {
      s << "no_answer";
    } else if (r->status != 200) {
      s << "http_" << r->status;
    } else {
      auto j = json::parse(r->body, nullptr, false);
      const std::string status = j.is_discarded() ? "unreadable" : j.value("status", "?");
      s << status;
      if (status == "committed") s << "@" << j.value("height", std::uint64_t{0});
    }
  }
  return s.str();
}

}  // namespace

std::vector<std::size_t> all_nodes(const Cluster& c) {
  std::vector<std::size_t> v;
  for (std::size_t i = 0; i < c.size(); ++i) v.push_back(i);
  return v;
}

std::string heights_text(const Cluster& c, const std::vector<std::size_t>& nodes) {
  std::ostringstream s;
  for (std::size_t k = 0; k < nodes.size(); ++k) s << (k ? "," : "") << c.height(nodes[k]);
  return s.str();
}

RunChecks::RunChecks(const Cluster& c, std::vector<std::size_t> nodes)
    : c_(c), nodes_(std::move(nodes)), watch_(c, nodes_) {}

void RunChecks::start_load(std::uint64_t seed, std::vector<std::size_t> targets) {
  load_.emplace(c_, enroll_reporter(c_, nodes_.front()), seed,
                targets.empty() ? nodes_ : std::move(targets));
}

CheckResult RunChecks::check(std::uint64_t heights, std::chrono::milliseconds bound) {
  const Cluster& c = c_;
  CheckResult res;
  // Liveness: every checked node passes the highest height at the start by `heights`.
  const std::uint64_t from = highest_height(c, nodes_);
  const auto t_start = Clock::now();
  const bool live = c.wait_height(nodes_, from + heights, bound);
  const double recovery_s = std::chrono::duration<double>(Clock::now() - t_start).count();
  if (!live) {
    std::ostringstream v;
    v << "liveness: not every node reached height " << from + heights << " within "
      << std::chrono::duration<double>(bound).count() << " s; heights " << heights_text(c, nodes_);
    res.violations.push_back(v.str());
  }
  if (load_) load_->pause();
  // Let every node reach the highest height before comparing (bounded: a node that cannot is
  // compared up to where it is).
  c.wait_height(nodes_, highest_height(c, nodes_), std::chrono::seconds(10));
  for (auto& d : watch_.new_forks()) res.violations.push_back("fork: " + d);
  // What the nodes that answer serve now (a node that halted is covered by the watch alone).
  std::vector<std::size_t> answering;
  std::uint64_t common = UINT64_MAX;
  for (std::size_t i : nodes_) {
    const std::uint64_t h = c.height(i);
    if (h == 0) continue;
    answering.push_back(i);
    common = std::min(common, h);
  }
  if (answering.size() < nodes_.size()) {
    std::ostringstream v;
    v << "down: " << nodes_.size() - answering.size() << " node(s) do not answer";
    res.violations.push_back(v.str());
  }
  if (answering.size() >= 2 && common > checked_up_to_) {
    for (auto& d : chain_differences(c, answering, checked_up_to_ + 1, common)) {
      res.violations.push_back("fork: " + d);
    }
    checked_up_to_ = common;
  }
  // The txs accepted since the previous check, and those not on every node then.
  const auto accepted = load_ ? load_->accepted() : std::vector<std::string>{};
  std::vector<std::string> ids = std::exchange(unsettled_, {});
  ids.insert(ids.end(), accepted.begin() + static_cast<std::ptrdiff_t>(asked_), accepted.end());
  asked_ = accepted.size();
  std::uint64_t committed = 0;
  for (auto& l : lost_txs(c, nodes_, ids, &committed, &unsettled_)) {
    res.violations.push_back("lost tx: " + l);
  }
  if (load_) load_->resume();
  std::ostringstream line;
  line << "heights from " << from << " -> " << heights_text(c, nodes_) << " (+" << heights << " in "
       << recovery_s << " s)"
       << " | txs: accepted=" << accepted.size() << " (total) checked=" << ids.size()
       << " committed=" << committed << " not_yet_on_every_node=" << unsettled_.size()
       << " refused=" << (load_ ? load_->refused() : 0)
       << " | blocks recorded=" << watch_.blocks_recorded()
       << " | violations=" << res.violations.size();
  res.summary = line.str();
  return res;
}

CheckResult RunChecks::check_every_tx_committed(std::chrono::seconds settle) {
  CheckResult res;
  if (load_) load_->pause();  // for good: nothing is accepted after this
  const auto accepted = load_ ? load_->accepted() : std::vector<std::string>{};
  std::vector<std::string> waiting = accepted;
  const auto t0 = Clock::now();
  for (;;) {
    std::vector<std::string> still;
    std::uint64_t committed_somewhere = 0;
    auto lost = lost_txs(c_, nodes_, waiting, &committed_somewhere, &still);
    for (auto& l : lost) res.violations.push_back("lost tx: " + l);
    // A tx at different heights on two nodes will not heal by waiting.
    if (!lost.empty() || still.empty() || Clock::now() - t0 > settle) {
      waiting = std::move(still);
      break;
    }
    waiting = std::move(still);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  // "node3", or "no node" for an id the load does not know (it always does).
  auto via = [&](const std::string& id) {
    const auto node = load_ ? load_->accepted_via(id) : std::nullopt;
    return node ? "node" + std::to_string(*node) : std::string("no node");
  };
  // The first few with where each stands on every checked node (a request to each node per tx);
  // the others by id alone, so that the message names every tx lost.
  constexpr std::size_t kDetailed = 10;
  std::string rest;
  std::size_t rest_count = 0;
  for (std::size_t k = 0; k < waiting.size(); ++k) {
    const std::string& id = waiting[k];
    if (k < kDetailed) {
      res.violations.push_back("not committed: tx " + id + " accepted by " + via(id) +
                               " but not on every node " + std::to_string(settle.count()) +
                               " s after the load stopped: " + tx_whereabouts(c_, nodes_, id));
    } else {
      rest += ' ' + id + " (" + via(id) + ")";
      ++rest_count;
    }
  }
  if (rest_count > 0) {
    res.violations.push_back("not committed: " + std::to_string(rest_count) +
                             " more txs accepted but not on every node:" + rest);
  }
  std::ostringstream line;
  line << "txs: accepted=" << accepted.size()
       << " committed_on_every_node=" << accepted.size() - waiting.size()
       << " not_committed=" << waiting.size() << " (waited "
       << std::chrono::duration<double>(Clock::now() - t0).count() << " s)"
       << " | heights " << heights_text(c_, nodes_) << " | violations=" << res.violations.size();
  res.summary = line.str();
  return res;
}

}  // namespace rl::testing
