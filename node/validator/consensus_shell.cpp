// The consensus shell's main job: driving the core. Frames and timers become events, each Ready
// is acted on in the order consensus_shell.hpp states, proposals are built and checked through
// the ledger, and decisions are committed. Block sync and compact blocks live in
// consensus_shell_sync.cpp and consensus_shell_compact.cpp.
#include "node/validator/consensus_shell.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <functional>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "common/thread_name.hpp"
#include "common/wall_clock.hpp"
#include "consensus/codec.hpp"
#include "crypto/hash.hpp"
#include "ledger/commit.hpp"
#include "node/app/admission.hpp"
#include "node/validator/sync_protocol.hpp"
#include "node/validator/validator_schedule.hpp"
#ifdef RL_BYZANTINE_TEST_BUILD
#include "node/validator/byzantine/hooks.hpp"  // regledgerd_byzantine only (decision 0074)
#include "node/validator/byzantine/swallow.hpp"
#endif

namespace rl::node {
namespace asio = boost::asio;

namespace {
double ms_between(std::chrono::steady_clock::time_point a,
                  std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}
}  // namespace
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kMaxPrepared = 32;
constexpr std::size_t kMaxSeen = 16384;
constexpr auto kBuildPoll = std::chrono::milliseconds(5);

}  // namespace

ConsensusShell::ConsensusShell(PrivateTag, ledger::Chain& chain, Mempool& mempool,
                               std::optional<crypto::PrivateKey> key, ShellConfig config,
                               consensus::ValidatorSchedule schedule)
    : chain_(chain),
      mempool_(mempool),
      hasher_(chain.anchor().suite),
      config_(std::move(config)),
      schedule_(std::move(schedule)),
      io_(std::make_unique<asio::io_context>(1)),
      inbox_(config_.inbox_max_frames, config_.inbox_max_bytes, config_.inbox_peer_share) {
  if (key) signer_.emplace(std::move(*key));
}

ConsensusShell::~ConsensusShell() {
  stop();
}

Result<std::unique_ptr<ConsensusShell>> ConsensusShell::create(
    ledger::Chain& chain, Mempool& mempool, std::optional<crypto::PrivateKey> validator_key,
    ShellConfig config) {
  // The sets in force at head + 1 and head + 2, from the ledger's history (not only genesis).
  RL_ASSIGN_OR_RETURN(auto schedule, schedule_from_chain(chain));
  Bytes self_id;
  if (validator_key) self_id = validator_key->public_key().to_der();
  const std::uint64_t start = chain.head().height + 1;
  auto shell =
      std::make_unique<ConsensusShell>(PrivateTag{}, chain, mempool, std::move(validator_key),
                                       std::move(config), std::move(schedule));
  if (!self_id.empty()) {
    shell->self_index_ = shell->schedule_.at(start).index_of(self_id);
    if (!shell->self_index_ && !shell->schedule_.at(start + 1).index_of(self_id)) {
      spdlog::warn(
          "consensus node key is not in the validator set height={}; running as a non-signing "
          "follower until governance adds it",
          start);
    }
  }
  RL_TRY(shell->init_core());
  return shell;
}

Status ConsensusShell::init_core() {
  auto head = chain_.head();
  consensus::Config cc;
  cc.chain_id = chain_.anchor().chain_id;
  if (signer_) cc.self_id = signer_->public_key_der();
  cc.timeouts = config_.timeouts;
  cc.sign_from_height = config_.sign_from_height;
  RL_ASSIGN_OR_RETURN(auto restored, safety_store_.load());
  if (restored) {
    // Never sign below what we may already have signed: a safety state ahead of the store means
    // the store lost blocks this validator voted on (restored from an old backup).
    if (restored->height > head.height + 1) {
      return make_error("safety_state_ahead",
                        "consensus state is at height " + std::to_string(restored->height) +
                            " but the store ends at " + std::to_string(head.height));
    }
  }
  consensus::CryptoHooks hooks{signer_ ? &*signer_ : nullptr, &verifier_, &hasher_};
  RL_ASSIGN_OR_RETURN(auto core, consensus::Consensus::create(cc, schedule_, head.height + 1,
                                                              std::move(restored), hooks));
  core_.emplace(std::move(core));
  return {};
}

void ConsensusShell::start() {
  // Admission verifies the signature; a worker of its own keeps that cost off the P2P reader
  // and the consensus thread. Gossip is one hop: every validator is connected to every other.
  tx_queue_ = std::make_unique<TxAdmissionQueue>(
      config_.tx_queue_max, config_.tx_queue_max * 2048, [this](ledger::DecodedTx tx) {
        if (mempool_.full(TxOrigin::kPeer)) return;  // cheap refusal before the signature check
        auto st = admit_tx(chain_, mempool_, std::move(tx), rl::wall_now_ms(), /*relayed=*/true);
        if (!st.ok() && st.error().code != "duplicate_tx") {
          spdlog::debug("p2p tx not admitted code={}", st.error().code);
        }
      });
  asio::post(*io_, [this] {
#ifdef RL_BYZANTINE_TEST_BUILD
    if (auto st = byzantine::start(); !st.ok()) return fail(st.error());
#endif
    spdlog::info("consensus started height={} validator={} index={}", core_->height(),
                 signer_.has_value(), self_index_ ? static_cast<std::int64_t>(*self_index_) : -1);
    feed(consensus::Start{});
    tick();
  });
  thread_ = std::thread([this] {
    name_this_thread("consensus");
    auto guard = asio::make_work_guard(*io_);
    io_->run();
  });
}

void ConsensusShell::stop() {
  if (tx_queue_) tx_queue_->stop();
  if (!thread_.joinable()) return;
  io_->stop();
  thread_.join();
#ifdef RL_BYZANTINE_TEST_BUILD
  byzantine::log_summary();
#endif
}

ShellStatus ConsensusShell::status() const {
  std::lock_guard lock(status_mu_);
  ShellStatus s = status_;
  s.inbox_dropped = inbox_.dropped();
  return s;
}

// ---------------------------------------------------------------------------------------------
// Entry points (any thread)

void ConsensusShell::on_frame(const std::string& peer, p2p::Channel channel,
                              p2p::SharedBytes payload) {
  if (channel == p2p::Channel::kTx) {
    // Decoded here (protobuf and two hashes, no signature) so that the queue knows each tx's id:
    // a proposal that names a tx still waiting there takes it (TxAdmissionQueue::take).
    if (!tx_queue_ || mempool_.full(TxOrigin::kPeer)) return;
    auto tx = ledger::decode_tx(chain_.anchor().suite, *payload);
    if (!tx.ok()) {
      spdlog::debug("p2p tx does not decode peer={} code={}", peer, tx.error().code);
      return;
    }
    tx_queue_->push(std::move(tx).value());
    return;
  }
  const std::size_t size = payload ? payload->size() : 0;
  if (!inbox_.try_admit(peer, size)) {
    if (inbox_.should_log(std::chrono::steady_clock::now())) {
      spdlog::warn(
          "shell inbox full: dropped a frame from peer={} channel={}; {} dropped so far, "
          "{} frames / {} bytes queued",
          peer, static_cast<int>(channel), inbox_.dropped(), inbox_.queued_frames(),
          inbox_.queued_bytes());
    }
    return;
  }
  asio::post(*io_, [this, peer, channel, size, payload = std::move(payload)] {
    inbox_.release(peer, size);
    if (halted_) return;
    switch (channel) {
      case p2p::Channel::kConsensus:
        return on_consensus_frame(peer, *payload);
      case p2p::Channel::kStatus:
        return on_status_frame(peer, *payload);
      case p2p::Channel::kSyncRequest:
        return on_sync_request(peer, *payload);
      case p2p::Channel::kSyncResponse:
        return on_sync_response(peer, *payload);
      case p2p::Channel::kBlockRequest:
        return on_block_request(peer, *payload);
      case p2p::Channel::kBlockResponse:
        return on_block_response(peer, *payload);
      default:
        return;
    }
  });
}

void ConsensusShell::on_peer(const std::string& peer, bool connected) {
  asio::post(*io_, [this, peer, connected] {
    peers_[peer].connected = connected;
    if (connected) {
      auto head = chain_.head();
      pb::PeerStatus s;
      s.set_height(head.height);
      s.set_block_hash(to_string(head.block_hash));
      s.set_app_hash(to_string(head.app_hash));
#ifdef RL_BYZANTINE_TEST_BUILD
      byzantine::connected(peer);
      byzantine::lie(s);
#endif
      send(peer, p2p::Channel::kStatus, serialize_message(s));
    } else if (sync_ && sync_->peer == peer) {
      sync_.reset();
      maybe_request_sync();
    }
    publish_status(true);
  });
}

void ConsensusShell::gossip_tx(const Bytes& raw) {
#ifdef RL_BYZANTINE_TEST_BUILD
  if (byzantine::swallowing()) return;
#endif
  if (network_) network_->broadcast(p2p::Channel::kTx, std::make_shared<const Bytes>(raw));
}

// ---------------------------------------------------------------------------------------------
// The core's inputs and outputs (shell thread)

void ConsensusShell::feed(const consensus::Event& event) {
  if (halted_) return;
  auto ready = core_->step(event);
  // The core finds this node's index in the set of every height it enters (it changes with
  // validator-set governance); block building names it as the proposer.
  const auto was = self_index_;
  self_index_ = core_->self_index();
  if (was.has_value() != self_index_.has_value()) {
    spdlog::info("consensus signing={} height={} index={}", self_index_.has_value() ? "on" : "off",
                 core_->height(), self_index_ ? static_cast<std::int64_t>(*self_index_) : -1);
  }
  handle(std::move(ready));
  publish_status(false);
}

void ConsensusShell::publish_status(bool with_peers) {
  std::vector<ShellStatus::Peer> peers;
  if (with_peers) {
    peers.reserve(peers_.size());
    for (const auto& [name, p] : peers_) peers.push_back({name, p.height, p.connected});
  }
  const bool behind = catching_up();
  const auto best = best_peer_height();
  std::lock_guard lock(status_mu_);
  status_.consensus_height = core_->height();
  status_.round = core_->round();
  status_.step = consensus::step_name(core_->current_step());
  status_.validator = self_index_.has_value();
  status_.catching_up = behind;
  status_.best_peer_height = best;
  status_.proposals_received = proposals_received_;
  status_.prevotes_received = prevotes_received_;
  status_.precommits_received = precommits_received_;
  status_.equivocations_detected = equivocations_detected_;
  status_.evidence_pending = evidence_.size();
  if (with_peers) status_.peers = std::move(peers);
}

void ConsensusShell::handle(consensus::Ready ready) {
  // 0. The core found its own state impossible (a bug or a corrupted disk) and stopped: halt
  // loudly with the invariant's name rather than act on anything it produced (decision 0071).
  if (ready.fatal) return fail(ready.fatal->to_error());
  // 1. The decided block, durably, before anything of the next height happens.
  if (ready.decided && !commit_decision(*ready.decided)) return;
  // 2. Persist before send: a vote that left the process must survive a crash.
  if (ready.persist) {
    auto st = safety_store_.save(*ready.persist);
    if (!st.ok()) return fail(st.error());
  }
  // 3. Everything that leaves the process or waits for time.
  if (network_) {
    for (const auto& m : ready.broadcast) {
#ifdef RL_BYZANTINE_TEST_BUILD
      if (signer_ && self_index_ &&
          byzantine::send(
              m, {*network_, *signer_, chain_.anchor(), *self_index_, config_.part_bytes})) {
        continue;
      }
#endif
      for (auto& part :
           split_message(chain_.anchor().suite, consensus::encode_message(m), config_.part_bytes)) {
        network_->broadcast(p2p::Channel::kConsensus,
                            std::make_shared<const Bytes>(std::move(part)));
      }
    }
  }
  for (const auto& t : ready.timers) arm_timer(t, std::chrono::milliseconds(t.delay_ms));
  for (const auto& e : ready.evidence) {
    ++equivocations_detected_;
    const bool pooled = evidence_.add(e);
    // A warning per proof the pool takes (one per voting slot, at most kMaxPending waiting): a
    // Byzantine peer can sign any number of further conflicting votes for a slot already proven,
    // and each would otherwise be a warning line.
    spdlog::log(pooled ? spdlog::level::warn : spdlog::level::debug,
                "equivocation detected validator={} height={} round={} type={} pooled={}",
                e.first.validator, e.first.height, e.first.round,
                consensus::vote_type_name(e.first.type), pooled);
  }
  for (const auto& r : ready.rejected) {
    spdlog::debug("consensus input ignored code={} message={}", r.code, r.message);
  }
  if (ready.build_proposal) {
    pending_build_ =
        PendingBuild{ready.build_proposal->height, ready.build_proposal->round, Clock::now()};
    try_build();
  }
  for (const auto& c : ready.check_proposals) check_proposal(c);
  if (ready.decided) {
    after_block_applied(ready.decided->height);
    broadcast_status();
    maybe_request_sync();
  }
}

void ConsensusShell::after_block_applied(std::uint64_t height) {
  if (halted_) return;
  if (evidence_.size() > 0) evidence_.prune(chain_);
  // One read per block; the set itself is loaded only when this block scheduled a change.
  auto latest = chain_.latest_validator_set_height();
  if (!latest.ok()) return fail(latest.error());
  if (*latest == height + 2) {
    auto change = change_scheduled_by(chain_, height);
    if (!change.ok()) return fail(change.error());
    if (*change) {
      bool member = false;
      if (signer_) member = (*change)->set.index_of(signer_->public_key_der()).has_value();
      spdlog::info(
          "validator set change scheduled decided_height={} effective_height={} validators={} "
          "total_power={} this_node_member={}",
          height, height + 2, (*change)->set.size(), (*change)->set.total_power(), member);
      feed(std::move(**change));
    }
  }
  if ((*latest == height + 2 || *latest == height + 1) && config_.on_validator_sets_changed) {
    config_.on_validator_sets_changed(height);
  }
}

bool ConsensusShell::commit_decision(const consensus::Decision& d) {
  auto head = chain_.head();
  if (d.height != head.height + 1) {
    fail(make_error("decision_out_of_order", "decided height " + std::to_string(d.height) +
                                                 " does not follow the store at " +
                                                 std::to_string(head.height)));
    return false;
  }
  auto it = prepared_.find(d.value_hash);
  std::optional<ledger::PreparedBlock> checked;
  if (it == prepared_.end()) {
    // The decided value as it is, or the block rebuilt from a compact value (no copy of a
    // full-form value: it can be megabytes).
    ByteView full = d.value;
    Bytes rebuilt_bytes;
    std::vector<ledger::TxRef> decoded;
    if (is_compact(d.value)) {
      auto r = rebuild(d.value, nullptr);
      auto* rebuilt = r.ok() ? std::get_if<RebuiltBlock>(&*r) : nullptr;
      if (!rebuilt) {
        // Decided, but this node never held the block's transactions (it restarted, or its
        // proposal check was still fetching). Wait for the full block: the peers that committed
        // it serve it, by hash or through block sync.
        stall_on(d);
        return false;
      }
      rebuilt_bytes = std::move(rebuilt->block_bytes);
      full = rebuilt_bytes;
      decoded = std::move(rebuilt->txs);
    }
    auto c = chain_.check_block(full, decoded.empty() ? nullptr : &decoded);
    if (!c.ok()) {
      // More than 2/3 of the power certified a block that does not execute here: our state has
      // diverged (or the validators are faulty beyond f). Stop rather than guess.
      fail(make_error("certified_block_invalid", c.error().message));
      return false;
    }
    checked = std::move(c).value();
  }
  return commit_prepared(d, it != prepared_.end() ? it->second : *checked);
}

bool ConsensusShell::commit_prepared(const consensus::Decision& d,
                                     const ledger::PreparedBlock& block) {
  const auto commit_started = Clock::now();
  auto st = chain_.commit_block(block, ledger::certificate_to_pb(d.certificate));
  if (!st.ok()) {
    fail(st.error());
    return false;
  }
  std::vector<Bytes> ids;
  ids.reserve(block.txs.size());
  for (const auto& tx : block.txs) ids.push_back(tx->id);
  mempool_.remove(ids);
  const auto now = Clock::now();
  const double height_ms = ms_between(timings_.started, now);
  const double commit_ms = ms_between(commit_started, now);
  const HeightTimings timings = timings_;
  spdlog::info(
      "block committed height={} round={} txs={} height_ms={:.0f} build_ms={:.0f} check_ms={:.0f} "
      "commit_ms={:.0f} hash={}",
      d.height, d.round, block.txs.size(), height_ms, timings.build_ms, timings.check_ms, commit_ms,
      to_hex(d.value_hash).substr(0, 16));
  timings_ = HeightTimings{};
  prepared_.clear();
  prepared_order_.clear();
  seen_.clear();
  seen_order_.clear();
  pending_build_.reset();
  awaiting_blocks_.clear();
  proposal_from_.clear();
  stalled_.reset();
  std::lock_guard lock(status_mu_);
  status_.blocks_decided++;
  if (d.round > 0) {
    status_.heights_after_round0++;
    status_.extra_rounds += static_cast<std::uint64_t>(d.round);
  }
  status_.height_seconds.observe(height_ms / 1000);
  status_.commit_seconds.observe(commit_ms / 1000);
  if (timings.build_ms > 0) status_.build_seconds.observe(timings.build_ms / 1000);
  if (timings.check_ms > 0) status_.check_seconds.observe(timings.check_ms / 1000);
  return true;
}

void ConsensusShell::arm_timer(const consensus::TimerRequest& t, std::chrono::milliseconds delay) {
  auto timer = std::make_shared<asio::steady_timer>(*io_, delay);
  timer->async_wait([this, timer, t](const boost::system::error_code& ec) {
    if (!ec) on_timer(t);
  });
}

void ConsensusShell::on_timer(const consensus::TimerRequest& t) {
  if (t.height < core_->height()) return;
  if (catching_up()) {
    // Never act on a timeout while behind; keep it armed so the core is not left without one
    // once it has caught up.
    return arm_timer(t, std::chrono::milliseconds(200));
  }
  feed(consensus::TimeoutFired{t.kind, t.height, t.round});
}

void ConsensusShell::try_build() {
  if (!pending_build_ || halted_) return;
  const auto& pb_ = *pending_build_;
  if (pb_.height != core_->height() || pb_.round != core_->round()) {
    pending_build_.reset();
    return;
  }
  auto waited = Clock::now() - pb_.requested;
  std::size_t pending = mempool_.size();
  bool full = pending >= config_.max_block_txs;
  bool batch_ready = pending > 0 && waited >= config_.block_interval;
  bool empty_due = waited >= config_.empty_block_interval;
  if (catching_up() || !(full || batch_ready || empty_due)) {
    auto timer = std::make_shared<asio::steady_timer>(*io_, kBuildPoll);
    timer->async_wait([this, timer](const boost::system::error_code& ec) {
      if (!ec) try_build();
    });
    return;
  }
  auto request = *pending_build_;
  pending_build_.reset();
  auto head = chain_.head();
  if (head.height + 1 != request.height) return;
  auto candidates = mempool_.peek(config_.max_block_txs);
  std::vector<ledger::DroppedTx> dropped;
  std::int64_t time_ms = std::max(rl::wall_now_ms(), head.time_ms + 1);
  const auto build_started = Clock::now();
  auto block =
      chain_.build_block(candidates, time_ms, *self_index_, &dropped, evidence_.candidates());
  timings_.build_ms += ms_between(build_started, Clock::now());
  if (!block.ok()) {
    spdlog::error("block build failed height={} code={} message={}", request.height,
                  block.error().code, block.error().message);
    return;
  }
  if (!dropped.empty()) {
    std::vector<Bytes> ids;
    for (const auto& d : dropped) {
      spdlog::info("tx dropped at execution tx_id={} code={}", to_hex(d.tx_id), d.error.code);
      ids.push_back(d.tx_id);
    }
    mempool_.remove(ids);
  }
  Bytes hash = block->block_hash;
  // Peers hold the transactions already (gossip): the value names them instead of carrying them.
  Bytes value = config_.compact_proposals ? make_compact(*block) : block->block_bytes;
#ifdef RL_BYZANTINE_TEST_BUILD
  if (auto twin =
          byzantine::plan_proposal(chain_, *block, request.round, config_.compact_proposals)) {
    const Bytes twin_hash = twin->block_hash;
    if (prepared_.emplace(twin_hash, std::move(*twin)).second) prepared_order_.push_back(twin_hash);
  }
#endif
  if (prepared_.emplace(hash, std::move(block).value()).second) prepared_order_.push_back(hash);
  feed(consensus::ProposalReady{request.height, request.round, std::move(value), hash});
}

void ConsensusShell::check_proposal(const consensus::CheckProposal& c) {
  if (prepared_.count(c.value_hash) != 0) {
    return feed(consensus::ProposalChecked{c.height, c.round, c.value_hash, true});
  }
  if (stalled_ && c.height == stalled_->height + 1) {
    // The store is one block behind the core: checked once that block is in (finish_stall).
    if (deferred_checks_.size() < kMaxPrepared) deferred_checks_.push_back(c);
    return;
  }
  if (c.height != chain_.head().height + 1) {
    return feed(consensus::ProposalChecked{c.height, c.round, c.value_hash, false});
  }
  if (is_compact(c.value)) return check_compact_proposal(c, Clock::now());
  const auto check_started = Clock::now();
  auto checked = chain_.check_block(c.value);
  timings_.check_ms += ms_between(check_started, Clock::now());
  accept_checked(c, std::move(checked));
}

void ConsensusShell::accept_checked(const consensus::CheckProposal& c,
                                    Result<ledger::PreparedBlock> checked) {
  bool valid = false;
  if (checked.ok() && checked->header.time_ms() > rl::wall_now_ms() + config_.max_clock_drift_ms) {
    spdlog::warn("proposal refused height={} round={} reason=block time too far ahead", c.height,
                 c.round);
  } else if (checked.ok()) {
    valid = true;
    while (prepared_order_.size() >= kMaxPrepared) {
      prepared_.erase(prepared_order_.front());
      prepared_order_.pop_front();
    }
    if (prepared_.emplace(c.value_hash, std::move(checked).value()).second)
      prepared_order_.push_back(c.value_hash);
  } else {
    spdlog::warn("proposal refused height={} round={} code={} message={}", c.height, c.round,
                 checked.error().code, checked.error().message);
  }
  feed(consensus::ProposalChecked{c.height, c.round, c.value_hash, valid});
}

// ---------------------------------------------------------------------------------------------
// Frames from peers (shell thread)

void ConsensusShell::on_consensus_frame(const std::string& peer, const Bytes& payload) {
  if (catching_up()) return;  // never sign while behind: the core sees nothing to react to
  if (!is_part(payload)) return on_consensus_message(peer, payload);
  auto it = assemblers_.find(peer);
  if (it == assemblers_.end()) {
    it = assemblers_
             .emplace(peer, PartAssembler(chain_.anchor().suite,
                                          consensus::kMaxValueBytes + (std::size_t{64} << 10)))
             .first;
  }
  auto whole = it->second.add(payload);
  if (!whole.ok()) {
    spdlog::debug("consensus part refused peer={} message={}", peer, whole.error().message);
    return;
  }
  if (*whole) on_consensus_message(peer, **whole);
}

void ConsensusShell::on_consensus_message(const std::string& peer, const Bytes& payload) {
  Bytes digest = crypto::hash(chain_.anchor().suite, payload);
  if (!seen_.insert(digest).second) return;
  seen_order_.push_back(digest);
  if (seen_order_.size() > kMaxSeen) {
    seen_.erase(seen_order_.front());
    seen_order_.pop_front();
  }
  auto m = consensus::decode_message(payload);
  if (!m.ok()) {
    spdlog::debug("consensus frame refused peer={} code={}", peer, m.error().code);
    return;
  }
  if (const auto* p = std::get_if<consensus::Proposal>(&*m)) {
    note_proposal_sender(*p, peer);
    ++proposals_received_;
  } else if (std::get<consensus::Vote>(*m).type == consensus::VoteType::kPrevote) {
    ++prevotes_received_;
  } else {
    ++precommits_received_;
  }
  feed(consensus::Received{std::move(m).value()});
}

void ConsensusShell::tick() {
  if (halted_) return;
  broadcast_status();
  maybe_request_sync();
  retry_block_requests();
  if (!catching_up()) feed(consensus::Tick{});
  publish_status(true);
  auto timer = std::make_shared<asio::steady_timer>(*io_, config_.tick);
  timer->async_wait([this, timer](const boost::system::error_code& ec) {
    if (!ec) tick();
  });
}

void ConsensusShell::send(const std::string& peer, p2p::Channel ch, Bytes payload) {
  if (network_) network_->send(peer, ch, std::make_shared<const Bytes>(std::move(payload)));
}

void ConsensusShell::fail(const Error& e) {
  if (halted_) return;
  halted_ = true;
  spdlog::critical("consensus halted code={} message={}", e.code, e.message);
  if (config_.on_fatal) config_.on_fatal(e);
}

}  // namespace rl::node
