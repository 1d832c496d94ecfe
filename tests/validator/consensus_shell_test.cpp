// The consensus shell against a real RocksDB-backed Chain: "persist before send" (every vote and
// proposal that reaches the network is already covered by the safety state on disk), decided
// blocks are committed with valid certificates, an observer never signs, and a restart resumes
// from the persisted state without signing anything twice.
#include "node/validator/consensus_shell.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "consensus/codec.hpp"
#include "tests/ledger/ledger_fixture.hpp"

namespace rl::node {
namespace {

using ledger::testing::LedgerFixture;
using std::chrono::milliseconds;

// The shell's view of the network: records what it sends and, at the moment of sending, reads
// the safety state the shell has persisted.
class RecordingNetwork final : public p2p::P2pNetwork {
 public:
  explicit RecordingNetwork(ledger::Chain& chain) : chain_(chain) {}
  void stop() override {}
  std::uint16_t port() const override { return 0; }
  bool send(const std::string&, p2p::Channel, p2p::SharedBytes) override { return true; }
  Status set_members(std::vector<p2p::Member>, std::vector<p2p::DialTarget>) override { return {}; }
  std::size_t broadcast(p2p::Channel channel, p2p::SharedBytes payload,
                        const std::string&) override {
    if (channel != p2p::Channel::kConsensus) return 0;
    auto m = consensus::decode_message(*payload);
    std::lock_guard lock(mu_);
    if (!m.ok()) {
      problems_.push_back("undecodable consensus message");
      return 0;
    }
    auto raw = chain_.consensus_state();
    std::optional<consensus::SafetyState> st;
    if (raw.ok() && *raw) {
      auto d = consensus::decode_safety_state(**raw);
      if (d.ok()) st = *d;
    }
    if (const auto* v = std::get_if<consensus::Vote>(&*m)) {
      ++votes_;
      bool covered = st && st->last_vote &&
                     std::make_tuple(st->last_vote->height, st->last_vote->round,
                                     static_cast<int>(st->last_vote->type)) >=
                         std::make_tuple(v->height, v->round, static_cast<int>(v->type));
      if (!covered) {
        problems_.push_back("vote h=" + std::to_string(v->height) +
                            " r=" + std::to_string(v->round) + " sent before it was persisted");
      }
    } else {
      const auto& p = std::get<consensus::Proposal>(*m);
      ++proposals_;
      bool covered = st && st->last_proposal &&
                     std::make_pair(st->last_proposal->height, st->last_proposal->round) >=
                         std::make_pair(p.height, p.round);
      if (!covered) problems_.push_back("proposal sent before it was persisted");
      // The block value travels only once it is on disk too: a restarted proposer re-sends it.
      auto value = chain_.consensus_value(p.value_hash);
      if (!value.ok() || !*value || **value != p.value) {
        problems_.push_back("proposal value sent before it was persisted");
      }
    }
    return 1;
  }
  std::vector<p2p::PeerInfo> peers() const override { return {}; }

  std::vector<std::string> problems() const {
    std::lock_guard lock(mu_);
    return problems_;
  }
  int votes() const {
    std::lock_guard lock(mu_);
    return votes_;
  }
  int proposals() const {
    std::lock_guard lock(mu_);
    return proposals_;
  }

 private:
  ledger::Chain& chain_;
  mutable std::mutex mu_;
  std::vector<std::string> problems_;
  int votes_ = 0;
  int proposals_ = 0;
};

class ConsensusShellTest : public LedgerFixture {
 protected:
  ShellConfig fast_config() {
    ShellConfig c;
    c.tick = milliseconds(50);
    c.block_interval = milliseconds(5);
    c.empty_block_interval = milliseconds(20);
    c.timeouts.propose_base_ms = 500;
    c.on_fatal = [this](const Error& e) { fatal_ = e.to_string(); };
    return c;
  }
  bool wait_height(std::uint64_t h) {
    for (int i = 0; i < 400 && chain_->head().height < h; ++i)
      std::this_thread::sleep_for(milliseconds(25));
    return chain_->head().height >= h;
  }
  std::string fatal_;
};

TEST_F(ConsensusShellTest, PersistsBeforeSendingAndCommitsCertifiedBlocks) {
  Mempool mempool(1000, 1 << 20);
  RecordingNetwork net(*chain_);
  auto shell = ConsensusShell::create(*chain_, mempool, pki_.validator_key, fast_config());
  ASSERT_TRUE(shell.ok()) << shell.error().to_string();
  (*shell)->set_network(&net);
  (*shell)->start();
  ASSERT_TRUE(wait_height(4)) << "no blocks decided; fatal=" << fatal_;
  (*shell)->stop();
  EXPECT_TRUE(fatal_.empty()) << fatal_;
  EXPECT_TRUE(net.problems().empty()) << net.problems().front();
  EXPECT_GE(net.votes(), 8);  // a prevote and a precommit per height at least
  EXPECT_GE(net.proposals(), 4);
  // Each committed block carries a certificate the ledger accepts (commit_block checked it);
  // the next block's last_commit is that certificate.
  for (std::uint64_t h = 1; h <= 4; ++h) {
    auto cert = chain_->commit(h);
    ASSERT_TRUE(cert.ok() && *cert) << h;
    EXPECT_EQ((*cert)->signatures_size(), 1);
  }
}

TEST_F(ConsensusShellTest, RestartResumesFromPersistedStateWithoutSigningTwice) {
  Mempool mempool(1000, 1 << 20);
  {
    RecordingNetwork net(*chain_);
    auto shell = ConsensusShell::create(*chain_, mempool, pki_.validator_key, fast_config());
    ASSERT_TRUE(shell.ok());
    (*shell)->set_network(&net);
    (*shell)->start();
    ASSERT_TRUE(wait_height(2));
    (*shell)->stop();
  }
  auto before = consensus::decode_safety_state(**chain_->consensus_state()).value();
  std::uint64_t head = chain_->head().height;
  EXPECT_GE(before.height, head);  // the state is for the height in progress (or the next)
  RecordingNetwork net(*chain_);
  auto shell = ConsensusShell::create(*chain_, mempool, pki_.validator_key, fast_config());
  ASSERT_TRUE(shell.ok()) << shell.error().to_string();
  (*shell)->set_network(&net);
  (*shell)->start();
  ASSERT_TRUE(wait_height(head + 3)) << fatal_;
  (*shell)->stop();
  EXPECT_TRUE(net.problems().empty()) << net.problems().front();
  auto after = consensus::decode_safety_state(**chain_->consensus_state()).value();
  EXPECT_GT(after.height, before.height);
}

TEST_F(ConsensusShellTest, ObserverAndAKeyOutsideTheSetNeverSign) {
  Mempool mempool(1000, 1 << 20);
  RecordingNetwork net(*chain_);
  auto observer = ConsensusShell::create(*chain_, mempool, std::nullopt, fast_config());
  ASSERT_TRUE(observer.ok());
  (*observer)->set_network(&net);
  (*observer)->start();
  std::this_thread::sleep_for(milliseconds(300));
  (*observer)->stop();
  EXPECT_EQ(net.votes() + net.proposals(), 0);
  EXPECT_EQ(chain_->head().height, 0u);  // alone, an observer decides nothing

  // A key the validator set does not hold (yet: governance may add it, decision 0041) makes a
  // follower: it starts, and signs nothing.
  auto stranger_key = crypto::PrivateKey::generate(crypto::Suite::kP256Sha256).value();
  RecordingNetwork net2(*chain_);
  auto follower = ConsensusShell::create(*chain_, mempool, stranger_key, fast_config());
  ASSERT_TRUE(follower.ok()) << follower.error().to_string();
  (*follower)->set_network(&net2);
  (*follower)->start();
  std::this_thread::sleep_for(milliseconds(300));
  (*follower)->stop();
  EXPECT_EQ(net2.votes() + net2.proposals(), 0);
  EXPECT_FALSE((*follower)->status().validator);
  EXPECT_EQ(chain_->head().height, 0u);
}

TEST_F(ConsensusShellTest, SafetyStateAheadOfTheStoreRefusesToStart) {
  consensus::SafetyState ahead;
  ahead.height = 50;
  ASSERT_TRUE(chain_->save_consensus_state(consensus::encode_safety_state(ahead)).ok());
  Mempool mempool(10, 1 << 20);
  auto shell = ConsensusShell::create(*chain_, mempool, pki_.validator_key, fast_config());
  ASSERT_FALSE(shell.ok());
  EXPECT_EQ(shell.error().code, "safety_state_ahead");
  ASSERT_TRUE(chain_->save_consensus_state(Bytes{0x01, 0x02}).ok());
  auto corrupt = ConsensusShell::create(*chain_, mempool, pki_.validator_key, fast_config());
  ASSERT_FALSE(corrupt.ok());
  EXPECT_EQ(corrupt.error().code, "storage_corrupt");
}

// Issue #19: frames a peer sends faster than the shell thread drains them are bounded. The shell
// is not started, so nothing drains: exactly the bound is queued, the rest is dropped and
// counted; once started, the queued junk is discarded and the validator keeps deciding.
TEST_F(ConsensusShellTest, PeerFramesBeyondTheInboxBoundAreDroppedAndCounted) {
  Mempool mempool(1000, 1 << 20);
  RecordingNetwork net(*chain_);
  ShellConfig c = fast_config();
  c.inbox_max_frames = 100;
  c.inbox_max_bytes = std::size_t{1} << 20;
  auto shell = ConsensusShell::create(*chain_, mempool, pki_.validator_key, c);
  ASSERT_TRUE(shell.ok()) << shell.error().to_string();
  (*shell)->set_network(&net);
  const auto junk = std::make_shared<const Bytes>(Bytes(64, 0x5a));
  // Each peer holds at most a quarter of the inbox (inbox_peer_share = 4): 25 frames each.
  for (const char* peer : {"node-w", "node-x", "node-y", "node-z"}) {
    for (int i = 0; i < 250; ++i) (*shell)->on_frame(peer, p2p::Channel::kConsensus, junk);
  }
  EXPECT_EQ((*shell)->status().inbox_dropped, 4u * 225u);
  // Bytes bound: a second shell with room for 10 such frames by size (160 bytes, 2 frames, a
  // peer); five peers fill it.
  ShellConfig by_bytes = fast_config();
  by_bytes.inbox_max_bytes = 10 * 64;
  auto small = ConsensusShell::create(*chain_, mempool, pki_.validator_key, by_bytes);
  ASSERT_TRUE(small.ok());
  for (const char* peer : {"a", "b", "c", "d", "e"}) {
    for (int i = 0; i < 10; ++i) (*small)->on_frame(peer, p2p::Channel::kStatus, junk);
  }
  EXPECT_EQ((*small)->status().inbox_dropped, 40u);

  (*shell)->start();
  ASSERT_TRUE(wait_height(2)) << "no blocks decided; fatal=" << fatal_;
  (*shell)->stop();
  EXPECT_TRUE(fatal_.empty()) << fatal_;
}

}  // namespace
}  // namespace rl::node
