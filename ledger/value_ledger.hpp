#pragma once
// The settlement unit's books (docs/offline.md "Value on the ledger"): organization balances
// and the supply counters, in int64 minor units, never floating point. Every change goes through
// these functions, which keep the invariant
//     sum of balances + supply.on_devices == supply.issued
// and refuse any amount that would overflow or turn a balance negative. Internal to the
// executor's translation units.

#include <cstdint>
#include <string_view>

#include "ledger/state_overlay.hpp"
#include "ledger/tx.hpp"

namespace rl::ledger::value {

// The most that can ever be issued: far above any real supply, far below INT64_MAX, so sums of
// balances never overflow.
inline constexpr std::int64_t kMaxSupply = std::int64_t{1} << 62;

Result<std::int64_t> balance(const StateOverlay& state, std::string_view org);
Result<pb::ValueSupplyRecord> supply(const StateOverlay& state);

// New value for `org` (IssueValue, genesis). Codes: bad_amount, supply_exhausted.
Status issue(StateOverlay& state, std::string_view org, std::int64_t amount, std::uint64_t height);

// Offline value (docs/offline.md "Settlement and double spends"). Codes: bad_amount,
// insufficient_balance.
// LoadDevice: `org`'s balance moves onto a device (supply.on_devices).
Status load_onto_device(StateOverlay& state, std::string_view org, std::int64_t amount,
                        std::uint64_t height);
// SettleVouchers: value comes back from devices to `org`. More than is on devices would create
// value: refused (state_corrupt), the executor's taint rule must have charged it instead.
Status settle_from_devices(StateOverlay& state, std::string_view org, std::int64_t amount,
                           std::uint64_t height);
// Moves value between organizations (a double spend's loss charged to the spender's owner).
Status transfer(StateOverlay& state, std::string_view from, std::string_view to,
                std::int64_t amount, std::uint64_t height);

}  // namespace rl::ledger::value
