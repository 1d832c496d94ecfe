// InboxBound: the bound on frames waiting for the consensus shell's thread (issue #19).

#include "node/validator/inbox_bound.hpp"

#include <gtest/gtest.h>

namespace rl::node {
namespace {

TEST(InboxBound, FramesBeyondTheCountAreDroppedAndCounted) {
  InboxBound inbox(3, 1 << 20);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(inbox.try_admit(100));
  EXPECT_FALSE(inbox.try_admit(100));
  EXPECT_FALSE(inbox.try_admit(1));
  EXPECT_EQ(inbox.dropped(), 2u);
  EXPECT_EQ(inbox.queued_frames(), 3u);
  EXPECT_EQ(inbox.queued_bytes(), 300u);
  // Handling one frame makes room for one more.
  inbox.release(100);
  EXPECT_TRUE(inbox.try_admit(100));
  EXPECT_FALSE(inbox.try_admit(100));
  EXPECT_EQ(inbox.dropped(), 3u);
}

TEST(InboxBound, BytesBeyondTheBoundAreDroppedButOneFrameAlwaysFits) {
  InboxBound inbox(100, 1000);
  EXPECT_TRUE(inbox.try_admit(5000));  // an empty inbox takes any single frame
  EXPECT_FALSE(inbox.try_admit(1));
  inbox.release(5000);
  EXPECT_TRUE(inbox.try_admit(600));
  EXPECT_FALSE(inbox.try_admit(401));
  EXPECT_TRUE(inbox.try_admit(400));
  EXPECT_EQ(inbox.queued_bytes(), 1000u);
  EXPECT_EQ(inbox.dropped(), 2u);
}

TEST(InboxBound, LogsAtMostOncePerInterval) {
  InboxBound inbox(1, 1);
  const auto t0 = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  EXPECT_TRUE(inbox.should_log(t0));
  EXPECT_FALSE(inbox.should_log(t0 + std::chrono::milliseconds(999)));
  EXPECT_TRUE(inbox.should_log(t0 + std::chrono::milliseconds(1000)));
  EXPECT_FALSE(inbox.should_log(t0 + std::chrono::milliseconds(1500)));
}

}  // namespace
}  // namespace rl::node
