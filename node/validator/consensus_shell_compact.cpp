// The consensus shell's half of compact proposals (decision 0042): rebuilding a proposal from
// the mempool, fetching the full block by hash when that is not possible, and serving full
// blocks to peers that ask. A proposal this node cannot rebuild is never judged invalid for
// that: it is fetched and then checked like any full block; until then the core simply has no
// verdict and its propose timeout runs as it would for a slow proposer.
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <unordered_map>

#include "consensus/codec.hpp"
#include "node/validator/consensus_shell.hpp"
#include "node/validator/sync_protocol.hpp"

namespace rl::node {
namespace {

using Clock = std::chrono::steady_clock;

// A hash of the network's suite: both suites hash to 32 bytes.
constexpr std::size_t kHashBytes = 32;
// Proposals of one height whose sender is remembered; a height normally sees one per round.
constexpr std::size_t kMaxProposalSenders = 64;
constexpr std::size_t kMaxAwaitingBlocks = 8;
// How long a proposal waits for gossiped txs still being admitted before the full block is asked
// for instead.
constexpr std::chrono::milliseconds kWaitForGossip{300};
constexpr std::chrono::milliseconds kGossipPoll{5};

}  // namespace

Result<std::variant<RebuiltBlock, MissingTxs>> ConsensusShell::rebuild(ByteView compact,
                                                                       const HeldTxs* held) {
  // Txs held for this proposal (taken from the admission queue or fetched) first, then the
  // mempool.
  return rebuild_block(compact, kHashBytes, chain_.genesis().block.max_block_txs,
                       [&](const Bytes& id) -> ledger::TxRef {
                         if (held && !held->empty()) {
                           if (auto f = held->find(to_string(id)); f != held->end()) {
                             return f->second;
                           }
                         }
                         return mempool_.find(id);
                       });
}

void ConsensusShell::take_from_admission_queue(std::vector<Bytes>& missing, HeldTxs& held) {
  if (!tx_queue_ || missing.empty()) return;
  auto taken = tx_queue_->take(missing);
  if (taken.empty()) return;
  for (auto& tx : taken) {
    std::string key = to_string(tx->id);
    held.insert_or_assign(std::move(key), std::move(tx));
  }
  std::erase_if(missing, [&](const Bytes& id) { return held.count(to_string(id)) != 0; });
}

void ConsensusShell::check_compact_proposal(const consensus::CheckProposal& c,
                                            Clock::time_point first_try,
                                            std::shared_ptr<HeldTxs> held) {
  const auto started = Clock::now();
  if (!held) held = std::make_shared<HeldTxs>();
  auto r = rebuild(c.value, held.get());
  if (!r.ok()) {
    // The proposer signed a value that is not a well-formed compact block: invalid as it stands.
    return accept_checked(c, r.error());
  }
  if (auto* m = std::get_if<MissingTxs>(&*r)) {
    // Gossip and proposal travel on the same connections, but gossiped txs are admitted on a
    // worker thread of their own: the missing ones are usually still in its queue. They are
    // taken from there and verified with the block (check_block verifies, on every core, each
    // signature not verified yet), which is what the worker would have spent on them anyway.
    const std::size_t before = m->ids.size();
    take_from_admission_queue(m->ids, *held);
    if (m->ids.size() < before) {
      spdlog::debug(
          "compact proposal: txs taken from the admission queue height={} round={} "
          "taken={} still_missing={}",
          c.height, c.round, before - m->ids.size(), m->ids.size());
      if (m->ids.empty()) r = rebuild(c.value, held.get());
    }
  }
  auto* rebuilt = r.ok() ? std::get_if<RebuiltBlock>(&*r) : nullptr;
  if (!r.ok()) return accept_checked(c, r.error());
  if (!rebuilt) {
    // The rest may still be on the wire: give it a moment before moving megabytes.
    if (tx_queue_ && tx_queue_->pending() > 0 && started - first_try < kWaitForGossip) {
      return wait_for_gossip(
          std::make_shared<const consensus::CheckProposal>(c), first_try,
          std::make_shared<std::vector<Bytes>>(std::move(std::get<MissingTxs>(*r).ids)), held);
    }
    auto& missing = std::get<MissingTxs>(*r).ids;
    spdlog::info("compact proposal lacks txs here; fetching them height={} round={} missing_txs={}",
                 c.height, c.round, missing.size());
    auto from = proposal_from_.find(c.value_hash);
    awaiting_blocks_.insert_or_assign(c.value_hash,
                                      BlockWait{c, {}, {}, std::move(missing), std::move(held)});
    return request_block(c.value_hash, from == proposal_from_.end() ? "" : from->second);
  }
  auto checked = chain_.check_block(rebuilt->block_bytes, &rebuilt->txs);
  timings_.check_ms += std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  if (!checked.ok()) {
    // Our mempool may hold another encoding of a tx body (a re-signed copy): the full block,
    // not our rebuild, decides.
    spdlog::info(
        "rebuilt proposal does not check; fetching the full block height={} round={} "
        "message={}",
        c.height, c.round, checked.error().message);
    auto from = proposal_from_.find(c.value_hash);
    awaiting_blocks_.insert_or_assign(c.value_hash, BlockWait{c, {}, {}, {}, nullptr});
    return request_block(c.value_hash, from == proposal_from_.end() ? "" : from->second);
  }
  accept_checked(c, std::move(checked));
}

void ConsensusShell::wait_for_gossip(std::shared_ptr<const consensus::CheckProposal> c,
                                     Clock::time_point first_try,
                                     std::shared_ptr<std::vector<Bytes>> missing,
                                     std::shared_ptr<HeldTxs> held) {
  // Rebuilding the whole proposal on every poll cost thousands of lookups and a protobuf parse
  // each time, for the few hundred txs still in flight (a tenth of a busy validator's CPU).
  auto timer = std::make_shared<boost::asio::steady_timer>(*io_, kGossipPoll);
  timer->async_wait([this, timer, c, first_try, missing = std::move(missing),
                     held = std::move(held)](const boost::system::error_code& ec) {
    if (ec || halted_ || prepared_.count(c->value_hash) != 0) return;
    if (c->height != chain_.head().height + 1) return;
    take_from_admission_queue(*missing, *held);
    std::erase_if(*missing, [&](const Bytes& id) { return mempool_.find(id) != nullptr; });
    const bool more_may_come =
        tx_queue_ && tx_queue_->pending() > 0 && Clock::now() - first_try < kWaitForGossip;
    if (!missing->empty() && more_may_come) return wait_for_gossip(c, first_try, missing, held);
    check_compact_proposal(*c, first_try, held);
  });
}

void ConsensusShell::note_proposal_sender(const consensus::Proposal& p, const std::string& peer) {
  if (proposal_from_.size() >= kMaxProposalSenders) proposal_from_.clear();
  proposal_from_.try_emplace(p.value_hash, peer);
}

void ConsensusShell::request_block(const Bytes& hash, const std::string& peer) {
  auto it = awaiting_blocks_.find(hash);
  if (it == awaiting_blocks_.end()) return;
  while (awaiting_blocks_.size() > kMaxAwaitingBlocks) {
    // Oldest heights/rounds first would need ordering; any entry but this one will do, since
    // every entry is retried or dropped at the next commit anyway.
    auto victim = awaiting_blocks_.begin();
    if (victim == it) ++victim;
    awaiting_blocks_.erase(victim);
  }
  it->second.asked = peer;
  it->second.at = Clock::now();
  pb::BlockRequest req;
  req.set_block_hash(to_string(hash));
  for (const auto& id : it->second.missing) req.add_tx_ids(to_string(id));
  auto payload = std::make_shared<const Bytes>(serialize_message(req));
  if (!network_) return;
  if (peer.empty()) {
    network_->broadcast(p2p::Channel::kBlockRequest, payload);
  } else {
    network_->send(peer, p2p::Channel::kBlockRequest, payload);
  }
}

void ConsensusShell::retry_block_requests() {
  const auto now = Clock::now();
  for (auto& [hash, wait] : awaiting_blocks_) {
    if (now - wait.at < config_.block_request_retry) continue;
    // The asked peer did not answer in time: ask everyone (any validator that checked or
    // committed the block has it).
    spdlog::debug("block request retried hash={} asked={}", to_hex(hash).substr(0, 16), wait.asked);
    const Bytes h = hash;
    request_block(h, "");
  }
}

void ConsensusShell::on_block_request(const std::string& peer, const Bytes& payload) {
  auto req = decode_block_request(payload, kHashBytes);
  if (!req.ok()) {
    spdlog::debug("block request refused peer={} code={}", peer, req.error().code);
    return;
  }
  const Bytes hash = to_bytes(req->block_hash());
  pb::BlockResponse resp;
  resp.set_block_hash(req->block_hash());
  if (auto it = prepared_.find(hash); it != prepared_.end()) {
    const auto& txs = it->second.txs;
    if (req->tx_ids_size() > 0) {
      std::unordered_map<std::string, const Bytes*> by_id;
      by_id.reserve(txs.size());
      for (const auto& tx : txs) by_id.emplace(to_string(tx->id), &tx->raw);
      for (const auto& id : req->tx_ids()) {
        auto found = by_id.find(id);
        if (found == by_id.end()) break;
        resp.add_txs(to_string(*found->second));
      }
    }
    if (resp.txs_size() != req->tx_ids_size() || req->tx_ids_size() == 0) {
      resp.clear_txs();  // not all of them are in that block: the whole block answers
      resp.set_block(to_string(it->second.block_bytes));
    }
  } else if (auto head = chain_.head(); head.height > 0 && head.block_hash == hash) {
    auto block = chain_.block_bytes(head.height);
    if (block.ok() && *block) resp.set_block(to_string(**block));
  }
  send(peer, p2p::Channel::kBlockResponse, serialize_message(resp));
}

void ConsensusShell::on_block_response(const std::string& peer, const Bytes& payload) {
  auto resp = decode_block_response(payload, kHashBytes,
                                    consensus::kMaxValueBytes + (std::size_t{64} << 10));
  if (!resp.ok()) {
    spdlog::debug("block response refused peer={} code={}", peer, resp.error().code);
    return;
  }
  const Bytes hash = to_bytes(resp->block_hash());
  auto it = awaiting_blocks_.find(hash);
  if (it == awaiting_blocks_.end()) return;  // unsolicited, or answered already
  if (resp->txs_size() > 0) {
    BlockWait wait = std::move(it->second);
    awaiting_blocks_.erase(it);
    return on_fetched_txs(peer, hash, std::move(wait), *resp);
  }
  if (resp->block().empty()) return;  // that peer does not hold it; the retry asks all
  const Bytes block = to_bytes(resp->block());
  if (is_compact(block) || hasher_.hash(block) != hash) {
    spdlog::warn("block response does not match its hash peer={} hash={}", peer,
                 to_hex(hash).substr(0, 16));
    return;
  }
  BlockWait wait = std::move(it->second);
  awaiting_blocks_.erase(it);
  spdlog::info("full block fetched hash={} bytes={} peer={}", to_hex(hash).substr(0, 16),
               block.size(), peer);
  if (wait.check) {
    if (wait.check->height != chain_.head().height + 1) return;  // the height moved on
    const auto started = Clock::now();
    auto checked = chain_.check_block(block);
    timings_.check_ms += std::chrono::duration<double, std::milli>(Clock::now() - started).count();
    return accept_checked(*wait.check, std::move(checked));
  }
  if (!stalled_ || stalled_->value_hash != hash) return;
  auto checked = chain_.check_block(block);
  if (!checked.ok()) {
    // Certified by more than 2/3 of the power, yet it does not execute here (as in
    // commit_decision): our state has diverged.
    return fail(make_error("certified_block_invalid", checked.error().message));
  }
  finish_stall(*checked);
}

void ConsensusShell::on_fetched_txs(const std::string& peer, const Bytes& hash, BlockWait wait,
                                    const pb::BlockResponse& resp) {
  if (!wait.check || wait.check->height != chain_.head().height + 1) return;
  const consensus::CheckProposal c = *wait.check;
  // Exactly the txs asked for, in order, each hashing to its id; anything else and the whole
  // block is asked of everyone instead.
  // The fetched txs join those already held for this proposal (replacing a held copy of the
  // same id: the peer answered for this block).
  auto held = wait.held ? std::move(wait.held) : std::make_shared<HeldTxs>();
  bool exact = static_cast<std::size_t>(resp.txs_size()) == wait.missing.size();
  for (int i = 0; exact && i < resp.txs_size(); ++i) {
    auto tx = ledger::decode_tx(chain_.anchor().suite, as_bytes(resp.txs(i)));
    exact = tx.ok() && tx->id == wait.missing[static_cast<std::size_t>(i)];
    if (exact) {
      std::string key = to_string(tx->id);  // before the tx is moved from
      held->insert_or_assign(std::move(key),
                             std::make_shared<const ledger::DecodedTx>(std::move(tx).value()));
    }
  }
  std::optional<RebuiltBlock> rebuilt;
  std::string why = exact ? "" : "the response is not exactly the txs asked for";
  if (exact) {
    auto r = rebuild(c.value, held.get());
    if (!r.ok()) {
      why = r.error().message;
    } else if (auto* m = std::get_if<MissingTxs>(&*r)) {
      why = std::to_string(m->ids.size()) + " txs still missing";
    } else {
      rebuilt = std::get<RebuiltBlock>(std::move(*r));
    }
  }
  if (rebuilt) {
    const auto started = Clock::now();
    auto checked = chain_.check_block(rebuilt->block_bytes, &rebuilt->txs);
    timings_.check_ms += std::chrono::duration<double, std::milli>(Clock::now() - started).count();
    if (checked.ok()) {
      spdlog::info("missing txs fetched height={} round={} txs={} peer={}", c.height, c.round,
                   resp.txs_size(), peer);
      return accept_checked(c, std::move(checked));
    }
    why = checked.error().message;
  }
  spdlog::info(
      "fetched txs do not complete the proposal; fetching the full block height={} "
      "round={} peer={} reason={}",
      c.height, c.round, peer, why);
  awaiting_blocks_.insert_or_assign(hash, BlockWait{c, {}, {}, {}, nullptr});
  request_block(hash, "");
}

void ConsensusShell::stall_on(const consensus::Decision& d) {
  spdlog::warn("decided block not held here height={} hash={}; fetching it from peers", d.height,
               to_hex(d.value_hash).substr(0, 16));
  stalled_ = d;
  awaiting_blocks_.insert_or_assign(d.value_hash, BlockWait{std::nullopt, {}, {}, {}, nullptr});
  request_block(d.value_hash, "");
}

bool ConsensusShell::finish_stall(const ledger::PreparedBlock& block) {
  const consensus::Decision d = *stalled_;
  if (!commit_prepared(d, block)) return false;
  // A validator-set change this block scheduled reaches the core before any proposal of the
  // next height is checked (the core is already at d.height + 1; the change takes effect at
  // d.height + 2).
  after_block_applied(d.height);
  auto deferred = std::move(deferred_checks_);
  deferred_checks_.clear();
  for (const auto& c : deferred) check_proposal(c);
  broadcast_status();
  maybe_request_sync();
  return true;
}

}  // namespace rl::node
