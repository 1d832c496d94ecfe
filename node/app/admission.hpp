#pragma once
// Admission of a transaction into this node's mempool, shared by the client API and by
// transactions gossiped from peers: the same checks, whichever door a transaction comes in by.

#include <cstdint>

#include "ledger/chain.hpp"
#include "node/app/mempool.hpp"

namespace rl::node {

// Not already pending, not already committed, valid against the committed state as the next
// block at `now_ms` (signature, signer, nonce, expiry, payload rules), and room in the mempool.
// Codes: duplicate_tx, nonce_pending, mempool_full, and those of Chain::admit.
// `relayed`: the transaction came from a peer validator, which admitted it fully; only the
// envelope is checked here (Chain::admit_relayed), the payload rules run when it is executed.
Status admit_tx(ledger::Chain& chain, Mempool& mempool, ledger::DecodedTx tx, std::int64_t now_ms,
                bool relayed = false);

}  // namespace rl::node
