#pragma once
// TEST ONLY (regledgerd_byzantine, decision 0074): the swallow_txs mode. A client's tx that
// passed every admission check is answered as an honest node answers it (POST /v1/txs: 202,
// its id, "pending"), but goes into no mempool and to no peer: the accepted tx is lost, which
// RunChecks::check_every_tx_committed must report (tests/cluster/lost_tx_bite_test.cpp). Txs
// relayed by peers are admitted as usual, so the node still proposes the honest nodes' txs.
//
// Admission runs on the API's threads, not the shell's, so this state is atomics of its own
// rather than part of Behaviour (hooks.hpp). It is set when the shell starts; the API, which
// starts listening a moment earlier, swallows nothing before.

#include <cstdint>

#include "common/bytes.hpp"

namespace rl::node::byzantine {

// byzantine::start, from the parsed settings.
void set_swallowing(bool on);
// ConsensusShell::gossip_tx: true while swallowing (every tx it is handed came from a client).
bool swallowing();
// admit_tx, for a client's tx that passed every check: true when it must go no further. Each
// swallowed tx is logged with its id ("byzantine swallowed tx id=...") and counted.
bool swallow(const Bytes& tx_id);
std::uint64_t swallowed();

}  // namespace rl::node::byzantine
