#pragma once
// Loopback port blocks for test networks that run in parallel (ctest -j): a block is leased
// through an flock on a per-slot file, held until the lease is destroyed (or the process dies),
// so a second test never picks ports a first one holds while one of its nodes is down.

#include <string>

namespace rl::testing {

class PortBlock {
 public:
  // The first of `count` (<= kSlotPorts) consecutive TCP ports on 127.0.0.1, all free now and
  // leased to this object. Throws when no slot can be had (the test cannot run).
  static PortBlock lease(int count);

  PortBlock(PortBlock&& other) noexcept;
  PortBlock& operator=(PortBlock&& other) noexcept;
  PortBlock(const PortBlock&) = delete;
  PortBlock& operator=(const PortBlock&) = delete;
  ~PortBlock();

  int base() const { return base_; }
  // The file whose flock holds the block starting at `base` (for tests of the lease itself).
  static std::string lock_path(int base);

  static constexpr int kSlotPorts = 64;

 private:
  PortBlock(int base, int lock_fd) : base_(base), lock_fd_(lock_fd) {}
  int base_ = 0;
  int lock_fd_ = -1;
};

}  // namespace rl::testing
