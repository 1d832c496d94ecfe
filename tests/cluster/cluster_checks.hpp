#pragma once
// Assertions and small actions shared by the multi-validator cluster tests.

#include <string>
#include <vector>

#include "client/lib/identity.hpp"
#include "tests/support/cluster.hpp"

namespace rl::testing {

// Registers an institution and a reporting account through node `via` (API only).
client::Identity enroll_reporter(const Cluster& c, std::size_t via);
// Signs a SubmitReport, posts it to node `via` and waits until that node has committed it.
Result<std::string> submit_report(const Cluster& c, std::size_t via,
                                  const client::Identity& reporter, const std::string& period);
// Every height 1..up_to has one block hash (and app hash) across `nodes` (gtest EXPECTs).
void expect_same_chain(const Cluster& c, const std::vector<std::size_t>& nodes,
                       std::uint64_t up_to);

}  // namespace rl::testing
