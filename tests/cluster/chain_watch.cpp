#include "tests/cluster/chain_watch.hpp"

#include <chrono>
#include <nlohmann/json.hpp>
#include <sstream>
#include <utility>

namespace rl::testing {

using nlohmann::json;

ChainWatch::ChainWatch(const Cluster& c, std::vector<std::size_t> nodes)
    : c_(c), nodes_(std::move(nodes)) {
  thread_ = std::thread([this] { run(); });
}

ChainWatch::~ChainWatch() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void ChainWatch::run() {
  const std::size_t n = c_.size();
  std::vector<http::HttpsClient> clients;
  for (std::size_t i = 0; i < n; ++i) clients.push_back(c_.target(i).client(2000));
  std::vector<std::uint64_t> next(n, 1);  // per node: the lowest height not recorded yet
  while (!stop_) {
    for (std::size_t i : nodes_) {
      if (stop_) break;
      // Up to a bounded batch per pass, so a node far ahead does not starve the others.
      for (int batch = 0; batch < 50 && !stop_; ++batch) {
        auto r = clients[i].get("/v1/blocks/" + std::to_string(next[i]));
        if (!r.ok() || r->status != 200) break;  // not committed yet, or the node is down
        auto j = json::parse(r->body, nullptr, false);
        if (j.is_discarded() || !j.contains("block_hash") || !j.contains("app_hash")) break;
        Seen s{j["block_hash"].get<std::string>(), j["app_hash"].get<std::string>()};
        std::lock_guard lock(mu_);
        auto& row = seen_[next[i]];
        row.resize(n);
        row[i] = std::move(s);
        ++next[i];
        ++recorded_;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

std::vector<std::string> ChainWatch::new_forks() {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [h, row] : seen_) {
    if (reported_.count(h)) continue;
    const Seen* first = nullptr;
    bool differ = false;
    for (const auto& s : row) {
      if (s.block.empty()) continue;
      if (first == nullptr) first = &s;
      differ = differ || !(s == *first);
    }
    if (!differ) continue;
    reported_[h] = true;
    std::ostringstream line;
    line << "height " << h << " (as committed):";
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (row[i].block.empty()) continue;
      line << " node" << i << " block=" << row[i].block.substr(0, 16)
           << " app=" << row[i].app.substr(0, 16) << ";";
    }
    out.push_back(line.str());
  }
  return out;
}

}  // namespace rl::testing
