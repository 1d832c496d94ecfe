#pragma once
// Assertions and small actions shared by the multi-validator cluster tests.

#include <cstdint>
#include <map>
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
// Heights from..up_to at which `nodes` do not all serve the same block hash and app hash, one
// line each naming what every node serves ("" for a block it does not have); empty when they
// agree. For checkers that count violations instead of failing at once.
std::vector<std::string> chain_differences(const Cluster& c, const std::vector<std::size_t>& nodes,
                                           std::uint64_t from, std::uint64_t up_to);
// The round of each "block committed height=H round=R" line of a node's log, by height (a
// block decided there or synced with its certificate: the round is the certificate's).
std::map<std::uint64_t, std::int64_t> committed_rounds(const std::string& log_text);
// Every height 1..up_to has one block hash (and app hash) across `nodes` (gtest EXPECTs).
void expect_same_chain(const Cluster& c, const std::vector<std::size_t>& nodes,
                       std::uint64_t up_to);

}  // namespace rl::testing
