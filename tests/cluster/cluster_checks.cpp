#include "tests/cluster/cluster_checks.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "client/lib/tx_builder.hpp"

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
  RL_ASSIGN_OR_RETURN(
      auto tx, client::build_signed_tx(
                   reporter, c.genesis().chain_id, c.height(via), [&](ledger::pb::TxBody& b) {
                     auto* p = b.mutable_submit_report();
                     p->set_template_id("capital-adequacy");
                     p->set_period(period);
                     p->set_content_type("application/json");
                     p->set_payload(R"({"institution":"bank-a","period":")" + period +
                                    R"(","cet1_ratio":12.5,"total_capital":1000})");
                   }));
  return submit_and_wait(c.target(via), tx, std::chrono::seconds(30));
}

void expect_same_chain(const Cluster& c, const std::vector<std::size_t>& nodes,
                       std::uint64_t up_to) {
  for (std::uint64_t h = 1; h <= up_to; ++h) {
    std::string hash0 = c.block_hash(nodes[0], h);
    std::string app0 = c.app_hash(nodes[0], h);
    ASSERT_FALSE(hash0.empty()) << "node" << nodes[0] << " has no block " << h;
    for (std::size_t k = 1; k < nodes.size(); ++k) {
      EXPECT_EQ(c.block_hash(nodes[k], h), hash0)
          << "fork: node" << nodes[k] << " and node" << nodes[0] << " differ at height " << h;
      EXPECT_EQ(c.app_hash(nodes[k], h), app0) << "app_hash differs at height " << h;
    }
  }
}

}  // namespace rl::testing
