#pragma once
// A receipt: everything needed to prove, from the genesis file alone, that a transaction was
// committed: the exact tx bytes, the block header, the Merkle inclusion proof, the commit
// certificate, and the signer's certificate chain.

#include <string>
#include <vector>

#include "ledger/genesis.hpp"

namespace rl::ledger {

// One validator-set change as an offline verifier checks it: `header` is the block whose
// next_validators_hash announces the new set, `commit` its certificate (by the set before), and
// `members` the new set (SubjectPublicKeyInfo DER and power, in validator-index order), which
// must hash to that next_validators_hash.
struct HandoffMember {
  Bytes public_key_der;
  std::uint64_t power = 0;
};
struct ValidatorHandoff {
  Bytes header;
  Bytes commit;
  std::vector<HandoffMember> members;
};

struct Receipt {
  std::string chain_id;
  Bytes tx;  // exact Tx bytes (the Merkle leaf)
  std::uint64_t height = 0;
  std::uint32_t index = 0;
  std::uint32_t tx_count = 0;
  Bytes header;  // exact BlockHeader bytes
  std::vector<Bytes> proof;
  Bytes commit;                     // CommitCertificate bytes for this height
  std::vector<Bytes> signer_chain;  // DER: signer certificate, then intermediates
  // The chain of validator-set changes from genesis up to `height`, oldest first; empty (and
  // absent from the JSON) while the set has never changed.
  std::vector<ValidatorHandoff> handoffs;
};

std::string receipt_to_json(const Receipt& r);
// The "validator_handoffs" array of a receipt (also served with block headers), as JSON text,
// and its strict parse. Code: bad_receipt.
std::string handoffs_to_json(const std::vector<ValidatorHandoff>& handoffs);
Result<std::vector<ValidatorHandoff>> handoffs_from_json(std::string_view text);
// Strict, size-limited parse. Code: bad_receipt.
Result<Receipt> receipt_from_json(std::string_view text);

struct VerifiedReceipt {
  std::string tx_id_hex;
  std::string signer;
  std::string payload_kind;
  std::uint64_t height = 0;
  std::int64_t block_time_ms = 0;
  std::string block_hash_hex;
  std::size_t commit_signatures = 0;
  std::size_t validators = 0;          // members of the set in force at the block's height
  std::size_t validator_handoffs = 0;  // set changes followed from genesis
};

// Follows `handoffs` from the genesis set and returns the set in force after the last one, and
// the first height it governs (1 for genesis). Each failure has its own message. Code:
// receipt_invalid.
struct TrustedSet {
  ValidatorKeys keys;
  std::uint64_t from_height = 1;
};
Result<TrustedSet> follow_handoffs(const TrustAnchor& anchor,
                                   const std::vector<ValidatorHandoff>& handoffs);

// Offline verification against the genesis trust anchor. Each failure has its own message.
// Code: receipt_invalid.
Result<VerifiedReceipt> verify_receipt(const TrustAnchor& anchor, const Receipt& r);

}  // namespace rl::ledger
