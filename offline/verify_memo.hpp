#pragma once
// Remembered verdicts of the settlement check's costly steps: a device's certificate chain and
// the ECDSA/SM2 signatures of hops and root vouchers. A hop is verified when a device receives
// it, again in every provenance it is part of, at admission, in the block that carries it and on
// every validator; its chain is the same for every hop its sender signs. Verifying each once per
// process, possibly on another core ahead of execution (ledger/settlement_prefetch.hpp), leaves
// block execution with lookups.
//
// Sound by construction: an entry is keyed by a hash of every input its verdict depends on, so it
// can only answer for exactly the bytes that were verified, and only positive verdicts are kept
// (a failure is always recomputed, with its own error code). What depends on time is not
// remembered: a chain hit is used only when the time asked about lies strictly inside the
// validity of every certificate involved (the chain's and every trust root's), and the
// revocation lists are checked on every call, hit or not. A lookup therefore answers exactly
// what verify_device_chain / verify_tagged would answer, on every validator.
//
// Thread-safe. Bounded: a full table is dropped rather than evicted entry by entry (losing
// entries costs re-verification, never correctness).

#include <atomic>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "offline/decoded_certs.hpp"
#include "offline/identity.hpp"

namespace rl::offline {

class VerifyMemo {
 public:
  explicit VerifyMemo(std::size_t max_entries = 100000) : max_entries_(max_entries) {}

  // verify_device_chain, answered from memory when the same chain, device id, suite, limits and
  // roots verified before and `at_unix` is inside the validity window (see above).
  Result<VerifiedCert> device_chain(crypto::Suite suite, const TrustAnchors& trust,
                                    const regledger::offline::v1::CertChain& chain,
                                    std::string_view expected_device_id, std::int64_t at_unix,
                                    const Limits& limits);
  // verify_tagged (ids.hpp), answered from memory when the same key, domain, data and signature
  // verified before. `key_ref` names the key in the memo's digest and must determine it: the DER
  // of the certificate `key` was taken from, or the key id (hash of its SPKI). Encoding the key
  // itself each time (OpenSSL 3's encoder) would cost more than the lookup saves.
  bool tagged_signature(const crypto::PublicKey& key, ByteView key_ref, std::string_view domain,
                        ByteView data, ByteView signature);
  // A hop's issuer MAC under the device key diversified from `master_key` for `device_id`
  // (verify_domain_mac, kIssuerMac over `hop_hash`), answered from memory when the same inputs
  // verified before. Only a digest over the inputs is kept, never a key. An error is
  // diversify_device_key's (as without the memo); false: the MAC does not verify.
  Result<bool> issuer_mac(crypto::Suite suite, ByteView master_key, std::string_view device_id,
                          ByteView hop_hash, ByteView mac);

  struct Stats {
    std::uint64_t chain_hits = 0, chain_misses = 0, sig_hits = 0, sig_misses = 0, mac_hits = 0,
                  mac_misses = 0;
  };
  Stats stats() const;
  std::size_t entries() const;

 private:
  struct ChainEntry {
    VerifiedCert cert;
    std::int64_t valid_after = 0;   // latest not_before of the chain and the roots
    std::int64_t valid_before = 0;  // earliest not_after
  };
  std::size_t max_entries_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, ChainEntry> chains_;
  DecodedCerts intermediates_;                  // thread-safe on its own
  std::unordered_set<std::string> signatures_;  // signature and issuer MAC verdicts
  std::atomic<std::uint64_t> chain_hits_{0}, chain_misses_{0}, sig_hits_{0}, sig_misses_{0},
      mac_hits_{0}, mac_misses_{0};
};

}  // namespace rl::offline
