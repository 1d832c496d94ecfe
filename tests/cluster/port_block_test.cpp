// Port blocks for test networks that run in parallel (tests/support/port_block.hpp): a leased
// block is never leased again while its holder lives, and is free again once it is gone. A
// collision between two parallel cluster tests once failed CI (a node of one network could not
// bind its API port because another network, whose node was down, had picked the same block).

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <set>
#include <vector>

#include "tests/support/port_block.hpp"

namespace rl::testing {
namespace {

TEST(PortBlock, ALeasedBlockIsNotLeasedAgainWhileItsHolderLives) {
  auto held = PortBlock::lease(12);
  std::vector<PortBlock> others;
  std::set<int> bases{held.base()};
  for (int i = 0; i < 40; ++i) {
    others.push_back(PortBlock::lease(12));
    EXPECT_TRUE(bases.insert(others.back().base()).second)
        << "block at " << others.back().base() << " leased twice";
  }
  // Moving a lease keeps it held.
  const int base = held.base();
  PortBlock moved = std::move(held);
  EXPECT_EQ(moved.base(), base);
  for (int i = 0; i < 40; ++i) EXPECT_NE(PortBlock::lease(12).base(), base);
}

// flock on the slot's file, as another test process's lease does.
bool slot_lockable(int base) {
  const int fd = ::open(PortBlock::lock_path(base).c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
  ::close(fd);
  return ok;
}

TEST(PortBlock, ABlockIsHeldUntilItsHolderIsGone) {
  int base = 0;
  {
    auto lease = PortBlock::lease(4);
    base = lease.base();
    EXPECT_FALSE(slot_lockable(base)) << "another process could lease the held block at " << base;
  }
  EXPECT_TRUE(slot_lockable(base)) << "block at " << base << " still held after its holder";
}

TEST(PortBlock, SizesOutsideASlotAreProgrammerErrors) {
  EXPECT_THROW(PortBlock::lease(0), std::logic_error);
  EXPECT_THROW(PortBlock::lease(PortBlock::kSlotPorts + 1), std::logic_error);
}

}  // namespace
}  // namespace rl::testing
