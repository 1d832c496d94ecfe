#pragma once
// TEST ONLY: the hooks the consensus shell calls when compiled with RL_BYZANTINE_TEST_BUILD,
// which only tests/cluster's regledgerd_byzantine is (decision 0074). In regledgerd the calls
// are compiled out and none of node/validator/byzantine/ is linked.
//
// The shell's class is the same in both builds (regledgerd.cpp and the metrics code use it, so
// its layout must not depend on a definition they do not see); the behaviour's state therefore
// lives here, one per process. Every hook runs on the shell thread, except log_summary, which
// runs after that thread has stopped.

#include <optional>
#include <string>

#include "common/result.hpp"
#include "consensus/messages.hpp"
#include "ledger/chain.hpp"
#include "node/p2p/p2p_network.hpp"
#include "node/validator/byzantine/behaviour.hpp"
#include "regledger.pb.h"

namespace rl::node::byzantine {

// ConsensusShell::start: reads REGLEDGER_BYZANTINE and REGLEDGER_BYZANTINE_SEED and says loudly
// what this process is. Code: bad_byzantine_setting.
Status start();
// try_build, once the honest block of (its height, `round`) is built: decides how that round's
// proposal goes out. Returns the second valid block of an equivocation, which the shell keeps
// with its prepared blocks (peers that get it may ask for it in full, and it may be decided).
std::optional<ledger::PreparedBlock> plan_proposal(ledger::Chain& chain,
                                                   const ledger::PreparedBlock& block,
                                                   consensus::Round round, bool compact);
// handle(), for each message the core broadcasts: sends it the Byzantine way and returns true,
// or returns false and the shell sends it as usual (extra messages may have gone out already).
bool send(const consensus::Message& m, const Voice& voice);
// broadcast_status and on_peer: the head this node claims.
void lie(::regledger::v1::PeerStatus& status);
// on_peer, for a peer that connected.
void connected(const std::string& peer);
// on_sync_request, with the response it built: false when it must go unanswered.
bool answer_sync(const std::string& peer, ::regledger::v1::SyncResponse& response);
// ConsensusShell::stop: one line per mode with the messages sent.
void log_summary();

}  // namespace rl::node::byzantine
