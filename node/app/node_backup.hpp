#pragma once
// A node backup (docs/protection.md "Backups and restore"): the chain store and the audit store,
// each backed up by ledger/store_backup, and a copy of the node's keystore, under one backup
// directory (config.json backup.dir, HOME/backups by default):
//
//   ROOT/chain/            BackupEngine directory of the chain store
//   ROOT/audit/            BackupEngine directory of the audit store
//   ROOT/data-keys.json    the keystore (wrapped data keys only; the KEK never leaves the node)
//
// A node backup's id is its chain backup's id; the chain backup's metadata names the audit
// backup taken with it, and records the head, so listing needs no restore.
//
// Thread ownership: callers serialize backups with the rekey (regledgerd's storage-maintenance
// mutex): a rekey re-encrypts backup files and replaces the keystore.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ledger/chain.hpp"
#include "ledger/data_keys.hpp"
#include "node/app/identity/audit_log.hpp"
#include "node/app/node_storage.hpp"

namespace rl::node {

struct NodeBackupLayout {
  explicit NodeBackupLayout(const std::string& root);
  std::string root;
  std::string chain;
  std::string audit;
  std::string data_keys;
};

struct NodeBackupInfo {
  std::uint32_t id = 0;        // the chain backup's id
  std::uint32_t audit_id = 0;  // the audit backup taken with it
  std::string chain_id;
  // The head when the backup began: the backup holds this block, and maybe a few more committed
  // while it ran (a restore reports the exact head).
  std::uint64_t height = 0;
  std::string block_hash_hex;
  std::string app_hash_hex;
  std::int64_t created_ms = 0;
  std::uint64_t audit_entries = 0;
  bool encrypted = false;
  std::uint64_t bytes = 0;  // chain + audit backup payload
};

nlohmann::json node_backup_to_json(const NodeBackupInfo& b);

// Backs up both stores, then writes the keystore copy (when encryption is on). Codes:
// backup_error.
Result<NodeBackupInfo> create_node_backup(const std::string& root, const ledger::Chain& chain,
                                          const identity::AuditLog& audit,
                                          const ledger::DataKeyStore* keys);

// A backup, then retention (keep the newest `keep`): what the schedule, the admin command and
// the offline `regledgerd backup` run. `purged` gets the ids deleted.
Result<NodeBackupInfo> backup_node(const std::string& root, const ledger::Chain& chain,
                                   const identity::AuditLog& audit,
                                   const ledger::DataKeyStore* keys, std::uint32_t keep,
                                   std::vector<std::uint32_t>* purged);

// Writes ROOT/data-keys.json atomically: after each backup and after each rekey (which changes
// the keys every backup file is under). Code: write_failed.
Status save_data_keys_copy(const std::string& root, const ledger::DataKeyStore& keys);

// Oldest first. Code: backup_error, backup_corrupt (metadata that does not parse).
Result<std::vector<NodeBackupInfo>> list_node_backups(const std::string& root,
                                                      const ledger::StoreOptions& options);
// Backup `id`, or the newest one. Codes: backup_not_found, backup_corrupt.
Result<NodeBackupInfo> node_backup_info(const std::string& root,
                                        const ledger::StoreOptions& options,
                                        std::optional<std::uint32_t> id);

// Keeps the newest `keep` backups and the audit backups they name. Returns the ids deleted.
Result<std::vector<std::uint32_t>> purge_node_backups(const std::string& root,
                                                      const ledger::StoreOptions& options,
                                                      std::uint32_t keep);

// Checksums of every file of both stores' backups (seal and crc32c, read through the Env).
// Codes: backup_not_found, backup_corrupt.
Result<NodeBackupInfo> verify_node_backup_files(const std::string& root,
                                                const ledger::StoreOptions& options,
                                                std::optional<std::uint32_t> id);

// Verifies, then restores both stores into `data_dir` and `audit_dir` (each missing or empty).
// If the second restore fails the first is removed again: both or neither. Codes:
// restore_target_not_empty, backup_not_found, backup_corrupt, backup_error.
Result<NodeBackupInfo> restore_node_backup(const std::string& root,
                                           const ledger::StoreOptions& options,
                                           std::optional<std::uint32_t> id,
                                           const std::string& data_dir,
                                           const std::string& audit_dir);

// What opens a backup under ROOT for a node with config `cfg`: with encryption on, the node's
// KEK and the backup's keystore copy (never created, never written). Codes: the KEK's,
// data_keys_missing (the backup has no keystore copy), kek_mismatch, bad_data_keys.
Result<NodeStorage> open_backup_storage(const NodeConfig& cfg, crypto::Suite suite,
                                        const std::string& root);

}  // namespace rl::node
