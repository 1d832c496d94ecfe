#pragma once
// TEST-ONLY: single-frame faults on received P2P data frames (docs/fault-testing.md,
// "Frame-level faults"; decision 0075). Only regledgerd_frame_faults links this: its own object
// of p2p_network.cpp, compiled with RL_FRAME_FAULT_TEST_BUILD, hands every received data frame
// to on_frame() instead of delivering it (tests/cluster/CMakeLists.txt). rl_p2p does not contain
// this file, so regledgerd cannot reach it whatever its config or environment says.
//
// Faults are drawn per frame from a PRNG per peer link, seeded from (settings.seed, peer name):
// what happens to the n-th frame from a peer does not depend on the other links' traffic. The
// control frames (Hello, Ping, Bye) are consumed by the connection before this point and are
// never faulted.
//
// Everything runs on the network's single I/O thread: no locks.

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "node/p2p/frame_fault_settings.hpp"
#include "node/p2p/p2p_network.hpp"

namespace rl::p2p::detail {

struct FrameFaultCounts {
  std::uint64_t frames = 0;  // data frames received
  std::uint64_t passed = 0;  // delivered at once, once
  std::uint64_t dropped = 0;
  std::uint64_t duplicated = 0;
  std::uint64_t reordered = 0;  // held, then delivered after the next frame from that peer
  std::uint64_t delayed = 0;
  // Held frames delivered by the hold_max timer because their peer sent nothing more.
  std::uint64_t released_by_timer = 0;
  std::array<std::uint64_t, kMaxChannel + 1> faulted_by_channel{};  // all kinds but passed
};

using FrameSink = std::function<void(const std::string& peer, Channel channel, SharedBytes)>;

class FrameFaults {
 public:
  // `deliver` receives the frames that survive, when they are due (on the I/O thread).
  FrameFaults(boost::asio::io_context& ioc, FrameFaultSettings settings, FrameSink deliver);
  FrameFaults(const FrameFaults&) = delete;
  FrameFaults& operator=(const FrameFaults&) = delete;

  // One received data frame: delivered now, twice, later, after the next one, or never.
  void on_frame(const std::string& peer, Channel channel, SharedBytes payload);
  // A summary line every `every` from now on, so that a test can read the counts while the node
  // runs.
  void start_summaries(std::chrono::milliseconds every);
  // "p2p frame faults TEST-ONLY summary final=... frames=... dropped=... ..." at info level.
  // Call on the I/O thread, or once it has ended (shutdown).
  void log_summary(bool final) const;

  const FrameFaultCounts& counts() const { return counts_; }
  const FrameFaultSettings& settings() const { return settings_; }
  // Held or delayed frames not delivered yet.
  std::size_t pending() const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Pending {
    std::string peer;
    Channel channel = Channel::kHello;
    SharedBytes payload;     // null for the release of a held frame
    std::uint64_t hold = 0;  // that release: which hold it ends
  };
  struct Link {
    std::mt19937_64 rng;
    std::optional<Pending> held;
    std::uint64_t hold = 0;  // id of `held`
  };

  Link& link(const std::string& peer);
  void schedule(Clock::time_point due, Pending p);
  void arm();
  void on_timer();
  void summary_tick(std::chrono::milliseconds every);

  const FrameFaultSettings settings_;
  const FrameSink deliver_;
  FrameFaultCounts counts_;
  std::map<std::string, Link> links_;
  std::multimap<Clock::time_point, Pending> due_;  // equal times keep their arrival order
  std::uint64_t next_hold_ = 0;
  boost::asio::steady_timer timer_;
  boost::asio::steady_timer summary_timer_;
};

// The faults REGLEDGER_FRAME_FAULTS asks for (frame_fault_settings.hpp), announced with a
// warning either way; null when it is unset. Code: bad_config.
Result<std::unique_ptr<FrameFaults>> frame_faults_from_env(boost::asio::io_context& ioc,
                                                           FrameSink deliver);

}  // namespace rl::p2p::detail
