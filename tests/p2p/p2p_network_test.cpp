// P2pNetwork between real nodes on 127.0.0.1: mesh formation, delivery on every channel,
// broadcast, large frames, restart and reconnect, simultaneous dial, queue bound, keepalive.

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "tests/p2p/p2p_test_support.hpp"

namespace rl::p2p {
namespace {

using test::Delivered;
using test::kWait;
using test::RunningNode;

constexpr Channel kDataChannels[] = {Channel::kConsensus, Channel::kTx, Channel::kSyncRequest,
                                     Channel::kSyncResponse, Channel::kStatus};

// Configs for nodes 0..n-1 listening on `ports`, each dialing all the others.
std::vector<P2pConfig> mesh_configs(const std::vector<std::uint16_t>& ports) {
  std::vector<P2pConfig> out;
  for (std::size_t i = 0; i < ports.size(); ++i) {
    P2pConfig c = test::make_config(test::node(static_cast<int>(i)), ports[i]);
    for (std::size_t j = 0; j < ports.size(); ++j) {
      if (j != i)
        c.dial.push_back(DialTarget{test::node(static_cast<int>(j)).name, "127.0.0.1", ports[j]});
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<const RunningNode*> refs(const std::vector<RunningNode>& nodes) {
  std::vector<const RunningNode*> out;
  for (const RunningNode& n : nodes) out.push_back(&n);
  return out;
}

// Short enough for quick tests, long enough that a starved I/O thread (ASan, a loaded 2-core
// machine) does not miss a keepalive: pings go out every 500 ms.
constexpr std::chrono::milliseconds kShortIdle{1500};

std::string payload_text(const std::string& from, const std::string& to, Channel c) {
  return from + "->" + to + " on " + std::to_string(static_cast<int>(c));
}

TEST(P2pNetwork, FullMeshDeliversEveryChannelBroadcastAndLargeFrames) {
  const std::vector<std::uint16_t> ports{test::free_port(), test::free_port(), test::free_port()};
  std::vector<RunningNode> nodes;
  for (P2pConfig& c : mesh_configs(ports)) nodes.push_back(test::start_node(std::move(c)));
  ASSERT_TRUE(test::wait_until([&] { return test::mesh_stable(refs(nodes)); }));

  for (RunningNode& from : nodes) {
    for (RunningNode& to : nodes) {
      if (&from == &to) continue;
      for (Channel c : kDataChannels) {
        EXPECT_TRUE(
            from.network->send(to.name, c, test::shared(payload_text(from.name, to.name, c))));
      }
    }
  }
  for (RunningNode& to : nodes) {
    for (RunningNode& from : nodes) {
      if (&from == &to) continue;
      for (Channel c : kDataChannels) {
        EXPECT_TRUE(
            to.recorder->wait_frame(from.name, c, to_bytes(payload_text(from.name, to.name, c))))
            << payload_text(from.name, to.name, c);
      }
    }
  }

  EXPECT_EQ(nodes[0].network->broadcast(Channel::kTx, test::shared("to all")), 2u);
  EXPECT_EQ(nodes[1].network->broadcast(Channel::kStatus, test::shared("not node2"), "node2"), 1u);
  EXPECT_TRUE(nodes[1].recorder->wait_frame("node0", Channel::kTx, to_bytes("to all")));
  EXPECT_TRUE(nodes[2].recorder->wait_frame("node0", Channel::kTx, to_bytes("to all")));
  EXPECT_TRUE(nodes[0].recorder->wait_frame("node1", Channel::kStatus, to_bytes("not node2")));

  // 8 MiB of random bytes arrive intact (several TLS records, partial reads and writes).
  const Bytes big = test::random_bytes(std::size_t{8} << 20, 42);
  ASSERT_TRUE(nodes[0].network->send("node2", Channel::kSyncResponse, test::shared(big)));
  EXPECT_TRUE(nodes[2].recorder->wait_frame("node0", Channel::kSyncResponse, big));

  // Misuse is refused without touching the connection.
  EXPECT_FALSE(nodes[0].network->send("nobody", Channel::kTx, test::shared("x")));
  EXPECT_FALSE(nodes[0].network->send("node1", Channel::kHello, test::shared("x")));
  EXPECT_FALSE(nodes[0].network->send("node1", static_cast<Channel>(9), test::shared("x")));
  EXPECT_FALSE(nodes[0].network->send("node1", Channel::kTx, nullptr));

  for (RunningNode& n : nodes) {
    // Exactly the expected frames: nothing duplicated, nothing from channel 0.
    std::size_t expected = 2 * std::size(kDataChannels) + (n.name == "node0"   ? 1
                                                           : n.name == "node1" ? 1
                                                                               : 2);
    EXPECT_EQ(n.recorder->frame_count(), expected) << n.name;
    for (const Delivered& d : n.recorder->frames()) EXPECT_NE(d.channel, Channel::kHello);
    for (RunningNode& other : nodes) {
      if (&n == &other) continue;
      EXPECT_EQ(n.recorder->count_peer_events(other.name, true), 1u) << n.name << "/" << other.name;
      EXPECT_EQ(n.recorder->count_peer_events(other.name, false), 0u)
          << n.name << "/" << other.name;
    }
  }
  auto info = test::peer_info(*nodes[0].network, "node1");
  ASSERT_TRUE(info);
  EXPECT_TRUE(info->connected);
  EXPECT_EQ(info->frames_in, std::size(kDataChannels) + 1);
  EXPECT_TRUE(test::wait_until([&] {
    auto i = test::peer_info(*nodes[0].network, "node1");
    return i && i->frames_out == std::size(kDataChannels) + 1 && i->queued_bytes == 0;
  }));
  auto probe = test::peer_info(*nodes[0].network, "probe");
  ASSERT_TRUE(probe);
  EXPECT_FALSE(probe->connected);

  for (RunningNode& n : nodes) n.network->stop();
  for (RunningNode& n : nodes) n.network->stop();  // idempotent
  EXPECT_FALSE(nodes[0].network->send("node1", Channel::kTx, test::shared("after stop")));
}

// A burst of small frames is written in batches (several frames per write); a large frame in
// the middle is written piecewise. Every frame arrives once, whole, in order, and counts once.
// Order is a property of one connection: only node0 dials, so no simultaneous-dial switch (whose
// retired connection drains in parallel with its successor) can happen in the middle.
TEST(P2pNetwork, BurstsOfSmallFramesArriveWholeAndInOrderAroundALargeOne) {
  const std::vector<std::uint16_t> ports{test::free_port(), test::free_port()};
  std::vector<P2pConfig> configs = mesh_configs(ports);
  configs[1].dial.clear();
  std::vector<RunningNode> nodes;
  for (P2pConfig& c : configs) nodes.push_back(test::start_node(std::move(c)));
  ASSERT_TRUE(test::wait_until([&] { return test::mesh_stable(refs(nodes)); }));

  constexpr int kSmall = 3000;
  const Bytes big = test::random_bytes(std::size_t{300} << 10, 7);
  std::vector<Bytes> sent;
  for (int i = 0; i < kSmall; ++i) {
    // 1-2000 bytes, so batches end at varied offsets of the 64 KiB write buffer.
    Bytes p = test::random_bytes(1 + static_cast<std::size_t>(i * 7919) % 2000,
                                 static_cast<std::uint64_t>(i));
    if (i == kSmall / 2) {
      sent.push_back(big);
      ASSERT_TRUE(nodes[0].network->send("node1", Channel::kConsensus, test::shared(big)));
    }
    sent.push_back(p);
    ASSERT_TRUE(nodes[0].network->send("node1", Channel::kConsensus, test::shared(p)));
  }
  ASSERT_TRUE(test::wait_until([&] { return nodes[1].recorder->frame_count() >= sent.size(); }));
  auto got = nodes[1].recorder->frames();
  ASSERT_EQ(got.size(), sent.size());
  for (std::size_t i = 0; i < sent.size(); ++i) {
    ASSERT_EQ(*got[i].payload, sent[i]) << "frame " << i;
  }
  EXPECT_TRUE(test::wait_until([&] {
    auto info = test::peer_info(*nodes[0].network, "node1");
    return info && info->frames_out == sent.size() && info->queued_bytes == 0;
  }));
  for (RunningNode& n : nodes) n.network->stop();
}

TEST(P2pNetwork, RestartedPeerIsRedialedAndFramesFlowAgain) {
  const std::vector<std::uint16_t> ports{test::free_port(), test::free_port(), test::free_port()};
  auto configs = mesh_configs(ports);
  std::vector<RunningNode> nodes;
  for (const P2pConfig& c : configs) nodes.push_back(test::start_node(c));
  ASSERT_TRUE(test::wait_until([&] { return test::mesh_stable(refs(nodes)); }));

  nodes[2].network->stop();
  nodes[2].network.reset();
  EXPECT_TRUE(nodes[0].recorder->wait_peer_event("node2", false));
  EXPECT_TRUE(nodes[1].recorder->wait_peer_event("node2", false));
  EXPECT_FALSE(nodes[0].network->send("node2", Channel::kTx, test::shared("nobody home")));

  // Same name, key and port, but dialing nobody: only the survivors' redial loops (backing off
  // while the port is closed) can bring the mesh back.
  P2pConfig restarted = configs[2];
  restarted.dial.clear();
  nodes[2] = test::start_node(restarted);
  ASSERT_TRUE(test::wait_until([&] { return test::mesh_stable(refs(nodes)); }));
  // peers() may show the connection a moment before on_peer has run on the I/O thread.
  EXPECT_TRUE(
      test::wait_until([&] { return nodes[0].recorder->count_peer_events("node2", true) == 2u; }));

  for (int round = 0; round < 2; ++round) {
    const std::string text = "after restart " + std::to_string(round);
    EXPECT_TRUE(nodes[0].network->send("node2", Channel::kConsensus, test::shared(text)));
    EXPECT_TRUE(nodes[2].network->send("node1", Channel::kConsensus, test::shared(text)));
    EXPECT_TRUE(nodes[2].recorder->wait_frame("node0", Channel::kConsensus, to_bytes(text)));
    EXPECT_TRUE(nodes[1].recorder->wait_frame("node2", Channel::kConsensus, to_bytes(text)));
  }
  // node0 <-> node1 never noticed.
  EXPECT_EQ(nodes[0].recorder->count_peer_events("node1", false), 0u);
}

// Both nodes dial each other at the same moment while senders push numbered frames as fast as
// send() accepts them. Whatever the race does, each accepted frame arrives exactly once, and the
// pair ends up with one connection that both ends agree on.
TEST(P2pNetwork, SimultaneousDialKeepsOneConnectionAndNeverDuplicates) {
  constexpr int kRounds = 5;
  constexpr std::uint32_t kFrames = 300;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const std::size_t mark = test::log_mark();
    auto configs = mesh_configs({test::free_port(), test::free_port()});
    std::vector<RunningNode> nodes(2);
    {
      std::thread t0([&] { nodes[0] = test::start_node(configs[0]); });
      std::thread t1([&] { nodes[1] = test::start_node(configs[1]); });
      t0.join();
      t1.join();
    }
    std::atomic<bool> give_up{false};
    auto pump = [&](RunningNode& from, const std::string& to) {
      std::uint32_t next = 0;
      while (next < kFrames && !give_up.load()) {
        Bytes seq{static_cast<std::uint8_t>(next >> 8), static_cast<std::uint8_t>(next)};
        if (from.network->send(to, Channel::kConsensus, test::shared(seq))) {
          ++next;
        } else {
          std::this_thread::yield();  // not connected yet
        }
      }
    };
    std::thread s0([&] { pump(nodes[0], "node1"); });
    std::thread s1([&] { pump(nodes[1], "node0"); });
    for (RunningNode& n : nodes) {
      EXPECT_TRUE(n.recorder->wait_frames(
          [&](const std::vector<Delivered>& f) { return f.size() >= kFrames; }, kWait))
          << n.name << " got " << n.recorder->frame_count();
    }
    give_up = true;
    s0.join();
    s1.join();
    ASSERT_TRUE(test::wait_until([&] { return test::mesh_stable(refs(nodes)); }));

    for (RunningNode& n : nodes) {
      // Every frame ever sent has now been delivered; a duplicate would show up as extra ones.
      auto frames = n.recorder->frames();
      std::set<std::uint32_t> seen;
      for (const Delivered& d : frames) {
        ASSERT_EQ(d.payload->size(), 2u);
        seen.insert((std::uint32_t{(*d.payload)[0]} << 8) | (*d.payload)[1]);
      }
      EXPECT_EQ(frames.size(), kFrames) << n.name;
      EXPECT_EQ(seen.size(), kFrames) << n.name;
      const std::string other = n.name == "node0" ? "node1" : "node0";
      EXPECT_EQ(n.recorder->count_peer_events(other, true), 1u) << n.name;
      EXPECT_EQ(n.recorder->count_peer_events(other, false), 0u) << n.name;
    }
    // When both connections got established, the one node0 (the smaller name) dialed is kept.
    if (test::wait_log_containing_since(mark, {"p2p duplicate connection retired"},
                                        std::chrono::milliseconds(0))) {
      EXPECT_TRUE(test::peer_info(*nodes[0].network, "node1")->outbound);
      EXPECT_FALSE(test::peer_info(*nodes[1].network, "node0")->outbound);
    }
  }
}

TEST(P2pNetwork, SendQueueIsBoundedForAPeerThatStopsReading) {
  P2pConfig cfg = test::make_config(test::node(0));
  cfg.max_queue_bytes = std::size_t{1} << 20;
  cfg.idle_timeout = std::chrono::milliseconds(30000);  // the stuck peer must not be cut off first
  RunningNode n0 = test::start_node(cfg);
  P2pConfig cfg1 = test::make_config(test::node(1));
  cfg1.dial.push_back(DialTarget{"node0", "127.0.0.1", n0.network->port()});
  RunningNode n1 = test::start_node(cfg1);

  test::RawPeer stuck(n0.network->port());
  ASSERT_EQ(stuck.handshake(test::pki().ca_pem, &test::pki().probe.identity), "");
  ASSERT_TRUE(stuck.send_hello("probe"));
  ASSERT_TRUE(n0.recorder->wait_peer_event("probe", true));

  // The stuck peer never reads: once the kernel buffers are full, frames pile up in our queue
  // until the bound, and from then on send() says no instead of blocking or allocating more.
  const auto chunk = test::shared(Bytes(64 * 1024, 0x5A));
  constexpr int kSettled = 200;  // consecutive refusals, ~1 ms apart: the kernel is full too
  int refusals_in_a_row = 0;
  std::size_t accepted = 0;
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  while (refusals_in_a_row < kSettled && std::chrono::steady_clock::now() < deadline) {
    if (n0.network->send("probe", Channel::kSyncResponse, chunk)) {
      ++accepted;
      refusals_in_a_row = 0;
    } else {
      ++refusals_in_a_row;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  EXPECT_EQ(refusals_in_a_row, kSettled) << "accepted " << accepted << " frames of 64 KiB";
  // Kernel socket buffers plus our 1 MiB: a few MiB, nowhere near what was offered.
  EXPECT_LT(accepted * chunk->size(), std::size_t{128} << 20);
  auto info = test::peer_info(*n0.network, "probe");
  ASSERT_TRUE(info);
  EXPECT_TRUE(info->connected);
  EXPECT_GE(info->dropped_out, static_cast<std::uint64_t>(kSettled));
  EXPECT_LE(info->queued_bytes, cfg.max_queue_bytes);
  EXPECT_GT(info->queued_bytes, cfg.max_queue_bytes - chunk->size() - kFrameHeaderBytes);

  // Other peers are unaffected.
  ASSERT_TRUE(n0.recorder->wait_peer_event("node1", true));
  EXPECT_TRUE(n0.network->send("node1", Channel::kTx, test::shared("still here")));
  EXPECT_TRUE(n1.recorder->wait_frame("node0", Channel::kTx, to_bytes("still here")));
  EXPECT_TRUE(n1.network->send("node0", Channel::kTx, test::shared("me too")));
  EXPECT_TRUE(n0.recorder->wait_frame("node1", Channel::kTx, to_bytes("me too")));
  // stop() does not wait for the stuck peer.
  n0.network->stop();
}

TEST(P2pNetwork, SilentPeerIsClosedAfterIdleTimeoutWhileKeepalivesHoldOthersOpen) {
  P2pConfig cfg = test::make_config(test::node(0));
  cfg.idle_timeout = kShortIdle;
  RunningNode n0 = test::start_node(cfg);
  P2pConfig cfg1 = test::make_config(test::node(1));
  cfg1.idle_timeout = cfg.idle_timeout;
  cfg1.dial.push_back(DialTarget{"node0", "127.0.0.1", n0.network->port()});
  RunningNode n1 = test::start_node(cfg1);
  ASSERT_TRUE(n0.recorder->wait_peer_event("node1", true));

  // Two idle periods of silence from the caller's side on node0 <-> node1, measured by two
  // successive silent probes being cut off.
  for (int i = 0; i < 2; ++i) {
    test::RawPeer silent(n0.network->port());
    ASSERT_EQ(silent.handshake(test::pki().ca_pem, &test::pki().probe.identity), "");
    ASSERT_TRUE(silent.send_hello("probe"));
    auto r = silent.read_until_closed();  // node0's pings arrive, but the probe sends none
    EXPECT_TRUE(r.closed);
    EXPECT_TRUE(test::wait_until([&] {
      return n0.recorder->count_peer_events("probe", false) == static_cast<std::size_t>(i + 1);
    }));
  }
  EXPECT_EQ(n0.recorder->count_peer_events("node1", false), 0u);
  EXPECT_EQ(n1.recorder->count_peer_events("node0", false), 0u);
  EXPECT_TRUE(n0.network->send("node1", Channel::kStatus, test::shared("alive")));
  EXPECT_TRUE(n1.recorder->wait_frame("node0", Channel::kStatus, to_bytes("alive")));
  EXPECT_TRUE(
      test::wait_log_containing({"p2p connection closed", "peer=probe", "reason=idle timeout"}));
}

// Idleness means no bytes arriving, not no complete frame: a large frame that takes several idle
// periods to arrive keeps its connection open as long as it keeps moving.
TEST(P2pNetwork, SlowLargeFrameIsNotMistakenForAnIdleConnection) {
  P2pConfig cfg = test::make_config(test::node(0));
  cfg.idle_timeout = kShortIdle;
  RunningNode n0 = test::start_node(cfg);
  test::RawPeer slow(n0.network->port());
  ASSERT_EQ(slow.handshake(test::pki().ca_pem, &test::pki().probe.identity), "");
  ASSERT_TRUE(slow.send_hello("probe"));
  ASSERT_TRUE(n0.recorder->wait_peer_event("probe", true));

  constexpr std::size_t kChunk = 64 * 1024;
  constexpr int kChunks = 8;  // paced at idle/5: about 1.6 idle periods for the whole frame
  const Bytes payload = test::random_bytes(kChunk * kChunks, 9);
  const Bytes wire = encode_frame(Channel::kSyncResponse, payload);
  std::size_t sent = 0;
  while (sent < wire.size()) {
    // The first piece is the header plus one chunk, the last one whatever remains.
    const std::size_t n =
        std::min(wire.size() - sent, sent == 0 ? kFrameHeaderBytes + kChunk : kChunk);
    ASSERT_TRUE(slow.write(ByteView(wire).subspan(sent, n)));
    sent += n;
    if (sent < wire.size()) std::this_thread::sleep_for(cfg.idle_timeout / 5);  // pacing
  }
  EXPECT_TRUE(n0.recorder->wait_frame("probe", Channel::kSyncResponse, payload));
  EXPECT_EQ(n0.recorder->count_peer_events("probe", false), 0u);
}

TEST(P2pNetwork, StopIsPromptAndNoHandlerRunsAfterItReturns) {
  P2pConfig c0 = test::make_config(test::node(0));
  std::atomic<bool> stop_returned{false};
  std::atomic<int> late_calls{0};
  std::atomic<int> frames{0};
  auto n0 = P2pNetwork::start(
      c0,
      [&](const std::string&, Channel, SharedBytes) {
        if (stop_returned.load()) ++late_calls;
        ++frames;
      },
      [&](const std::string&, bool) {
        if (stop_returned.load()) ++late_calls;
      });
  ASSERT_TRUE(n0.ok()) << n0.error().to_string();
  P2pConfig c1 = test::make_config(test::node(1));
  c1.dial.push_back(DialTarget{"node0", "127.0.0.1", (*n0)->port()});
  RunningNode n1 = test::start_node(c1);
  ASSERT_TRUE(n1.recorder->wait_peer_event("node0", true));

  // node1 floods node0 from another thread while node0 stops.
  std::atomic<bool> done{false};
  std::thread flood([&] {
    const auto payload = test::shared(Bytes(1024, 1));
    while (!done.load()) n1.network->send("node0", Channel::kTx, payload);
  });
  ASSERT_TRUE(test::wait_until([&] { return frames.load() > 100; }));
  (*n0)->stop();
  stop_returned = true;
  EXPECT_TRUE(n1.recorder->wait_peer_event("node0", false));
  done = true;
  flood.join();
  (*n0)->stop();
  n0->reset();  // destruction after stop() must not run handlers either
  EXPECT_EQ(late_calls.load(), 0);
}

}  // namespace
}  // namespace rl::p2p
