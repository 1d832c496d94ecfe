#include "node/validator/byzantine/behaviour.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "consensus/codec.hpp"
#include "consensus/sign_bytes.hpp"
#include "node/validator/byzantine/swallow.hpp"
#include "node/validator/compact_block.hpp"
#include "node/validator/message_parts.hpp"

namespace rl::node::byzantine {
namespace {

using Clock = std::chrono::steady_clock;

// Small enough that even an empty block's compact proposal (header and last commit, some
// hundreds of bytes) goes out in several parts.
constexpr std::size_t kWithholdStride = 128;
constexpr std::uint64_t kLieDistance = 1000;
constexpr auto kSummaryEvery = std::chrono::seconds(5);

std::string short_hex(const Bytes& b) {
  return to_hex(b).substr(0, 16);
}

}  // namespace

Behaviour::Behaviour(Settings settings) : settings_(settings), rng_(settings.seed) {}

std::optional<ledger::PreparedBlock> Behaviour::plan_proposal(ledger::Chain& chain,
                                                              const ledger::PreparedBlock& block,
                                                              consensus::Round round,
                                                              bool compact) {
  forget_below(block.height);
  std::vector<Mode> modes;
  for (Mode m : {Mode::kEquivocate, Mode::kBadProposals, Mode::kWithholdParts}) {
    if (settings_.enabled(m)) modes.push_back(m);
  }
  if (modes.empty()) return std::nullopt;
  Plan plan;
  // In turn, so that a short run meets every mode.
  plan.mode = modes[next_proposal_mode_++ % modes.size()];
  std::optional<ledger::PreparedBlock> twin;
  if (plan.mode == Mode::kEquivocate) {
    std::vector<ledger::DroppedTx> dropped;
    auto built =
        chain.build_block(block.txs, block.header.time_ms() + 1, block.header.proposer(), &dropped);
    if (!built.ok()) {
      spdlog::warn("byzantine equivocate: the twin block did not build height={} message={}",
                   block.height, built.error().message);
      return std::nullopt;
    }
    plan.alt = {compact ? make_compact(*built) : built->block_bytes, built->block_hash};
    twin = std::move(built).value();
  } else if (plan.mode == Mode::kBadProposals) {
    auto kind = static_cast<BadBlock>(rng_() % kBadBlockKinds);
    auto forged = forge_bad_block(chain.anchor().suite, block, kind, rng_);
    if (!forged.ok() && kind == BadBlock::kBadSignatureTx) {
      kind = BadBlock::kGarbageTx;  // an empty block has no signature to alter
      forged = forge_bad_block(chain.anchor().suite, block, kind, rng_);
    }
    if (!forged.ok()) {
      spdlog::warn("byzantine bad_proposals: no forgery height={} message={}", block.height,
                   forged.error().message);
      return std::nullopt;
    }
    plan.variant = bad_block_name(kind);
    plan.alt = std::move(forged).value();
  }
  plans_[{block.height, round}] = std::move(plan);
  return twin;
}

bool Behaviour::send(const consensus::Message& m, const Voice& voice) {
  bool replaced = false;
  if (const auto* p = std::get_if<consensus::Proposal>(&m)) {
    if (p->proposer == voice.self) replaced = send_proposal(*p, voice);
  } else if (const auto& v = std::get<consensus::Vote>(m); v.validator == voice.self) {
    send_vote_extras(v, voice);
  }
  log_summary(false);
  return replaced;
}

bool Behaviour::send_proposal(const consensus::Proposal& p, const Voice& voice) {
  auto it = plans_.find({p.height, p.round});
  if (it == plans_.end()) return false;  // a re-proposed valid value: not planned, sent honestly
  Plan& plan = it->second;
  const Bytes honest = consensus::encode_message(p);
  switch (plan.mode) {
    case Mode::kEquivocate: {
      std::vector<std::string> peers;
      for (const auto& info : voice.network.peers()) {
        if (info.connected) peers.push_back(info.name);
      }
      if (!plan.signed_alt) {
        if (peers.size() < 2) return false;  // no one to split: wait for the re-send
        std::sort(peers.begin(), peers.end());
        std::shuffle(peers.begin(), peers.end(), rng_);
        const std::size_t k = 1 + rng_() % (peers.size() - 1);
        plan.alt_peers.insert(peers.begin(), peers.begin() + static_cast<std::ptrdiff_t>(k));
        plan.signed_alt = sign_alt(p, plan, voice);
      }
      const Bytes twin = consensus::encode_message(*plan.signed_alt);
      for (const auto& peer : peers) {
        const bool gets_twin = plan.alt_peers.count(peer) != 0;
        emit(voice, gets_twin ? twin : honest, peer);
        if (gets_twin) count(Mode::kEquivocate);
      }
      if (!plan.logged) {
        std::string to;
        for (const auto& peer : plan.alt_peers) {
          if (!to.empty()) to += ',';
          to += peer;
        }
        spdlog::warn(
            "byzantine proposal mode=equivocate height={} round={} hash={} twin={} "
            "twin_to={}",
            p.height, p.round, short_hex(p.value_hash), short_hex(plan.alt.value_hash), to);
      }
      break;
    }
    case Mode::kBadProposals:
      if (!plan.signed_alt) plan.signed_alt = sign_alt(p, plan, voice);
      emit(voice, consensus::encode_message(*plan.signed_alt));
      count(Mode::kBadProposals);
      if (!plan.logged) {
        spdlog::warn("byzantine proposal mode=bad_proposals variant={} height={} round={} hash={}",
                     plan.variant, p.height, p.round, short_hex(plan.alt.value_hash));
      }
      break;
    case Mode::kWithholdParts: {
      auto parts = split_message(voice.anchor.suite, honest, kWithholdStride);
      if (parts.size() < 2) return false;
      const std::size_t withheld = parts.size() - 1;
      for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i == withheld) continue;
        voice.network.broadcast(p2p::Channel::kConsensus,
                                std::make_shared<const Bytes>(std::move(parts[i])));
      }
      count(Mode::kWithholdParts);
      if (!plan.logged) {
        spdlog::warn(
            "byzantine proposal mode=withhold_parts height={} round={} hash={} parts={} "
            "withheld={}",
            p.height, p.round, short_hex(p.value_hash), parts.size(), withheld);
      }
      break;
    }
    default:
      return false;
  }
  plan.logged = true;
  return true;
}

consensus::Proposal Behaviour::sign_alt(const consensus::Proposal& p, const Plan& plan,
                                        const Voice& voice) {
  consensus::Proposal alt = p;
  alt.value = plan.alt.value;
  alt.value_hash = plan.alt.value_hash;
  alt.signature = voice.signer.sign(consensus::proposal_sign_bytes(voice.anchor.chain_id, alt));
  return alt;
}

void Behaviour::send_vote_extras(const consensus::Vote& v, const Voice& voice) {
  forget_below(v.height);
  const Slot slot{v.height, v.round, v.type};
  auto it = extras_.find(slot);
  if (it == extras_.end()) it = extras_.emplace(slot, make_extras(v, voice)).first;
  for (const auto& [mode, extra] : it->second) {
    emit(voice, consensus::encode_message(extra));
    count(mode);
  }
  if (settings_.enabled(Mode::kBadParts)) {
    const auto kind = static_cast<BadPart>(next_bad_part_++ % kBadPartKinds);
    for (auto& part : forge_bad_parts(voice.anchor.suite, kind, rng_)) {
      voice.network.broadcast(p2p::Channel::kConsensus,
                              std::make_shared<const Bytes>(std::move(part)));
    }
    count(Mode::kBadParts);
  }
}

std::vector<std::pair<Mode, consensus::Vote>> Behaviour::make_extras(const consensus::Vote& v,
                                                                     const Voice& voice) {
  std::vector<std::pair<Mode, consensus::Vote>> out;
  auto add = [&](Mode mode, consensus::Round round, Bytes value_hash) {
    consensus::Vote extra = v;
    extra.round = round;
    extra.value_hash = std::move(value_hash);
    extra.signature = voice.signer.sign(consensus::vote_sign_bytes(voice.anchor.chain_id, extra));
    out.emplace_back(mode, std::move(extra));
  };
  if (settings_.enabled(Mode::kDoubleVote)) {
    add(Mode::kDoubleVote, v.round, v.is_nil() ? random_hash(rng_) : Bytes{});
  }
  if (settings_.enabled(Mode::kUnknownVotes)) {
    add(Mode::kUnknownVotes, v.round, random_hash(rng_));
    add(Mode::kUnknownVotes, v.round + 1, random_hash(rng_));
  }
  return out;
}

void Behaviour::emit(const Voice& voice, const Bytes& message, const std::string& peer) {
  for (auto& part : split_message(voice.anchor.suite, message, voice.part_bytes)) {
    auto payload = std::make_shared<const Bytes>(std::move(part));
    if (peer.empty()) {
      voice.network.broadcast(p2p::Channel::kConsensus, std::move(payload));
    } else {
      voice.network.send(peer, p2p::Channel::kConsensus, std::move(payload));
    }
  }
}

void Behaviour::lie(::regledger::v1::PeerStatus& status) {
  if (!settings_.enabled(Mode::kLyingStatus)) return;
  status.set_height(status.height() + kLieDistance);
  count(Mode::kLyingStatus);
  log_summary(false);
}

void Behaviour::connected(const std::string& peer) {
  ++connections_[peer];
}

bool Behaviour::answer_sync(const std::string& peer, ::regledger::v1::SyncResponse& response) {
  if (!settings_.enabled(Mode::kLyingStatus)) return true;
  ++sync_requests_;
  // A peer that connected again (it restarted, so it is likely behind) gets no answer at all.
  if (connections_[peer] > 1) return false;
  const std::uint64_t h = response.head_height();
  response.clear_blocks();
  response.set_head_height(h > kLieDistance ? h - kLieDistance : 0);
  return true;
}

void Behaviour::forget_below(consensus::Height h) {
  plans_.erase(plans_.begin(), plans_.lower_bound({h, 0}));
  extras_.erase(extras_.begin(), extras_.lower_bound(Slot{h, 0, consensus::VoteType::kPrevote}));
}

void Behaviour::log_summary(bool force) {
  const auto now = Clock::now();
  if (!force && now - last_summary_ < kSummaryEvery) return;
  last_summary_ = now;
  for (std::size_t i = 0; i < kModeCount; ++i) {
    if (!settings_.on[i]) continue;
    const auto m = static_cast<Mode>(i);
    if (m == Mode::kLyingStatus) {
      // Each request needs a claim heard since the last answer (or silence) from here.
      spdlog::warn("byzantine summary mode={} sent={} sync_requests={}", mode_name(m), sent_[i],
                   sync_requests_);
    } else if (m == Mode::kSwallowTxs) {
      // What it "sent" is what it swallowed: the clients' txs it answered and then dropped.
      spdlog::warn("byzantine summary mode={} sent={}", mode_name(m), swallowed());
    } else {
      spdlog::warn("byzantine summary mode={} sent={}", mode_name(m), sent_[i]);
    }
  }
}

}  // namespace rl::node::byzantine
