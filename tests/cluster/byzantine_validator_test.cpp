// A Byzantine validator against real regledgerd processes (issue #18 item 2, decision 0074): of
// four validators (f = 1) the last runs regledgerd_byzantine, a test-only build that signs with
// its real key whatever its modes say (node/validator/byzantine/behaviour.hpp); the others are
// honest regledgerd, and a report load goes to them. Each phase (re)starts the Byzantine nodes
// with some modes, lets the honest nodes commit a number of heights, then checks them
// (run_checks.hpp): no fork among them, every accepted tx committed on each, commits going on;
// and that each mode met the honest rule that refuses it (docs/fault-testing.md):
//   double_vote, unknown_votes  every honest node reports the equivocation;
//   bad_proposals               no honest node decided the round of a forged proposal, and one
//                               logged its refusal (or, for unknown tx ids, its fetch);
//   withhold_parts              no honest node decided the round of a withheld proposal;
//   lying_status                the honest nodes asked the liar for the blocks it claimed,
//                               at most once per claim, and one that was down catches up;
//   equivocate, bad_parts       the common checks (both blocks of an equivocation are valid);
// and that the Byzantine node did send something in every mode.
//   RL_BYZ_SEED=S   the seed of the Byzantine nodes and the load; printed on every run
//   RL_BYZ_MODE=M   EachModeAlone runs only mode M's phase
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "tests/cluster/byzantine_phase.hpp"

#ifndef RL_BYZ_SUITE
#define RL_BYZ_SUITE ByzantineValidatorTest
#endif
#ifndef RL_BYZ_ALL_MODES_HEIGHTS
#define RL_BYZ_ALL_MODES_HEIGHTS 40
#endif
#ifndef RL_BYZ_ONE_MODE_HEIGHTS
#define RL_BYZ_ONE_MODE_HEIGHTS 10
#endif
#ifndef RL_BYZ_SEEDS
#define RL_BYZ_SEEDS 1
#endif
// Heights an honest node is down for in an all-modes phase (0: none); see Phase::lag.
#ifndef RL_BYZ_ALL_MODES_LAG
#define RL_BYZ_ALL_MODES_LAG 0
#endif

namespace rl::testing {
namespace {

TEST(RL_BYZ_SUITE, AllModesAgainstThreeHonestValidators) {
  std::vector<Phase> phases;
  for (int k = 0; k < RL_BYZ_SEEDS; ++k) {
    phases.push_back({"all", RL_BYZ_ALL_MODES_HEIGHTS, RL_BYZ_ALL_MODES_LAG});
  }
  run_phases(4, 1, phases, byzantine_seed_from_env());
}

TEST(RL_BYZ_SUITE, EachModeAlone) {
  std::vector<Phase> phases;
  const char* only = std::getenv("RL_BYZ_MODE");
  for (const char* m : {"equivocate", "double_vote", "unknown_votes", "bad_proposals",
                        "lying_status", "bad_parts", "withhold_parts"}) {
    if (only && std::string(only) != m) continue;
    // The lag is more than one sync batch (64 blocks): the node that was down asks again after
    // its first batch, by when it has heard the liar's claim.
    phases.push_back(
        {m, RL_BYZ_ONE_MODE_HEIGHTS, std::string_view(m) == "lying_status" ? 70u : 0u});
  }
  run_phases(4, 1, phases, byzantine_seed_from_env());
}

// f = 2 of seven, both lying about their heads: a node that was down must not be held by the
// two in turn (each one's claim is renewed before the other's timeout has run out).
TEST(RL_BYZ_SUITE, TwoLiarsOfSevenValidators) {
  run_phases(7, 2, {{"lying_status", RL_BYZ_ONE_MODE_HEIGHTS, 70}}, byzantine_seed_from_env());
}

#ifdef RL_BYZ_SEVEN
// f = 2 of seven: two Byzantine validators, each with every mode and a seed of its own.
TEST(RL_BYZ_SUITE, TwoOfSevenValidators) {
  run_phases(7, 2, {{"all", RL_BYZ_ALL_MODES_HEIGHTS, RL_BYZ_ALL_MODES_LAG}},
             byzantine_seed_from_env());
}
#endif

// The production program must hold none of the Byzantine code: not even the name of the
// variable that selects it. The test-only program must say what it is.
TEST(RL_BYZ_SUITE, OnlyTheTestBuildHoldsTheByzantineCode) {
  auto bytes_of = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  const std::string prod = bytes_of(std::string(RL_BINARY_DIR) + "/node/regledgerd");
  const std::string byz = bytes_of(byzantine_binary());
  ASSERT_FALSE(prod.empty() || byz.empty()) << "a program is missing";
  EXPECT_EQ(prod.find("REGLEDGER_BYZANTINE"), std::string::npos);
  EXPECT_EQ(prod.find("BYZANTINE TEST BUILD"), std::string::npos);
  EXPECT_NE(byz.find("REGLEDGER_BYZANTINE"), std::string::npos);
  EXPECT_NE(byz.find("-BYZANTINE-TEST-ONLY"), std::string::npos);
}

}  // namespace
}  // namespace rl::testing
