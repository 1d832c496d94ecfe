#pragma once
// A receipt: everything needed to prove, from the genesis file alone, that a transaction was
// committed: the exact tx bytes, the block header, the Merkle inclusion proof, the commit
// certificate, and the signer's certificate chain.

#include <string>
#include <vector>

#include "ledger/genesis.hpp"

namespace rl::ledger {

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
};

std::string receipt_to_json(const Receipt& r);
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
};

// Offline verification against the genesis trust anchor. Each failure has its own message.
// Code: receipt_invalid.
Result<VerifiedReceipt> verify_receipt(const TrustAnchor& anchor, const Receipt& r);

}  // namespace rl::ledger
