// The test-only frame faults on their own (node/p2p/frame_faults.hpp): the settings parser, what
// each kind of fault does to a sequence of frames, and that a link's faults depend on the seed
// and the peer alone. Real timers on an io_context, with short delays; nothing here waits on or
// measures the clock: io_context::run() returns once every held or delayed frame is out.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "node/p2p/frame_fault_settings.hpp"
#include "node/p2p/frame_faults.hpp"

namespace rl::p2p::detail {
namespace {

struct Delivered {
  std::string peer;
  Channel channel;
  int index;
};

FrameFaultSettings settings(const std::string& spec, std::uint64_t seed = 7) {
  auto s = parse_frame_fault_settings(spec, seed);
  EXPECT_TRUE(s.ok()) << s.error().to_string();
  return s.ok() ? *s : FrameFaultSettings{};
}

SharedBytes payload(int index) {
  return std::make_shared<const Bytes>(
      Bytes{static_cast<std::uint8_t>(index >> 8), static_cast<std::uint8_t>(index)});
}

// Feeds frames (peer, index) in the given order, runs the io_context until every held or delayed
// frame is out, and returns what was delivered, in order.
class Harness {
 public:
  explicit Harness(FrameFaultSettings s)
      : faults_(ioc_, std::move(s), [this](const std::string& peer, Channel ch, SharedBytes p) {
          out_.push_back({peer, ch, ((*p)[0] << 8) | (*p)[1]});
        }) {}

  std::vector<Delivered> run(const std::vector<std::pair<std::string, int>>& frames,
                             Channel channel = Channel::kConsensus) {
    for (const auto& [peer, i] : frames) faults_.on_frame(peer, channel, payload(i));
    ioc_.run();
    return out_;
  }
  const FrameFaultCounts& counts() const { return faults_.counts(); }
  std::size_t pending() const { return faults_.pending(); }

 private:
  boost::asio::io_context ioc_;
  std::vector<Delivered> out_;
  FrameFaults faults_;
};

std::vector<std::pair<std::string, int>> frames_from(const std::string& peer, int n) {
  std::vector<std::pair<std::string, int>> v;
  for (int i = 0; i < n; ++i) v.emplace_back(peer, i);
  return v;
}

std::vector<int> indexes(const std::vector<Delivered>& d, const std::string& peer = "node1") {
  std::vector<int> v;
  for (const auto& x : d) {
    if (x.peer == peer) v.push_back(x.index);
  }
  return v;
}

TEST(FrameFaultSettings, ParsesEveryKey) {
  auto s = parse_frame_fault_settings(
      "drop=0.1,dup=0.2,reorder=0.3,delay=0.4,delay_ms=7-900,hold_ms=250", 42);
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  EXPECT_DOUBLE_EQ(s->drop, 0.1);
  EXPECT_DOUBLE_EQ(s->dup, 0.2);
  EXPECT_DOUBLE_EQ(s->reorder, 0.3);
  EXPECT_DOUBLE_EQ(s->delay, 0.4);
  EXPECT_EQ(s->delay_min.count(), 7);
  EXPECT_EQ(s->delay_max.count(), 900);
  EXPECT_EQ(s->hold_max.count(), 250);
  EXPECT_EQ(s->seed, 42u);
  auto one = parse_frame_fault_settings("delay=1,delay_ms=30", 1);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->delay_min.count(), 30);
  EXPECT_EQ(one->delay_max.count(), 30);
  auto none = parse_frame_fault_settings("", 1);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->drop + none->dup + none->reorder + none->delay, 0);
}

TEST(FrameFaultSettings, RefusesWhatItCannotMean) {
  for (const char* spec :
       {"drop", "drop=", "drop=x", "drop=1.5", "drop=-0.1", "lose=0.1", "drop=0.6,dup=0.6",
        "delay_ms=9-3", "delay_ms=1-", "delay_ms=70000", "hold_ms=0", "drop=0.1,,dup=0.1"}) {
    auto s = parse_frame_fault_settings(spec, 1);
    ASSERT_FALSE(s.ok()) << spec;
    EXPECT_EQ(s.error().code, "bad_config") << spec;
  }
  // Decimal rates that sum to 1 only up to rounding are accepted.
  EXPECT_TRUE(parse_frame_fault_settings("drop=0.1,dup=0.2,reorder=0.3,delay=0.4", 1).ok());
}

TEST(FrameFaults, NoFaultsDeliversEverythingInOrder) {
  Harness h(settings(""));
  auto out = h.run(frames_from("node1", 50));
  std::vector<int> want(50);
  for (int i = 0; i < 50; ++i) want[static_cast<std::size_t>(i)] = i;
  EXPECT_EQ(indexes(out), want);
  EXPECT_EQ(h.counts().passed, 50u);
  EXPECT_EQ(h.counts().faulted_by_channel[static_cast<std::size_t>(Channel::kConsensus)], 0u);
}

TEST(FrameFaults, DropDeliversNothing) {
  Harness h(settings("drop=1"));
  EXPECT_TRUE(h.run(frames_from("node1", 20), Channel::kSyncResponse).empty());
  EXPECT_EQ(h.counts().dropped, 20u);
  EXPECT_EQ(h.counts().faulted_by_channel[static_cast<std::size_t>(Channel::kSyncResponse)], 20u);
}

TEST(FrameFaults, DuplicateDeliversTwiceInARow) {
  Harness h(settings("dup=1"));
  EXPECT_EQ(indexes(h.run(frames_from("node1", 3))), (std::vector<int>{0, 0, 1, 1, 2, 2}));
  EXPECT_EQ(h.counts().duplicated, 3u);
}

TEST(FrameFaults, ReorderSwapsAFrameWithTheNextOne) {
  // Every frame is drawn for reordering; one frame is held at a time, so the frame that releases
  // it passes: pairs swap. The last one has no successor and comes out by the hold timer.
  Harness h(settings("reorder=1,hold_ms=5"));
  EXPECT_EQ(indexes(h.run(frames_from("node1", 5))), (std::vector<int>{1, 0, 3, 2, 4}));
  EXPECT_EQ(h.counts().reordered, 3u);
  EXPECT_EQ(h.counts().released_by_timer, 1u);
  EXPECT_EQ(h.counts().passed, 2u);
  EXPECT_EQ(h.pending(), 0u);
}

TEST(FrameFaults, ReorderStaysOnItsLink) {
  // A frame from node2 does not release node1's held frame.
  Harness h(settings("reorder=1,hold_ms=5"));
  auto out = h.run({{"node1", 0}, {"node2", 0}, {"node1", 1}});
  EXPECT_EQ(indexes(out, "node1"), (std::vector<int>{1, 0}));
  EXPECT_EQ(indexes(out, "node2"), (std::vector<int>{0}));
  EXPECT_EQ(h.counts().released_by_timer, 1u);  // node2's, which had no successor
}

TEST(FrameFaults, DelayDeliversEveryFrameOnce) {
  Harness h(settings("delay=1,delay_ms=1-20"));
  auto out = indexes(h.run(frames_from("node1", 40)));
  std::sort(out.begin(), out.end());
  std::vector<int> want(40);
  for (int i = 0; i < 40; ++i) want[static_cast<std::size_t>(i)] = i;
  EXPECT_EQ(out, want);
  EXPECT_EQ(h.counts().delayed, 40u);
  EXPECT_EQ(h.pending(), 0u);
}

TEST(FrameFaults, EveryFrameIsAccountedFor) {
  Harness h(settings("drop=0.2,dup=0.2,reorder=0.2,delay=0.2,delay_ms=1-10,hold_ms=5", 99));
  std::vector<std::pair<std::string, int>> frames;
  for (int i = 0; i < 300; ++i) frames.emplace_back(i % 3 == 0 ? "node2" : "node1", i);
  const auto out = h.run(frames);
  const auto& c = h.counts();
  EXPECT_EQ(c.frames, 300u);
  EXPECT_EQ(c.passed + c.dropped + c.duplicated + c.reordered + c.delayed, 300u);
  EXPECT_EQ(out.size(), c.passed + 2 * c.duplicated + c.reordered + c.delayed);
  // At these rates each kind happens among 300 frames (fixed seed: this is not luck each run).
  EXPECT_GT(c.dropped, 0u);
  EXPECT_GT(c.duplicated, 0u);
  EXPECT_GT(c.reordered, 0u);
  EXPECT_GT(c.delayed, 0u);
  EXPECT_EQ(c.faulted_by_channel[static_cast<std::size_t>(Channel::kConsensus)], 300u - c.passed);
}

TEST(FrameFaults, ALinkDependsOnTheSeedAndPeerOnly) {
  const std::string spec = "drop=0.5";
  Harness alone(settings(spec, 5));
  const auto a = indexes(alone.run(frames_from("node1", 200)));
  // The same link with another peer's traffic interleaved: the same frames survive.
  Harness mixed(settings(spec, 5));
  std::vector<std::pair<std::string, int>> frames;
  for (int i = 0; i < 200; ++i) {
    frames.emplace_back("node1", i);
    frames.emplace_back("node3", i);
  }
  EXPECT_EQ(indexes(mixed.run(frames)), a);
  // Another seed drops other frames.
  Harness other(settings(spec, 6));
  EXPECT_NE(indexes(other.run(frames_from("node1", 200))), a);
}

}  // namespace
}  // namespace rl::p2p::detail
