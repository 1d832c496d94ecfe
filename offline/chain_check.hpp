#pragma once
// Verification of a provenance (root vouchers and hops, see offline.proto) on its own: every
// root's issuer signature; every hop's sender certificate chain, signature, (when the issuer
// master key is given) issuer-side MAC, amount conservation, hop limit and expiry; every input
// present earlier in the provenance, owned by the hop's sender and consumed once.
// The receiving device runs it without the master key; the ledger's settlement check with it.
// It knows nothing of the device state machine.

#include <optional>
#include <string>
#include <vector>

#include "offline.pb.h"
#include "offline/identity.hpp"
#include "offline/verify_memo.hpp"

namespace rl::offline {

struct ChainContext {
  crypto::Suite suite = crypto::Suite::kP256Sha256;
  TrustAnchors trust;
  std::vector<crypto::PublicKey> issuer_keys;
  std::optional<Bytes> issuer_master_key;  // set: every hop's issuer MAC is verified
  Limits limits;
  // Set: certificate chains and signatures are verified through it (same verdicts, each
  // computed once per process; see verify_memo.hpp). Null: verified every time.
  VerifyMemo* memo = nullptr;
};

struct CreatedOutput {
  Bytes output_id;
  Bytes source_hash;
  std::uint32_t index = 0;
  std::string owner_device_id;
  std::int64_t amount = 0;
  std::int64_t expiry = 0;
  std::uint32_t depth = 0;
};

struct ConsumedOutput {
  Bytes output_id;
  Bytes hop_hash;  // the hop that consumed it
};

struct CounterUse {
  std::string device_id;
  std::uint64_t counter = 0;
  Bytes hop_hash;
};

struct VerifiedHop {
  Bytes hash;
  regledger::offline::v1::HopBody body;
};

struct ChainFacts {
  std::vector<Bytes> root_hashes;
  std::vector<regledger::offline::v1::RootVoucherBody> roots;
  std::vector<VerifiedHop> hops;  // in provenance order
  std::vector<CreatedOutput> created;
  std::vector<ConsumedOutput> consumed;
  std::vector<CounterUse> counters;
  std::vector<CreatedOutput> unspent;  // created and not consumed within this provenance
};

// Codes (first failure wins, in this order per element): message_too_large, bad_voucher,
// unknown_issuer, bad_signature (root); bad_voucher, bad_certificate, certificate_untrusted,
// certificate_expired, certificate_revoked, bad_signature, bad_mac, bad_random,
// stale_timestamp, bad_dispersion, bad_voucher, transfer_count_limit, double_spend, bad_amount,
// voucher_expired, hop_limit (hop).
Result<ChainFacts> verify_provenance(const ChainContext& ctx,
                                     const regledger::offline::v1::Provenance& provenance);

}  // namespace rl::offline
