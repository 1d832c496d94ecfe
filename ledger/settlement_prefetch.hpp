#pragma once
// Verifies the certificate chains and signatures of a block's SettleVouchers hops and root
// vouchers on every core before the block is executed, into the offline verification memo
// (offline/verify_memo.hpp).
//
// Execution is sequential, and a settlement's check is dominated by public-key work: per hop the
// sender's X.509 chain, the hop signature and the issuer MAC (a key derivation and a CMAC), per
// root the issuer signature. Done here first, in
// parallel, execution finds each verdict in the memo. Like prefetch_signatures, this only ever
// adds verdicts that sequential execution would reach itself, keyed by exactly the bytes
// verified: what does not decode or verify is left for execution to decide and report, and
// nothing here reads or writes ledger state, so no outcome can depend on it.

#include <vector>

#include "ledger/genesis.hpp"
#include "ledger/tx.hpp"
#include "offline/verify_memo.hpp"

namespace rl::ledger {

// `master_key`: the node's issuer master MAC key (empty: issuer MACs are left to execution).
// Returns how many hops and roots were looked at (verified here or found in the memo).
std::size_t prefetch_settlements(const TrustAnchor& anchor, ByteView master_key,
                                 offline::VerifyMemo& memo, const std::vector<TxRef>& txs);

}  // namespace rl::ledger
