#pragma once
// TEST ONLY (regledgerd_byzantine, decision 0074): a validator that misbehaves in the modes it was
// given (modes.hpp), signing everything with its real validator key so that its messages pass
// the signature checks and reach the rules that must refuse them. What it sends per mode:
//
//   equivocate      a second valid block for the round it proposes (the same txs, 1 ms later),
//                   its proposal to a random part of the peers, the honest one to the rest
//   bad_proposals   instead of its proposal, one whose block carries a garbage tx, a tx with an
//                   altered signature, or (compact) tx ids nobody has
//   withhold_parts  its proposal in small parts, one of which is never sent
//   double_vote     with every own vote, a conflicting one for the same slot (nil for a block
//                   vote, a random hash for a nil vote)
//   unknown_votes   with every own vote, votes for random hashes in the same slot and the next
//                   round
//   bad_parts       with every own vote, one malformed or never-completing message in parts
//   lying_status    status frames claiming a head 1000 ahead; asked for those blocks, it
//                   answers with none and a head 1000 behind, or not at all to a peer that
//                   connected again (a node that restarted, so most likely behind)
//   swallow_txs     nothing here: its clients' txs are answered as accepted and dropped at
//                   admission (swallow.hpp); only the summary line counts them
//
// One proposal mode per proposal, those enabled in turn. Extra messages are signed once per
// slot and re-sent whenever the core re-gossips the message they shadow, as an honest
// re-send would be.

#include <array>
#include <chrono>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "consensus/crypto_hooks.hpp"
#include "consensus/messages.hpp"
#include "ledger/chain.hpp"
#include "node/p2p/p2p_network.hpp"
#include "node/validator/byzantine/forgery.hpp"
#include "node/validator/byzantine/modes.hpp"
#include "regledger.pb.h"

namespace rl::node::byzantine {

// What the behaviour needs to speak as this validator.
struct Voice {
  p2p::P2pNetwork& network;
  consensus::Signer& signer;
  const ledger::TrustAnchor& anchor;  // chain id and suite
  consensus::ValidatorIndex self = 0;
  std::size_t part_bytes = 0;  // the shell's: messages above it go in parts
};

class Behaviour {
 public:
  explicit Behaviour(Settings settings);

  const Settings& settings() const { return settings_; }
  std::optional<ledger::PreparedBlock> plan_proposal(ledger::Chain& chain,
                                                     const ledger::PreparedBlock& block,
                                                     consensus::Round round, bool compact);
  bool send(const consensus::Message& m, const Voice& voice);
  void lie(::regledger::v1::PeerStatus& status);
  void connected(const std::string& peer);
  // False: the request goes unanswered.
  bool answer_sync(const std::string& peer, ::regledger::v1::SyncResponse& response);
  // Every 5 s at most, from the hooks; `force` at the end.
  void log_summary(bool force);

 private:
  struct Plan {
    Mode mode = Mode::kWithholdParts;
    std::string variant;  // bad_proposals: which forgery
    ForgedValue alt;      // the twin (equivocate) or the forged value
    std::optional<consensus::Proposal> signed_alt;
    std::set<std::string> alt_peers;  // equivocate: who gets the twin
    bool logged = false;
  };
  using Slot = std::tuple<consensus::Height, consensus::Round, consensus::VoteType>;

  bool send_proposal(const consensus::Proposal& p, const Voice& voice);
  void send_vote_extras(const consensus::Vote& v, const Voice& voice);
  std::vector<std::pair<Mode, consensus::Vote>> make_extras(const consensus::Vote& v,
                                                            const Voice& voice);
  consensus::Proposal sign_alt(const consensus::Proposal& p, const Plan& plan, const Voice& voice);
  // Sends `message` (in parts above part_bytes) to `peer`, or to every peer when it is empty.
  void emit(const Voice& voice, const Bytes& message, const std::string& peer = {});
  void forget_below(consensus::Height h);
  void count(Mode m, std::uint64_t n = 1) { sent_[static_cast<std::size_t>(m)] += n; }

  Settings settings_;
  std::mt19937_64 rng_;
  std::map<std::pair<consensus::Height, consensus::Round>, Plan> plans_;
  std::map<Slot, std::vector<std::pair<Mode, consensus::Vote>>> extras_;
  std::array<std::uint64_t, kModeCount> sent_{};      // lying_status: status frames
  std::uint64_t sync_requests_ = 0;                   // received while lying, answered or not
  std::map<std::string, std::uint64_t> connections_;  // by peer
  std::size_t next_bad_part_ = 0;
  std::size_t next_proposal_mode_ = 0;
  std::chrono::steady_clock::time_point last_summary_ = std::chrono::steady_clock::now();
};

}  // namespace rl::node::byzantine
