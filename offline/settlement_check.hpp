#pragma once
// The check the ledger runs when a device's vouchers are settled (SettleVouchers), pure and
// independent of the device state machine: given the network's trust anchors, issuer public
// keys, the issuer master MAC key and a provenance (every hop down to root vouchers), verify
// every signature, certificate, issuer-side MAC, amount conservation, hop limit and expiry,
// and say which outputs were consumed and created and which (device, counter) pairs were
// used, so the ledger can detect double spends across settlements.

#include <vector>

#include "offline/chain_check.hpp"

namespace rl::offline {

struct SettlementContext {
  crypto::Suite suite = crypto::Suite::kP256Sha256;
  TrustAnchors trust;
  std::vector<crypto::PublicKey> issuer_keys;
  Bytes issuer_master_key;
  Limits limits;
  VerifyMemo* memo = nullptr;  // see ChainContext::memo
};

struct SettlementReport {
  std::vector<Bytes> root_hashes;        // roots the value came from
  std::vector<CreatedOutput> created;    // every output of the roots and hops
  std::vector<ConsumedOutput> consumed;  // output id -> the hop that consumed it
  std::vector<CounterUse> counters;      // (device id, counter) -> hop
  std::vector<CreatedOutput> unspent;    // what the holder(s) may be credited with
  std::vector<Bytes> hop_hashes;
};

// Verifies a serialized Provenance. Codes: see verify_provenance (chain_check.hpp); bad_mac
// here means an issuer MAC that does not verify under the sender's diversified key.
Result<SettlementReport> check_settlement(const SettlementContext& ctx, ByteView provenance);

// A double spend between settled reports (or within one): two different hops consuming one
// output, or one device using one counter in two different hops. Both hops are named, which
// with their signatures is the proof the ledger records.
struct Conflict {
  enum class Kind { kOutputSpentTwice, kCounterReused };
  Kind kind;
  Bytes output_id;        // kOutputSpentTwice
  std::string device_id;  // kCounterReused: the device; kOutputSpentTwice: the spender
  std::uint64_t counter = 0;
  Bytes hop_a;
  Bytes hop_b;
};

// Conflicts among everything the reports consumed and counted (earlier settlements included:
// the ledger passes what it recorded). Counters going backwards are not conflicts by
// themselves (hops of one device can settle in any order); reuse of one counter is.
std::vector<Conflict> find_conflicts(const std::vector<SettlementReport>& reports);

}  // namespace rl::offline
