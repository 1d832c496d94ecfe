#pragma once
// Building signed transactions for an identity: a fresh random nonce, an expiry a bounded
// number of blocks ahead of the current height, the payload, the signature.

#include <functional>

#include "client/lib/identity.hpp"
#include "ledger/tx.hpp"

namespace rl::client {

inline constexpr std::uint64_t kDefaultExpiryBlocks = 1000;

// `fill` sets the payload on the body. Returns the exact Tx bytes to submit.
Result<Bytes> build_signed_tx(const Identity& id, const std::string& chain_id,
                              std::uint64_t current_height,
                              const std::function<void(ledger::pb::TxBody&)>& fill,
                              std::uint64_t expiry_blocks = kDefaultExpiryBlocks);

std::uint64_t random_nonce();

}  // namespace rl::client
