#include "tests/cluster/cluster_checks.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <sstream>
#include <stdexcept>

#include "tests/support/report_tx.hpp"

namespace rl::testing {

client::Identity enroll_reporter(const Cluster& c, std::size_t via) {
  auto id = enroll_over_api(c.target(via), c.genesis(), c.admin(), c.dir(), "bank-a",
                            "bank-a-reporting", "0105");
  if (!id.ok()) throw std::runtime_error("enroll: " + id.error().to_string());
  // Committed on `via`; a test may submit through another node next, and a node a block behind
  // would rightly refuse the certificate as not bound yet. Wait for every running node.
  std::vector<std::size_t> up;
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (c.running(i)) up.push_back(i);
  }
  if (!c.wait_height(up, c.height(via), std::chrono::seconds(30))) {
    throw std::runtime_error("enroll: the running nodes did not reach the enrollment height");
  }
  return std::move(id).value();
}

Result<std::string> submit_report(const Cluster& c, std::size_t via,
                                  const client::Identity& reporter, const std::string& period) {
  RL_ASSIGN_OR_RETURN(auto tx, capital_adequacy_tx(reporter, c.genesis().chain_id, c.height(via),
                                                   capital_adequacy_payload(period), period));
  return submit_and_wait(c.target(via), tx, std::chrono::seconds(30));
}

std::vector<std::string> chain_differences(const Cluster& c, const std::vector<std::size_t>& nodes,
                                           std::uint64_t from, std::uint64_t up_to) {
  std::vector<std::string> out;
  for (std::uint64_t h = from; h <= up_to; ++h) {
    std::vector<std::pair<std::string, std::string>> seen;  // (block hash, app hash) by node
    bool differ = false;
    for (std::size_t i : nodes) {
      seen.emplace_back(c.block_hash(i, h), c.app_hash(i, h));
      differ = differ || seen.back().first.empty() || seen.back() != seen.front();
    }
    if (!differ) continue;
    std::ostringstream line;
    line << "height " << h << ":";
    for (std::size_t k = 0; k < nodes.size(); ++k) {
      line << " node" << nodes[k] << " block=" << seen[k].first.substr(0, 16)
           << " app=" << seen[k].second.substr(0, 16) << ";";
    }
    out.push_back(line.str());
  }
  return out;
}

std::map<std::uint64_t, std::int64_t> committed_rounds(const std::string& log_text) {
  static constexpr std::string_view kKey = "block committed height=";
  std::map<std::uint64_t, std::int64_t> out;
  for (auto at = log_text.find(kKey); at != std::string::npos;
       at = log_text.find(kKey, at + kKey.size())) {
    char* end = nullptr;
    const auto h = std::strtoull(log_text.c_str() + at + kKey.size(), &end, 10);
    if (std::strncmp(end, " round=", 7) == 0) out.emplace(h, std::strtoll(end + 7, nullptr, 10));
  }
  return out;
}

void expect_same_chain(const Cluster& c, const std::vector<std::size_t>& nodes,
                       std::uint64_t up_to) {
  for (const auto& d : chain_differences(c, nodes, 1, up_to)) ADD_FAILURE() << "fork or gap: " << d;
}

}  // namespace rl::testing
