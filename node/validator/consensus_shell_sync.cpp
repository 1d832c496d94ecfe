// The consensus shell's block sync (decision 0034): peers' status heights, asking the peer
// furthest ahead for the blocks this node misses, serving such requests, and applying what comes
// back. Every synced block is checked against its commit certificate (the one rule,
// ledger::verify_commit, decision 0070) and re-executed before the core sees it, so any peer may
// serve; only the decision to stop voting while catching up needs a height that f + 1 peers
// vouch for.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <vector>

#include "consensus/codec.hpp"
#include "ledger/commit.hpp"
#include "node/validator/consensus_shell.hpp"
#include "node/validator/peer_heights.hpp"
#include "node/validator/sync_protocol.hpp"
#ifdef RL_BYZANTINE_TEST_BUILD
#include "node/validator/byzantine/hooks.hpp"  // regledgerd_byzantine only (decision 0074)
#endif

namespace rl::node {
namespace {
using Clock = std::chrono::steady_clock;
}  // namespace

void ConsensusShell::on_status_frame(const std::string& peer, const Bytes& payload) {
  auto s = decode_peer_status(payload);
  if (!s.ok()) return;
  peers_[peer].height = s->height();
  maybe_request_sync();
  // Whether this node is catching up changes with what its peers report: shown at once, not
  // at the next tick (a short catch-up would be over by then).
  publish_status(true);
}

void ConsensusShell::on_sync_request(const std::string& peer, const Bytes& payload) {
  auto req = decode_sync_request(payload);
  if (!req.ok()) {
    spdlog::debug("sync request refused peer={} code={}", peer, req.error().code);
    return;
  }
  auto head = chain_.head();
  pb::SyncResponse resp;
  resp.set_from_height(req->from_height());
  resp.set_head_height(head.height);
  std::size_t bytes = 0;
  for (std::uint64_t h = req->from_height();
       h <= head.height && h < req->from_height() + req->max_blocks(); ++h) {
    auto block = chain_.block_bytes(h);
    auto cert = chain_.commit(h);
    if (!block.ok() || !*block || !cert.ok() || !*cert) break;
    std::string cert_bytes = (*cert)->SerializeAsString();
    if (resp.blocks_size() > 0 &&
        bytes + (*block)->size() + cert_bytes.size() > config_.sync_batch_bytes) {
      break;
    }
    bytes += (*block)->size() + cert_bytes.size();
    auto* e = resp.add_blocks();
    e->set_block(to_string(**block));
    e->set_certificate(std::move(cert_bytes));
  }
#ifdef RL_BYZANTINE_TEST_BUILD
  if (!byzantine::answer_sync(peer, resp)) return;
#endif
  send(peer, p2p::Channel::kSyncResponse, serialize_message(resp));
}

void ConsensusShell::on_sync_response(const std::string& peer, const Bytes& payload) {
  if (!sync_ || sync_->peer != peer) return;  // unsolicited
  sync_.reset();
  auto resp = decode_sync_response(
      payload, config_.sync_batch_bytes + (1u << 20) + consensus::kMaxValueBytes);
  if (!resp.ok()) {
    spdlog::warn("sync response refused peer={} code={} message={}", peer, resp.error().code,
                 resp.error().message);
    peers_[peer].height = std::min(peers_[peer].height, chain_.head().height);  // see below
    return maybe_request_sync();
  }
  peers_[peer].height = std::max(peers_[peer].height, resp->head_height());
  std::size_t applied = 0;
  for (const auto& entry : resp->blocks()) {
    if (halted_) return;
    auto head = chain_.head();
    pb::CommitCertificate pcert;
    if (!pcert.ParseFromString(entry.certificate())) {
      spdlog::warn("sync: peer sent an undecodable certificate peer={}", peer);
      break;
    }
    if (pcert.height() <= head.height) continue;  // decided meanwhile
    if (pcert.height() != head.height + 1) break;
    // Certificate first (cheap), then re-execution (checks app_hash), then the core decides.
    // Against the set in force at that height (the genesis set no longer commits after a
    // validator-set change).
    auto set = chain_.validator_set(pcert.height());
    if (!set.ok()) return fail(set.error());
    auto cert_ok = ledger::verify_commit(chain_.anchor(), set->keys, pcert.height(),
                                         as_bytes(pcert.block_hash()), pcert);
    if (!cert_ok.ok()) {
      spdlog::warn("sync: peer sent an invalid certificate peer={} height={} message={}", peer,
                   pcert.height(), cert_ok.error().message);
      break;
    }
    Bytes value = to_bytes(entry.block());
    if (hasher_.hash(value) != to_bytes(pcert.block_hash())) {
      spdlog::warn("sync: block does not match its certificate peer={} height={}", peer,
                   pcert.height());
      break;
    }
    auto checked = chain_.check_block(value);
    if (!checked.ok()) {
      fail(make_error("certified_block_invalid",
                      "height " + std::to_string(pcert.height()) + ": " + checked.error().message));
      return;
    }
    if (stalled_ && stalled_->height == pcert.height()) {
      // The core decided this height already; only the store was waiting for the block.
      if (!finish_stall(*checked)) return;
      ++applied;
      continue;
    }
    Bytes hash = checked->block_hash;
    prepared_[hash] = std::move(checked).value();
    feed(consensus::SyncedBlock{std::move(value), ledger::certificate_from_pb(pcert)});
    if (chain_.head().height != pcert.height()) break;  // the core refused it
    ++applied;
    std::lock_guard lock(status_mu_);
    status_.blocks_synced++;
  }
  if (applied == 0) {
    // Asked for blocks it claimed, the peer delivered none we could apply: it is believed no
    // further than our head until its next status. Asking it again at once let one peer that
    // claims a head far ahead and serves nothing hold a node that is behind in a request loop
    // with it, never asking anyone else (found by regledgerd_byzantine's lying_status, decision
    // 0074). The same goes for an answer that does not decode and for one that never comes.
    peers_[peer].height = std::min(peers_[peer].height, chain_.head().height);
  } else {
    auto head = chain_.head();
    double secs = std::chrono::duration<double>(Clock::now() - sync_started_at_).count();
    double rate = secs > 0 ? static_cast<double>(head.height - sync_started_height_) / secs : 0;
    spdlog::info("sync progress height={} target={} blocks_per_s={:.1f} peer={}", head.height,
                 best_peer_height(), rate, peer);
  }
  maybe_request_sync();
}

std::uint64_t ConsensusShell::best_peer_height() const {
  std::uint64_t best = 0;
  for (const auto& [name, p] : peers_) {
    if (p.connected) best = std::max(best, p.height);
  }
  return best;
}

std::uint64_t ConsensusShell::vouched_peer_height() const {
  // Syncing still asks the highest peer, since every synced block is checked against its
  // certificate anyway; only the decision to stop voting needs a vouched height.
  std::vector<std::uint64_t> heights;
  for (const auto& [name, p] : peers_) {
    if (p.connected) heights.push_back(p.height);
  }
  return vouched_height(std::move(heights), (core_->validators().size() - 1) / 3);
}

bool ConsensusShell::catching_up() const {
  // One height behind is the normal race at the tip (a peer committed a moment before us):
  // the core still takes part. Two or more means we missed blocks and must sync first.
  return vouched_peer_height() >= chain_.head().height + 2;
}

void ConsensusShell::maybe_request_sync() {
  auto head = chain_.head();
  if (sync_ && Clock::now() < sync_->deadline) return;
  if (sync_) {
    spdlog::warn("sync request timed out peer={} from={}", sync_->peer, sync_->from);
    auto& asked = peers_[sync_->peer];  // as in on_sync_response: not ahead until it says so
    asked.height = std::min(asked.height, head.height);
    sync_.reset();
  }
  // The connected peer furthest ahead; ties go to the first name (deterministic, and any peer
  // serves since every block is checked against its certificate). When f + 1 peers vouch for a
  // height above ours (one of them is honest), no further than that: up to f peers claiming
  // heads beyond it and serving nothing would otherwise be asked in turn forever, each claim
  // renewed by its next status before the others' timeouts ran out (decision 0074).
  const std::uint64_t vouched = vouched_peer_height();
  const std::uint64_t cap = vouched > head.height ? vouched : UINT64_MAX;
  const std::string* target = nullptr;
  std::uint64_t best = head.height;
  for (const auto& [name, p] : peers_) {
    if (p.connected && p.height > best && p.height <= cap) {
      best = p.height;
      target = &name;
    }
  }
  if (!target) return;
  if (sync_started_height_ == 0 || !catching_up()) {
    sync_started_height_ = head.height;
    sync_started_at_ = Clock::now();
  }
  pb::SyncRequest req;
  req.set_from_height(head.height + 1);
  req.set_max_blocks(config_.sync_batch_blocks);
  sync_ = SyncInFlight{*target, head.height + 1, Clock::now() + config_.sync_request_timeout};
  send(*target, p2p::Channel::kSyncRequest, serialize_message(req));
}

void ConsensusShell::broadcast_status() {
  if (!network_) return;
  auto head = chain_.head();
  pb::PeerStatus s;
  s.set_height(head.height);
  s.set_block_hash(to_string(head.block_hash));
  s.set_app_hash(to_string(head.app_hash));
#ifdef RL_BYZANTINE_TEST_BUILD
  byzantine::lie(s);
#endif
  network_->broadcast(p2p::Channel::kStatus, std::make_shared<const Bytes>(serialize_message(s)));
}

}  // namespace rl::node
