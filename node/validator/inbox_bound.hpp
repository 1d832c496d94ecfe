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
#include <string>
#include <unordered_map>

namespace rl::node {

class InboxBound {
 public:
  // A peer may hold at most 1/`peer_share` of each bound, so that one member flooding its
  // link leaves the rest of the inbox to the others' votes (honest peers send a few frames per
  // step and never come near their share).
  InboxBound(std::size_t max_frames, std::size_t max_bytes, std::size_t peer_share = 4);

  // Reserves room for a frame of `bytes` from `peer`; false (and counted as dropped) when the
  // inbox or that peer's share of it is full. A peer with nothing queued always gets one frame
  // into an inbox that has room for a frame, and one frame always fits an empty inbox, whatever
  // its size.
  bool try_admit(const std::string& peer, std::size_t bytes);
  // The frame was handled (or discarded) on the shell thread.
  void release(const std::string& peer, std::size_t bytes);

  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  std::size_t queued_frames() const;
  std::size_t queued_bytes() const;

  // True at most once per `interval` (a log line at most once a second, however fast frames
  // are dropped).
  bool should_log(std::chrono::steady_clock::time_point now,
                  std::chrono::steady_clock::duration interval = std::chrono::seconds(1));

 private:
  struct Usage {
    std::size_t frames = 0;
    std::size_t bytes = 0;
  };
  const std::size_t max_frames_;
  const std::size_t max_bytes_;
  const std::size_t peer_max_frames_;
  const std::size_t peer_max_bytes_;
  mutable std::mutex mu_;
  Usage total_;                                   // guarded by mu_
  std::unordered_map<std::string, Usage> peers_;  // guarded by mu_; only peers with frames queued
  std::atomic<std::uint64_t> dropped_{0};
  std::mutex log_mu_;
  std::chrono::steady_clock::time_point last_log_{};
  bool logged_ = false;
};

}  // namespace rl::node
