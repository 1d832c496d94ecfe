// InboxBound: the bound on frames waiting for the consensus shell's thread (issue #19).

#include "node/validator/inbox_bound.hpp"

#include <gtest/gtest.h>

namespace rl::node {
namespace {

TEST(InboxBound, FramesBeyondTheCountAreDroppedAndCounted) {
  InboxBound inbox(3, 1 << 20, /*peer_share=*/1);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(inbox.try_admit("p", 100));
  EXPECT_FALSE(inbox.try_admit("p", 100));
  EXPECT_FALSE(inbox.try_admit("p", 1));
  EXPECT_EQ(inbox.dropped(), 2u);
  EXPECT_EQ(inbox.queued_frames(), 3u);
  EXPECT_EQ(inbox.queued_bytes(), 300u);
  // Handling one frame makes room for one more.
  inbox.release("p", 100);
  EXPECT_TRUE(inbox.try_admit("p", 100));
  EXPECT_FALSE(inbox.try_admit("p", 100));
  EXPECT_EQ(inbox.dropped(), 3u);
}

TEST(InboxBound, BytesBeyondTheBoundAreDroppedButOneFrameAlwaysFits) {
  InboxBound inbox(100, 1000, /*peer_share=*/1);
  EXPECT_TRUE(inbox.try_admit("p", 5000));  // an empty inbox takes any single frame
  EXPECT_FALSE(inbox.try_admit("p", 1));
  inbox.release("p", 5000);
  EXPECT_TRUE(inbox.try_admit("p", 600));
  EXPECT_FALSE(inbox.try_admit("p", 401));
  EXPECT_TRUE(inbox.try_admit("p", 400));
  EXPECT_EQ(inbox.queued_bytes(), 1000u);
  EXPECT_EQ(inbox.dropped(), 2u);
}

// One member flooding its link fills only its share: the others' frames (votes) still get in,
// up to the inbox's own bound.
TEST(InboxBound, AFloodingPeerFillsOnlyItsShare) {
  InboxBound inbox(8, 1 << 20, /*peer_share=*/4);  // a peer may hold 2 frames
  EXPECT_TRUE(inbox.try_admit("flooder", 10));
  EXPECT_TRUE(inbox.try_admit("flooder", 10));
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(inbox.try_admit("flooder", 10));
  EXPECT_EQ(inbox.dropped(), 100u);
  for (const char* honest : {"a", "b", "c"}) {
    EXPECT_TRUE(inbox.try_admit(honest, 10)) << honest;
    EXPECT_TRUE(inbox.try_admit(honest, 10)) << honest;
  }
  EXPECT_EQ(inbox.queued_frames(), 8u);
  EXPECT_FALSE(inbox.try_admit("d", 10));  // the inbox's own bound still holds
  // The flooder's handled frame frees its share, not the others'.
  inbox.release("flooder", 10);
  EXPECT_FALSE(inbox.try_admit("a", 10));
  EXPECT_TRUE(inbox.try_admit("flooder", 10));
  EXPECT_EQ(inbox.queued_bytes(), 80u);
}

TEST(InboxBound, AShareIsCountedInBytesToo) {
  InboxBound inbox(100, 1000, /*peer_share=*/4);  // a peer may hold 250 bytes
  EXPECT_TRUE(inbox.try_admit("big", 600));       // its first frame always fits
  EXPECT_FALSE(inbox.try_admit("big", 1));
  EXPECT_TRUE(inbox.try_admit("small", 200));
  EXPECT_FALSE(inbox.try_admit("small", 51));
  inbox.release("big", 600);
  EXPECT_TRUE(inbox.try_admit("big", 250));
  EXPECT_EQ(inbox.dropped(), 2u);
}

TEST(InboxBound, LogsAtMostOncePerInterval) {
  InboxBound inbox(1, 1, 1);
  const auto t0 = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  EXPECT_TRUE(inbox.should_log(t0));
  EXPECT_FALSE(inbox.should_log(t0 + std::chrono::milliseconds(999)));
  EXPECT_TRUE(inbox.should_log(t0 + std::chrono::milliseconds(1000)));
  EXPECT_FALSE(inbox.should_log(t0 + std::chrono::milliseconds(1500)));
}

}  // namespace
}  // namespace rl::node
