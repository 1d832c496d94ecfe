#pragma once
// The consensus shell: drives the pure Tendermint core (consensus/core.hpp) with real timers,
// the P2P network and the ledger, on one thread of its own.
//
//   P2P frames ──► post ──► [shell thread] ── step(event) ──► Ready ──► act, in this order:
//     1. decided   → Chain::commit_block (one synced RocksDB batch), mempool cleanup, status
//     2. persist   → Chain::save_consensus_state (fsync) — BEFORE anything leaves the process
//     3. broadcast → P2P; timers → asio; build/check → Chain::build_block / check_block
//
// Block sync uses the same path as a one-height lag: a node behind asks a peer that is ahead for
// blocks with their certificates, re-executes each (check_block: app_hash must match) and feeds
// it to the core as SyncedBlock, which verifies the certificate against the validator set of
// that height and decides it. While more than one height behind, the shell feeds the core no
// votes, proposals or timeouts, so a catching-up validator never signs.
//
// One class, one file per job: consensus_shell.cpp drives the core (events in, Ready out,
// building and checking blocks, committing decisions, timers); consensus_shell_sync.cpp is block
// sync and peers' status; consensus_shell_compact.cpp rebuilds compact proposals and fetches
// and serves full blocks.

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>

#include "consensus/core.hpp"
#include "crypto/keys.hpp"
#include "ledger/chain.hpp"
#include "node/app/mempool.hpp"
#include "node/app/metrics/histogram.hpp"
#include "node/p2p/p2p_network.hpp"
#include "node/validator/compact_block.hpp"
#include "node/validator/consensus_crypto.hpp"
#include "node/validator/evidence_pool.hpp"
#include "node/validator/inbox_bound.hpp"
#include "node/validator/message_parts.hpp"
#include "node/validator/safety_state_store.hpp"
#include "node/validator/tx_admission_queue.hpp"
#include "regledger.pb.h"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace rl::node {

struct ShellConfig {
  consensus::TimeoutConfig timeouts;
  // The operator's double-sign guard for a validator whose disk was wiped (decision 0006).
  std::uint64_t sign_from_height = 1;
  // Re-gossip own messages and the status this often (the core's Tick).
  std::chrono::milliseconds tick{1000};
  // A proposer with pending transactions waits this long to fill the block (or until it is full).
  std::chrono::milliseconds block_interval{100};
  // With nothing pending, the proposer proposes an empty block after this long. Must stay below
  // the propose timeout, or the others prevote nil on an idle proposer.
  std::chrono::milliseconds empty_block_interval{1000};
  std::size_t max_block_txs = 5000;
  std::uint32_t sync_batch_blocks = 64;
  std::size_t sync_batch_bytes = std::size_t{8} << 20;
  std::chrono::milliseconds sync_request_timeout{5000};
  // A proposed block whose time is further ahead of our clock than this is invalid.
  std::int64_t max_clock_drift_ms = 10000;
  // Gossiped transactions waiting for admission; beyond this they are dropped.
  std::size_t tx_queue_max = 20000;
  // Every other frame from peers waiting for the shell thread (inbox_bound.hpp); beyond either
  // bound it is dropped and counted. The bytes bound holds several maximum-size frames.
  std::size_t inbox_max_frames = 10000;
  std::size_t inbox_max_bytes = std::size_t{128} << 20;
  // One peer may fill at most 1/inbox_peer_share of either bound (InboxBound).
  std::size_t inbox_peer_share = 4;
  // Consensus messages larger than this (proposals with big blocks) go out in parts.
  std::size_t part_bytes = std::size_t{1} << 20;
  // Propose blocks in compact form (tx ids; peers rebuild them from their mempools and fetch
  // whatever they cannot). Off: every proposal carries its transactions (decision 0042).
  bool compact_proposals = true;
  // A full block asked for by hash that has not arrived after this long is asked of another peer.
  std::chrono::milliseconds block_request_retry{1000};
  // Called on the shell thread when the node must stop (a failed synced write, a certified block
  // that does not re-execute): serving a ledger that can no longer move safely is worse.
  std::function<void(const Error&)> on_fatal;
  // Called on the shell thread after block `head` was applied when the validators of heights
  // head + 1 / head + 2 differ from before (a change was scheduled or took effect): the P2P
  // membership follows the ledger's sets (decision 0041).
  std::function<void(std::uint64_t head)> on_validator_sets_changed;
};

// What the shell shows of itself; /metrics reads it at scrape time (node/app/metrics/).
struct ShellStatus {
  std::uint64_t consensus_height = 0;
  std::int64_t round = 0;
  std::string step;
  bool validator = false;
  bool catching_up = false;
  std::uint64_t best_peer_height = 0;
  std::uint64_t blocks_synced = 0;
  std::uint64_t blocks_decided = 0;
  std::uint64_t inbox_dropped = 0;  // peer frames dropped because the shell's inbox was full
  // Consensus messages from peers, each counted once (re-gossiped copies are not).
  std::uint64_t proposals_received = 0;
  std::uint64_t prevotes_received = 0;
  std::uint64_t precommits_received = 0;
  // Equivocations this node's vote tally caught (each voting slot once) and the proofs waiting
  // for a block of this node's to record them.
  std::uint64_t equivocations_detected = 0;
  std::uint64_t evidence_pending = 0;
  // Heights decided in a round above 0, and the sum of their rounds: a proposer that was down,
  // slow or not heard from in time.
  std::uint64_t heights_after_round0 = 0;
  std::uint64_t extra_rounds = 0;
  // Time per committed height (from the previous commit to this one) and its phases: building
  // (heights this node proposed at), checking others' proposals (heights it checked one at) and
  // the synced write of the commit.
  metrics::HistogramCounts height_seconds{metrics::kHeightSecondsBounds};
  metrics::HistogramCounts build_seconds{metrics::kHeightSecondsBounds};
  metrics::HistogramCounts check_seconds{metrics::kHeightSecondsBounds};
  metrics::HistogramCounts commit_seconds{metrics::kHeightSecondsBounds};
  // Each peer's last reported head, as status frames told it (refreshed once per tick).
  struct Peer {
    std::string name;
    std::uint64_t height = 0;
    bool connected = false;
  };
  std::vector<Peer> peers;
};

class ConsensusShell {
 public:
  // `validator_key` is empty for an observer (follows and serves, never signs). A key that is in
  // none of the ledger's current sets makes a follower that signs from the height its key
  // enters the set (governance added it); a removed validator stops signing the same way.
  static Result<std::unique_ptr<ConsensusShell>> create(
      ledger::Chain& chain, Mempool& mempool, std::optional<crypto::PrivateKey> validator_key,
      ShellConfig config);
  ~ConsensusShell();
  ConsensusShell(const ConsensusShell&) = delete;
  ConsensusShell& operator=(const ConsensusShell&) = delete;

  // Wiring: the network is created after the shell (its handlers call into the shell).
  void set_network(p2p::P2pNetwork* network) { network_ = network; }
  void start();
  // Stops the thread; pending work is dropped (everything durable was written before sending).
  void stop();

  // Thread-safe entry points (called from the P2P thread and the API threads).
  void on_frame(const std::string& peer, p2p::Channel channel, p2p::SharedBytes payload);
  void on_peer(const std::string& peer, bool connected);
  // Sends a transaction the API admitted to every peer.
  void gossip_tx(const Bytes& raw);

  ShellStatus status() const;

  struct PrivateTag {};
  ConsensusShell(PrivateTag, ledger::Chain& chain, Mempool& mempool,
                 std::optional<crypto::PrivateKey> key, ShellConfig config,
                 consensus::ValidatorSchedule schedule);

 private:
  struct PeerView {
    std::uint64_t height = 0;
    bool connected = false;
  };
  struct SyncInFlight {
    std::string peer;
    std::uint64_t from = 0;
    std::chrono::steady_clock::time_point deadline;
  };
  // Where the time of the height in progress went, logged when it commits: operators (and the
  // benchmark) see whether a slow height was spent executing, waiting for votes or on disk.
  struct HeightTimings {
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    double build_ms = 0;  // this node proposed: executing the candidates
    double check_ms = 0;  // re-executing proposals from others
  };

  struct PendingBuild {
    consensus::Height height = 0;
    consensus::Round round = 0;
    std::chrono::steady_clock::time_point requested;
  };

  // Compact proposals this node could not rebuild, waiting for the full block from a peer.
  // Transactions taken out of the admission queue for one proposal, by id (not yet verified:
  // check_block verifies them).
  using HeldTxs = std::unordered_map<std::string, ledger::TxRef>;
  struct BlockWait {
    std::optional<consensus::CheckProposal> check;  // empty: wanted for a stalled decision
    std::string asked;                              // empty: asked of every peer
    std::chrono::steady_clock::time_point at;
    std::vector<Bytes> missing;     // the txs to ask for; empty: the whole block
    std::shared_ptr<HeldTxs> held;  // txs already taken for this proposal (may be null)
  };

  Status init_core();

  // Everything below runs on the shell thread.
  void feed(const consensus::Event& event);
  void handle(consensus::Ready ready);
  bool commit_decision(const consensus::Decision& d);
  // After block `height` is on disk: feeds the core the validator-set change it scheduled (the
  // core must have it before it can decide height + 1) and tells the P2P membership.
  void after_block_applied(std::uint64_t height);
  void arm_timer(const consensus::TimerRequest& t, std::chrono::milliseconds delay);
  void on_timer(const consensus::TimerRequest& t);
  void try_build();
  void check_proposal(const consensus::CheckProposal& c);
  void accept_checked(const consensus::CheckProposal& c, Result<ledger::PreparedBlock> checked);
  bool commit_prepared(const consensus::Decision& d, const ledger::PreparedBlock& block);

  // Compact proposals (consensus_shell_compact.cpp).
  // `held`: txs already taken for this proposal (null on the first try).
  void check_compact_proposal(const consensus::CheckProposal& c,
                              std::chrono::steady_clock::time_point first_try,
                              std::shared_ptr<HeldTxs> held = nullptr);
  // Takes the `missing` txs still waiting in the admission queue into `held`; leaves in
  // `missing` the ones that are not there.
  void take_from_admission_queue(std::vector<Bytes>& missing, HeldTxs& held);
  // Waits for the gossiped txs a rebuild of `c` lacked, polling only those ids, then checks `c`
  // again (once they are all here, the admission queue is empty, or the wait ran out).
  void wait_for_gossip(std::shared_ptr<const consensus::CheckProposal> c,
                       std::chrono::steady_clock::time_point first_try,
                       std::shared_ptr<std::vector<Bytes>> missing, std::shared_ptr<HeldTxs> held);
  // Rebuilds a compact value from `held` (may be null) and the mempool.
  Result<std::variant<RebuiltBlock, MissingTxs>> rebuild(ByteView compact, const HeldTxs* held);
  void note_proposal_sender(const consensus::Proposal& p, const std::string& peer);
  void request_block(const Bytes& hash, const std::string& peer);
  void retry_block_requests();
  void on_block_request(const std::string& peer, const Bytes& payload);
  void on_block_response(const std::string& peer, const Bytes& payload);
  void on_fetched_txs(const std::string& peer, const Bytes& hash, BlockWait wait,
                      const ::regledger::v1::BlockResponse& resp);
  void stall_on(const consensus::Decision& d);
  bool finish_stall(const ledger::PreparedBlock& block);
  void on_consensus_frame(const std::string& peer, const Bytes& payload);
  void on_consensus_message(const std::string& peer, const Bytes& encoded);
  void on_status_frame(const std::string& peer, const Bytes& payload);
  void on_sync_request(const std::string& peer, const Bytes& payload);
  void on_sync_response(const std::string& peer, const Bytes& payload);
  void maybe_request_sync();
  void broadcast_status();
  void tick();
  // Copies what status() shows into status_ (under status_mu_); `with_peers` also the peers'
  // heights (not on every consensus message: that copy allocates).
  void publish_status(bool with_peers);
  void fail(const Error& e);
  bool catching_up() const;
  std::uint64_t best_peer_height() const;
  std::uint64_t vouched_peer_height() const;
  void send(const std::string& peer, p2p::Channel ch, Bytes payload);

  ledger::Chain& chain_;
  Mempool& mempool_;
  std::optional<KeySigner> signer_;
  KeyVerifier verifier_;
  BlockHasher hasher_;
  SafetyStateStore safety_store_{chain_, hasher_};
  ShellConfig config_;
  consensus::ValidatorSchedule schedule_;
  std::optional<std::uint32_t> self_index_;
  std::optional<consensus::Consensus> core_;
  p2p::P2pNetwork* network_ = nullptr;

  std::unique_ptr<boost::asio::io_context> io_;
  std::thread thread_;
  bool halted_ = false;
  InboxBound inbox_;
  std::unique_ptr<TxAdmissionQueue> tx_queue_;  // gossiped txs, admitted off the P2P thread

  // Blocks this node built or checked for the next height, by block hash.
  std::map<Bytes, ledger::PreparedBlock> prepared_;
  std::deque<Bytes> prepared_order_;
  HeightTimings timings_;
  std::optional<PendingBuild> pending_build_;
  std::map<std::string, PeerView> peers_;
  EvidencePool evidence_;
  std::map<std::string, PartAssembler> assemblers_;  // per peer
  std::optional<SyncInFlight> sync_;
  std::uint64_t sync_started_height_ = 0;
  std::chrono::steady_clock::time_point sync_started_at_;
  std::map<Bytes, BlockWait> awaiting_blocks_;
  // Who delivered each proposal of this height (value hash -> peer): the first peer to ask for
  // the full block.
  std::map<Bytes, std::string> proposal_from_;
  // A decision whose block this node cannot rebuild: the store waits for it (by hash or block
  // sync) while the core has moved on.
  std::optional<consensus::Decision> stalled_;
  std::vector<consensus::CheckProposal> deferred_checks_;  // of the height after stalled_
  // Recently seen consensus frames (suite hash), so re-gossiped copies cost no verification.
  std::set<Bytes> seen_;
  std::deque<Bytes> seen_order_;

  // Shell thread; published into status_ with the rest.
  std::uint64_t proposals_received_ = 0;
  std::uint64_t prevotes_received_ = 0;
  std::uint64_t precommits_received_ = 0;
  std::uint64_t equivocations_detected_ = 0;

  mutable std::mutex status_mu_;
  ShellStatus status_;
};

}  // namespace rl::node
