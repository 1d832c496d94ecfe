#pragma once
// Checks a stored chain from genesis to its head, as a backup's verify does
// (docs/protection.md "Backups and restore"): every block's header links to the one before, its
// transactions hash to its tx_root, it was made by the validator set the chain establishes from
// genesis, and its commit certificate verifies against that set. The verifiers are the ones
// receipts and verified reads use (follow_handoffs, verify_commit); nothing is re-executed.

#include <cstdint>

#include "ledger/chain.hpp"

namespace rl::ledger {

struct ChainCheck {
  std::uint64_t height = 0;  // the head checked
  Bytes block_hash;
  Bytes app_hash;
  std::size_t validator_handoffs = 0;
};

// `progress`, when given, is called every `progress_every` blocks with the height reached.
// Code: chain_invalid (with the height and the reason), and the store's codes.
Result<ChainCheck> check_stored_chain(const Chain& chain,
                                      const std::function<void(std::uint64_t)>& progress = {},
                                      std::uint64_t progress_every = 10'000);

}  // namespace rl::ledger
