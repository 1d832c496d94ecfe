#include "tests/cluster/fault_run.hpp"

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

std::vector<std::size_t> all_nodes(const Cluster& c) {
  std::vector<std::size_t> v;
  for (std::size_t i = 0; i < c.size(); ++i) v.push_back(i);
  return v;
}

std::string heights_text(const Cluster& c) {
  std::ostringstream s;
  for (std::size_t i = 0; i < c.size(); ++i) s << (i ? "," : "") << c.height(i);
  return s.str();
}

std::uint64_t highest_height(const Cluster& c) {
  std::uint64_t h = 0;
  for (std::size_t i = 0; i < c.size(); ++i) h = std::max(h, c.height(i));
  return h;
}

// A tx committed on one node must be on every node that has reached its height, at that
// height. Returns the violations; `committed` counts the txs committed somewhere, and
// `unsettled` gets the ids not yet committed on every node (to be asked again next time).
std::vector<std::string> lost_txs(const Cluster& c, const std::vector<std::string>& ids,
                                  std::uint64_t* committed, std::vector<std::string>* unsettled) {
  std::vector<std::string> out;
  std::vector<std::uint64_t> reached;  // read before the txs: a node's height only grows
  std::vector<http::HttpsClient> clients;
  for (std::size_t i = 0; i < c.size(); ++i) {
    reached.push_back(c.height(i));
    clients.push_back(c.target(i).client(3000));
  }
  for (const auto& id : ids) {
    std::vector<std::uint64_t> at(c.size(), 0);  // 0: not committed there
    for (std::size_t i = 0; i < c.size(); ++i) {
      auto r = clients[i].get("/v1/txs/" + id);
      if (!r.ok() || r->status != 200) continue;
      auto j = json::parse(r->body, nullptr, false);
      if (!j.is_discarded() && j.value("status", "") == "committed") {
        at[i] = j.value("height", std::uint64_t{0});
      }
    }
    std::size_t first = c.size();
    for (std::size_t i = 0; i < c.size() && first == c.size(); ++i) {
      if (at[i] != 0) first = i;
    }
    if (first == c.size() || std::count(at.begin(), at.end(), at[first]) != std::ssize(at)) {
      unsettled->push_back(id);
    }
    if (first == c.size()) continue;
    ++*committed;
    for (std::size_t i = 0; i < c.size(); ++i) {
      if (at[i] == at[first] || reached[i] < at[first]) continue;
      std::ostringstream v;
      v << "tx " << id << " committed at height " << at[first] << " on node" << first << " but ";
      if (at[i] == 0) {
        v << "missing";
      } else {
        v << "at height " << at[i];
      }
      v << " on node" << i << " (at height " << reached[i] << ")";
      out.push_back(v.str());
    }
  }
  return out;
}

// "node0=committed@12 node1=pending node2=absent ...": where a tx stands on every node.
std::string tx_whereabouts(const Cluster& c, const std::string& id) {
  std::ostringstream s;
  for (std::size_t i = 0; i < c.size(); ++i) {
    auto r = c.target(i).client(3000).get("/v1/txs/" + id);
    s << (i ? " " : "") << "node" << i << "=";
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

FaultRun::FaultRun(ClusterOptions options, std::uint64_t network_seed) {
  const std::size_t validators = options.validators;
  cluster_.emplace(std::move(options));
  net_.emplace(*cluster_, validators, network_seed);
  cluster_->start_all();
  watch_.emplace(*cluster_);
}

std::string FaultRun::heights() const {
  return heights_text(*cluster_);
}

void FaultRun::start_load(std::uint64_t seed) {
  load_.emplace(*cluster_, enroll_reporter(*cluster_, 0), seed);
}

HealCheck FaultRun::check_after_heal() {
  Cluster& c = *cluster_;
  HealCheck res;
  // Liveness: everyone passes the highest height at the heal by kHeightsAfterHeal.
  const std::uint64_t healed_at = highest_height(c);
  const auto t_heal = Clock::now();
  const bool live = c.wait_height(all_nodes(c), healed_at + kHeightsAfterHeal, kLivenessBound);
  const double recovery_s = std::chrono::duration<double>(Clock::now() - t_heal).count();
  if (!live) {
    std::ostringstream v;
    v << "liveness: not every node reached height " << healed_at + kHeightsAfterHeal << " within "
      << kLivenessBound.count() << " s of the heal; heights " << heights_text(c);
    res.violations.push_back(v.str());
  }
  if (load_) load_->pause();
  // Let every node reach the highest height before comparing (bounded: a node that cannot is
  // compared up to where it is).
  c.wait_height(all_nodes(c), highest_height(c), std::chrono::seconds(10));
  for (auto& d : watch_->new_forks()) res.violations.push_back("fork: " + d);
  // What the nodes that answer serve now (a node that halted is covered by the watch alone).
  std::vector<std::size_t> answering;
  std::uint64_t common = UINT64_MAX;
  for (std::size_t i = 0; i < c.size(); ++i) {
    const std::uint64_t h = c.height(i);
    if (h == 0) continue;
    answering.push_back(i);
    common = std::min(common, h);
  }
  if (answering.size() < c.size()) {
    std::ostringstream v;
    v << "down: " << c.size() - answering.size() << " node(s) do not answer after the heal";
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
  for (auto& l : lost_txs(c, ids, &committed, &unsettled_))
    res.violations.push_back("lost tx: " + l);
  if (load_) load_->resume();
  std::ostringstream line;
  line << "heights healed at " << healed_at << " -> " << heights_text(c) << " (+"
       << kHeightsAfterHeal << " in " << recovery_s << " s)"
       << " | txs: accepted=" << accepted.size() << " (total) checked=" << ids.size()
       << " committed=" << committed << " not_yet_on_every_node=" << unsettled_.size()
       << " refused=" << (load_ ? load_->refused() : 0)
       << " | blocks recorded=" << watch_->blocks_recorded()
       << " | violations=" << res.violations.size();
  res.summary = line.str();
  return res;
}

HealCheck FaultRun::check_every_tx_committed() {
  Cluster& c = *cluster_;
  HealCheck res;
  if (load_) load_->pause();  // for good: nothing is accepted after this
  const auto accepted = load_ ? load_->accepted() : std::vector<std::string>{};
  std::vector<std::string> waiting = accepted;
  const auto t0 = Clock::now();
  for (;;) {
    std::vector<std::string> still;
    std::uint64_t committed_somewhere = 0;
    auto lost = lost_txs(c, waiting, &committed_somewhere, &still);
    for (auto& l : lost) res.violations.push_back("lost tx: " + l);
    // A tx at different heights on two nodes will not heal by waiting.
    if (!lost.empty() || still.empty() || Clock::now() - t0 > kSettleBound) {
      waiting = std::move(still);
      break;
    }
    waiting = std::move(still);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  for (const auto& id : waiting) {
    if (res.violations.size() >= 10) break;  // the first few say enough
    res.violations.push_back("not committed: tx " + id + " accepted but not on every node " +
                             std::to_string(kSettleBound.count()) +
                             " s after the load stopped: " + tx_whereabouts(c, id));
  }
  std::ostringstream line;
  line << "txs: accepted=" << accepted.size()
       << " committed_on_every_node=" << accepted.size() - waiting.size()
       << " not_committed=" << waiting.size() << " (waited "
       << std::chrono::duration<double>(Clock::now() - t0).count() << " s)"
       << " | heights " << heights_text(c) << " | violations=" << res.violations.size();
  res.summary = line.str();
  return res;
}

}  // namespace rl::testing
