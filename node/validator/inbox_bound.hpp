#pragma once
// The bound on frames handed from the P2P thread to the consensus shell's thread (issue #19).
// Each frame is posted to the shell's io_context; without a bound a peer that sends faster than
// the shell drains (block checks and fsyncs run on that thread) grows memory without limit.
//
// A frame over the bound is dropped and counted. Nothing the core needs is lost for good: the
// core re-sends its proposal and votes on every Tick (docs/consensus.md), status is re-broadcast
// every tick, and sync and block requests time out and are asked again (ShellConfig
// sync_request_timeout, block_request_retry).

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>

namespace rl::node {

class InboxBound {
 public:
  InboxBound(std::size_t max_frames, std::size_t max_bytes)
      : max_frames_(max_frames), max_bytes_(max_bytes) {}

  // Reserves room for a frame of `bytes`; false (and counted as dropped) when the inbox is full.
  // One frame is always admitted into an empty inbox, whatever its size.
  bool try_admit(std::size_t bytes);
  // The frame was handled (or discarded) on the shell thread.
  void release(std::size_t bytes);

  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  std::size_t queued_frames() const { return frames_.load(std::memory_order_relaxed); }
  std::size_t queued_bytes() const { return bytes_.load(std::memory_order_relaxed); }

  // True at most once per `interval` (a log line at most once a second, however fast frames
  // are dropped).
  bool should_log(std::chrono::steady_clock::time_point now,
                  std::chrono::steady_clock::duration interval = std::chrono::seconds(1));

 private:
  const std::size_t max_frames_;
  const std::size_t max_bytes_;
  std::atomic<std::size_t> frames_{0};
  std::atomic<std::size_t> bytes_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::mutex log_mu_;
  std::chrono::steady_clock::time_point last_log_{};
  bool logged_ = false;
};

}  // namespace rl::node
