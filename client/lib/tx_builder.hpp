#pragma once
// Building signed transactions for an identity: a fresh random nonce, an expiry a bounded
// number of blocks ahead of the current height, the payload, the signature. Also the payload
// builders for identity and governance transactions and the parsers of their CLI arguments.

#include <functional>
#include <string_view>

#include "client/lib/identity.hpp"
#include "ledger/tx.hpp"

namespace rl::client {

inline constexpr std::uint64_t kDefaultExpiryBlocks = 1000;

using Fill = std::function<void(ledger::pb::TxBody&)>;

// `fill` sets the payload on the body. Returns the exact Tx bytes to submit.
Result<Bytes> build_signed_tx(const Identity& id, const std::string& chain_id,
                              std::uint64_t current_height, const Fill& fill,
                              std::uint64_t expiry_blocks = kDefaultExpiryBlocks);

std::uint64_t random_nonce();

// ---------------------------------------------------------------- identity and governance

Fill revoke_certificate(ByteView cert_id, const std::string& reason);
// suspend = false reinstates.
Fill suspend_account(const std::string& account, bool suspend, const std::string& reason);
// `proposal` carries the action; its id and expiry are set here.
Fill propose(const std::string& proposal_id, std::uint64_t expires_at_height,
             ledger::pb::Propose proposal);
Fill approve(const std::string& proposal_id);

// "LEVEL=MAX,LO-HI=MAX,..." -> the whole table (levels 00-99). Later items override earlier
// ones; every level must be covered, because the action replaces the whole table (start with
// "00-99=N" to set a default). Code: bad_argument.
Result<ledger::pb::SetPermissionMapping> parse_mapping_spec(std::string_view spec);

}  // namespace rl::client
