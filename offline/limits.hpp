#pragma once
// Limits a network sets for offline value (from genesis / governance on the ledger side).
// Amounts are int64 minor units.

#include <cstddef>
#include <cstdint>

namespace rl::offline {

struct Limits {
  std::int64_t balance_cap = 100'000'00;           // offline balance a device may hold
  std::int64_t per_transfer_cap = 20'000'00;       // largest single transfer
  std::uint64_t transfers_before_settle = 32;      // offline transfers a device may send unsettled
  std::uint32_t hop_limit = 4;                     // hops from a root voucher to an output
  std::int64_t max_voucher_lifetime = 30 * 86400;  // a root may not expire later than this
  std::int64_t freshness_window = 300;             // |peer timestamp - own clock| allowed, seconds
  // Decoder bounds: every message and journal record is size-checked before parsing.
  std::size_t max_message_bytes = 256 * 1024;
  std::size_t max_state_bytes = 4 * 1024 * 1024;
  std::size_t max_cert_bytes = 4096;
  std::size_t max_intermediates = 3;
  std::size_t max_inputs = 16;
  std::size_t max_provenance_hops = 128;
  std::size_t max_provenance_roots = 64;
  std::size_t max_name_bytes = 64;
  std::size_t max_coins = 256;
};

}  // namespace rl::offline
