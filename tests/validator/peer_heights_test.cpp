// The height a validator believes when deciding that it is behind (and so stops voting).
#include "node/validator/peer_heights.hpp"

#include <gtest/gtest.h>

namespace rl::node {
namespace {

TEST(VouchedHeight, OneLyingPeerCannotClaimAHeightForTheOthers) {
  // n = 4, f = 1: the liar announces a million, the two honest peers are at 10.
  EXPECT_EQ(vouched_height({1'000'000, 10, 10}, 1), 10u);
  EXPECT_EQ(vouched_height({10, 1'000'000, 9}, 1), 10u);
  // n = 7, f = 2: two liars are still outvoted.
  EXPECT_EQ(vouched_height({900, 800, 12, 11, 11, 10}, 2), 12u);
}

TEST(VouchedHeight, HonestPeersAheadAreBelieved) {
  EXPECT_EQ(vouched_height({25, 24, 10}, 1), 24u);  // two peers vouch for at least 24
  EXPECT_EQ(vouched_height({7}, 0), 7u);            // f = 0: every peer is trusted
}

TEST(VouchedHeight, TooFewPeersVouchForNothing) {
  // A single connected peer in a network that tolerates one fault proves nothing.
  EXPECT_EQ(vouched_height({1'000'000}, 1), 0u);
  EXPECT_EQ(vouched_height({}, 0), 0u);
  EXPECT_EQ(vouched_height({50, 40}, 2), 0u);
}

}  // namespace
}  // namespace rl::node
