#pragma once
// Online, consistent backups of one Store with RocksDB's BackupEngine (docs/protection.md
// "Backups and restore"). A backup directory holds many backups of one store; table files are
// shared between them, so each backup after the first copies only what changed.
//
// Every file of a backup is written through the store's Env: an encrypted store has encrypted
// backups, under the same data keys (a rekey re-encrypts them with the live files).
//
// Consistency: a backup flushes the memtables, then copies the live SST files and the WAL tail
// written since the flush, all listed at one instant while RocksDB holds file deletions back.
// Restored, it is the store as of that instant: a prefix of the writes, never a torn batch.
//
// Integrity: RocksDB keeps a crc32c of every backed-up file in the backup's meta file, but the
// meta file itself carries no checksum; a one-byte change in it can go unnoticed (a timestamp
// digit, the app metadata). So each backup also gets a seal, seal/<id>: the SHA-256 of its meta
// file's plaintext, written through the same Env. verify and restore check the seal, then every
// file's crc32c.
//
// Thread ownership: the functions may run on any thread; create, purge and verify/restore of
// one directory may overlap (BackupEngine's own rules: appends are atomic, reads see the state
// at their start).

#include <cstdint>
#include <string>
#include <vector>

#include "ledger/store.hpp"

namespace rl::ledger {

struct StoreBackupInfo {
  std::uint32_t id = 0;
  std::int64_t created_s = 0;  // Unix seconds (RocksDB's clock)
  std::uint64_t bytes = 0;     // payload of every file of the backup (shared files included)
  std::uint32_t files = 0;
  std::string app_metadata;  // the caller's, as given to create_store_backup
};

// Backs up `store` into `dir` (created if missing) through the store's own Env, with
// `app_metadata` stored in the backup. Code: backup_error.
Result<StoreBackupInfo> create_store_backup(const Store& store, const std::string& dir,
                                            const std::string& app_metadata);

// The backups in `dir`, oldest first (corrupt ones, whose meta file does not load, are left
// out; verify names them). A missing directory has none. Code: backup_error.
Result<std::vector<StoreBackupInfo>> list_store_backups(const std::string& dir,
                                                        const StoreOptions& options);

// One backup's info. Codes: backup_not_found, backup_corrupt (its meta file does not load).
Result<StoreBackupInfo> store_backup_info(const std::string& dir, const StoreOptions& options,
                                          std::uint32_t id);

// Deletes all but the newest `keep` backups (at least one is kept) and their seals. Returns the
// ids deleted. Code: backup_error.
Result<std::vector<std::uint32_t>> purge_store_backups(const std::string& dir,
                                                       const StoreOptions& options,
                                                       std::uint32_t keep);

// The seal, then every file's crc32c, read in full through the Env. Codes: backup_not_found,
// backup_corrupt (with the file and the reason).
Result<StoreBackupInfo> verify_store_backup(const std::string& dir, const StoreOptions& options,
                                            std::uint32_t id);

// Verifies backup `id` (as verify_store_backup), then restores it into `target`, which must not
// exist or be an empty directory. Files are restored into a staging directory beside `target`
// and renamed into place only when complete: on any failure `target` is as it was.
// Codes: restore_target_not_empty, backup_not_found, backup_corrupt, backup_error.
Result<StoreBackupInfo> restore_store_backup(const std::string& dir, const StoreOptions& options,
                                             std::uint32_t id, const std::string& target);

// Whether `path` is missing or an empty directory: what a restore target must be.
bool is_empty_restore_target(const std::string& path);

}  // namespace rl::ledger
