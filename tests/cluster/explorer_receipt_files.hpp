#pragma once
// The files the explorer's browser test verifies in the page, written next to its screenshots:
// the genesis, a good receipt as the API served it, and copies each changed in one way.

#include <filesystem>
#include <nlohmann/json.hpp>

#include "ledger/genesis.hpp"

namespace rl::testing {

struct ReceiptFiles {
  std::filesystem::path genesis;          // the network's genesis
  std::filesystem::path receipt;          // the receipt, unchanged
  std::filesystem::path tampered_tx;      // one byte of the tx flipped: Merkle path fails
  std::filesystem::path tampered_commit;  // one byte of a precommit signature: it fails
  std::filesystem::path genesis_sm2;      // the genesis with suite "sm2-sm3": cannot check
  std::filesystem::path with_handoffs;    // the receipt with validator_handoffs: cannot check
  nlohmann::json to_json() const;
};

// Writes them into `dir` (which must exist). Throws std::runtime_error when the receipt does
// not decode as the API's receipts do.
ReceiptFiles write_receipt_files(const std::filesystem::path& dir, const ledger::Genesis& genesis,
                                 const nlohmann::json& receipt);

}  // namespace rl::testing
