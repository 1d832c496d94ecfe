#pragma once
// `regledgerd restore` and `regledgerd verify-backup` (docs/protection.md "Backups and restore:
// runbook", decision 0061). Both work on a home whose node is not running and need what a
// backup does not carry: config.json, genesis.json, the node key and the KEK.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "common/result.hpp"
#include "node/app/node_backup.hpp"

namespace rl::node {

using RestoreProgress = std::function<void(const std::string&)>;

struct RestoreRequest {
  std::string home;
  std::string from;  // the backup directory (a node's HOME/backups, or a copy of it)
  std::optional<std::uint32_t> backup_id;  // newest when absent
  // A validator's restored signing state is as old as the backup (decision 0061): it signs
  // nothing below this height, which must be above the backup's head. Required for a
  // validator, ignored for an observer.
  std::optional<std::uint64_t> sign_from_height;
};

struct RestoreReport {
  NodeBackupInfo backup;
  std::uint64_t height = 0;  // the restored head (at or above backup.height)
  std::string app_hash_hex;
  std::string block_hash_hex;
  bool keystore_installed = false;
  std::uint64_t sign_from_height = 0;  // written to config.json; 0 for an observer
};

// Restores onto a home without data/ and audit/: verifies every checksum first, restores both
// stores, installs the backup's keystore when the home has none (a home's own keystore must be
// the backup's), opens the chain to report its head, and raises consensus.sign_from_height in
// config.json. On any failure the home is as it was. Codes: restore_target_not_empty,
// sign_from_height_required, sign_from_height_too_low, data_keys_differ, backup_wrong_chain,
// backup_not_found, backup_corrupt, and the KEK's and config's codes.
Result<RestoreReport> restore_home(const RestoreRequest& req, const RestoreProgress& progress);

struct VerifyReport {
  NodeBackupInfo backup;
  std::uint64_t height = 0;
  std::string app_hash_hex;
  std::string block_hash_hex;
  std::size_t validator_handoffs = 0;
  std::uint64_t audit_entries = 0;
};

// Checksums of every file of both stores, then a restore into a temporary directory under the
// home (through the node's Env: encrypted like the live stores), the chain checked from genesis
// to its head (ledger/chain_check) and the audit log's hash chain. The temporary directory is
// removed. Codes: backup_not_found, backup_corrupt, backup_wrong_chain, chain_invalid,
// audit_tampered, and the KEK's and config's codes.
Result<VerifyReport> verify_backup_home(const std::string& home, const std::string& from,
                                        std::optional<std::uint32_t> backup_id,
                                        const RestoreProgress& progress);

}  // namespace rl::node
