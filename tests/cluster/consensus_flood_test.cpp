// A member floods a validator's P2P port with valid-looking consensus frames (issue #19), against
// real regledgerd processes: the test speaks as a stopped observer (a genuine member identity)
// and sends node 0, as fast as it can for RL_FLOOD_SECONDS (default 8), prevotes and proposals
// (from each round's real proposer, 1 KiB values) that decode and are in the current height's
// round window but whose signatures do not verify (each costs the shell thread a signature
// check; distinct value hashes defeat the seen-frame cache), one in eight for a stale height. The
// shell drains far slower than TLS delivers, so without the inbox bound
// (node/validator/inbox_bound.hpp) the posted frames would pile up without limit.
//
// Shown: node 0's RSS (VmRSS, printed every half second) stays within a fixed bound while the
// node drops frames (its "shell inbox full" log line counts them), and the network commits
// during the flood and ends with one chain.
#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>
#include <thread>

#include "consensus/codec.hpp"
#include "consensus/validator_set.hpp"
#include "crypto/keys.hpp"
#include "crypto/x509.hpp"
#include "node/p2p/frame.hpp"
#include "tests/cluster/cluster_checks.hpp"
#include "tests/cluster/member_peer.hpp"
#include "tests/support/must.hpp"

namespace rl::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kFlooded = 0;
constexpr std::size_t kFlooder = 4;  // the observer, stopped; the test speaks as it
// Generous next to the bounded queue (10000 frames of ~0.6 KiB on average plus their handlers,
// under 10 MiB) and to the node's own working set, far below what the dropped frames alone would
// have held (printed; asserted to be larger).
constexpr std::uint64_t kMaxGrowthKib = 64 * 1024;

int flood_seconds() {
  const char* s = std::getenv("RL_FLOOD_SECONDS");
  return s ? std::max(1, std::atoi(s)) : 8;
}

// The largest "N dropped so far" in node i's inbox log lines (0 when none).
std::uint64_t dropped_so_far(const Cluster& c, std::size_t i) {
  static const std::regex re("shell inbox full: .*; ([0-9]+) dropped so far");
  const std::string log = node_log(c, i);
  std::uint64_t most = 0;
  for (auto it = std::sregex_iterator(log.begin(), log.end(), re); it != std::sregex_iterator();
       ++it) {
    most = std::max<std::uint64_t>(most, std::stoull((*it)[1].str()));
  }
  return most;
}

struct Sample {
  double t_s = 0;
  std::uint64_t rss_kib = 0;
  std::uint64_t flooded_height = 0;
  std::uint64_t other_height = 0;
  std::uint64_t frames_sent = 0;
};

TEST(ConsensusFloodTest, AFloodedValidatorStaysBoundedAndTheNetworkKeepsCommitting) {
  ClusterOptions o;
  o.observers = 1;
  o.name = "flood";
  Cluster c(o);
  c.start_all();
  ASSERT_TRUE(c.wait_height({0, 1, 2, 3, 4}, 2, seconds(30))) << c.all_logs_tail();
  EXPECT_EQ(c.stop(kFlooder), 0);
  const pid_t pid = c.pid(kFlooded);

  // A well-formed DER signature that verifies for no validator's vote.
  const auto observer_key =
      must(crypto::PrivateKey::from_pem(must(read_file(c.home(kFlooder) + "/node.key"))), "key");
  const Bytes bad_signature = must(crypto::sign(observer_key, to_bytes("not a vote")));
  const consensus::ValidatorSet set = genesis_set(c.genesis());

  std::this_thread::sleep_for(seconds(1));
  const std::uint64_t rss_before = rss_kib(pid);
  const std::uint64_t h_before = c.height(kFlooded);
  const std::uint64_t other_before = c.height(1);

  auto peer = connect_as_member(c, kFlooder, kFlooded);
  std::vector<Sample> samples;
  std::uint64_t sent = 0, sent_bytes = 0, reconnects = 0, counter = 0;
  std::uint64_t head = h_before;
  const auto start = Clock::now();
  const auto end = start + seconds(flood_seconds());
  auto next_sample = start;
  Bytes batch;
  for (int iteration = 0; Clock::now() < end; ++iteration) {
    if (Clock::now() >= next_sample) {
      Sample s;
      s.t_s = std::chrono::duration<double>(Clock::now() - start).count();
      s.rss_kib = rss_kib(pid);
      s.flooded_height = c.height(kFlooded);
      s.other_height = c.height(1);
      s.frames_sent = sent;
      if (s.flooded_height > 0) head = s.flooded_height;
      samples.push_back(s);
      next_sample += milliseconds(500);
    }
    batch.clear();
    std::size_t frames = 0;
    for (; frames < 256; ++frames, ++counter) {
      // Stale, or the height in progress; a round in the core's window; a value hash of its own.
      const consensus::Height h = counter % 8 == 7 ? head - 1 : head + 1;
      const auto round = static_cast<consensus::Round>(counter % 1000);
      Bytes value_hash(32, 0xA5);
      for (int b = 0; b < 8; ++b) value_hash[b] = static_cast<std::uint8_t>(counter >> (8 * b));
      consensus::Message m;
      if (counter % 2 == 0) {
        consensus::Vote v;
        v.type = consensus::VoteType::kPrevote;
        v.height = h;
        v.round = round;
        v.validator = 1;
        v.value_hash = std::move(value_hash);
        v.signature = bad_signature;
        m = std::move(v);
      } else {
        // From the round's real proposer, with a 1 KiB value: larger frames make the same
        // frame rate pile up more memory.
        consensus::Proposal p;
        p.height = h;
        p.round = round;
        p.pol_round = consensus::kNoRound;
        p.proposer = set.proposer(h, round);
        p.value.assign(1024, static_cast<std::uint8_t>(counter));
        p.value_hash = std::move(value_hash);
        p.signature = bad_signature;
        m = std::move(p);
      }
      const Bytes frame = p2p::encode_frame(p2p::Channel::kConsensus, consensus::encode_message(m));
      batch.insert(batch.end(), frame.begin(), frame.end());
    }
    if (!peer->write(batch)) {
      // The node may cut a connection it cannot keep up with; a flooder just comes back.
      ++reconnects;
      peer = connect_as_member(c, kFlooder, kFlooded);
      continue;
    }
    sent += frames;
    sent_bytes += batch.size();
    // What the node sends us (status, votes) is read now and then so that its writes to this
    // connection never block on us.
    if (iteration % 16 == 0) peer->read_until(milliseconds(1), [](const Bytes&) { return false; });
  }
  peer.reset();
  const std::uint64_t h_end = c.height(kFlooded);
  const std::uint64_t other_end = c.height(1);
  for (int i = 0; i < 6; ++i) {
    std::this_thread::sleep_for(milliseconds(500));
    Sample s;
    s.t_s = std::chrono::duration<double>(Clock::now() - start).count();
    s.rss_kib = rss_kib(pid);
    s.flooded_height = c.height(kFlooded);
    s.other_height = c.height(1);
    s.frames_sent = sent;
    samples.push_back(s);
  }

  const std::uint64_t dropped = dropped_so_far(c, kFlooded);
  std::uint64_t rss_max = rss_before;
  std::printf("[flood] node0 RSS before: %llu KiB\n", static_cast<unsigned long long>(rss_before));
  for (const auto& s : samples) {
    rss_max = std::max(rss_max, s.rss_kib);
    std::printf("[flood] t=%5.1fs rss=%7llu KiB node0_height=%llu node1_height=%llu sent=%llu\n",
                s.t_s, static_cast<unsigned long long>(s.rss_kib),
                static_cast<unsigned long long>(s.flooded_height),
                static_cast<unsigned long long>(s.other_height),
                static_cast<unsigned long long>(s.frames_sent));
  }
  // An unbounded inbox would have held every dropped frame too: its payload plus the posted
  // handler, a peer-name copy and the shared buffer (~200 bytes of overhead, a low estimate).
  const std::uint64_t frame_bytes = sent ? sent_bytes / sent : 0;
  const std::uint64_t unbounded_kib = dropped * (frame_bytes + 200) / 1024;
  std::printf(
      "[flood] sent %llu frames (%llu MiB, %llu bytes each) in %d s, %llu reconnects; node0 "
      "dropped %llu; RSS max %llu KiB, growth %lld KiB (bound %llu KiB); the dropped frames "
      "alone would have held >= %llu KiB in an unbounded queue\n",
      static_cast<unsigned long long>(sent), static_cast<unsigned long long>(sent_bytes >> 20),
      static_cast<unsigned long long>(frame_bytes), flood_seconds(),
      static_cast<unsigned long long>(reconnects), static_cast<unsigned long long>(dropped),
      static_cast<unsigned long long>(rss_max),
      static_cast<long long>(rss_max) - static_cast<long long>(rss_before),
      static_cast<unsigned long long>(kMaxGrowthKib),
      static_cast<unsigned long long>(unbounded_kib));

  EXPECT_GT(dropped, 0u) << "the flood never filled node 0's inbox: it shows nothing";
  EXPECT_LT(rss_max - std::min(rss_max, rss_before), kMaxGrowthKib);
  EXPECT_GT(unbounded_kib, kMaxGrowthKib) << "the flood was too small to tell a bound from none";
  // The network committed while node 0 was flooded, node 0 included.
  EXPECT_GE(other_end, other_before + 2);
  EXPECT_GT(h_end, h_before);
  const std::uint64_t top = std::max(h_end, other_end) + 2;
  ASSERT_TRUE(c.wait_height({0, 1, 2, 3}, top, seconds(30))) << c.all_logs_tail();
  expect_same_chain(c, {0, 1, 2, 3}, top);
}

}  // namespace
}  // namespace rl::testing
