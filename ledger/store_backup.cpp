#include "ledger/store_backup.hpp"

#include <fcntl.h>
#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/utilities/backup_engine.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "crypto/hash.hpp"
#include "ledger/storage_encryption.hpp"

namespace rl::ledger {
namespace {

namespace fs = std::filesystem;

rocksdb::Env* env_of(const StoreOptions& options) {
  return options.encryption ? options.encryption->env() : rocksdb::Env::Default();
}

rocksdb::BackupEngineOptions engine_options(const std::string& dir, const StoreOptions& options) {
  rocksdb::BackupEngineOptions o(dir, env_of(options));
  o.share_table_files = true;  // incremental: an SST already backed up is not copied again
  o.sync = true;               // a backup that reported success survives a machine crash
  o.backup_log_files = true;   // the WAL tail since the flush (see store_backup.hpp)
  return o;
}

Error backup_error(const std::string& what, const rocksdb::Status& s) {
  return make_error("backup_error", what + ": " + s.ToString());
}

std::string seal_path(const std::string& dir, std::uint32_t id) {
  return (fs::path(dir) / "seal" / std::to_string(id)).string();
}
std::string meta_path(const std::string& dir, std::uint32_t id) {
  return (fs::path(dir) / "meta" / std::to_string(id)).string();
}

// The SHA-256 (hex) of a backup's meta file as RocksDB reads it (decrypted).
Result<std::string> meta_digest(const std::string& dir, const StoreOptions& options,
                                std::uint32_t id) {
  std::string meta;
  auto s = rocksdb::ReadFileToString(env_of(options), meta_path(dir, id), &meta);
  if (!s.ok()) {
    return make_error("backup_corrupt", "backup " + std::to_string(id) + " in " + dir +
                                            ": meta file unreadable: " + s.ToString());
  }
  return to_hex(crypto::sha256(to_bytes(meta)));
}

Status check_seal(const std::string& dir, const StoreOptions& options, std::uint32_t id) {
  std::string seal;
  auto s = rocksdb::ReadFileToString(env_of(options), seal_path(dir, id), &seal);
  if (!s.ok()) {
    return make_error("backup_corrupt", "backup " + std::to_string(id) + " in " + dir +
                                            ": seal unreadable: " + s.ToString());
  }
  RL_ASSIGN_OR_RETURN(std::string digest, meta_digest(dir, options, id));
  if (seal != digest) {
    return make_error("backup_corrupt", "backup " + std::to_string(id) + " in " + dir +
                                            ": meta file does not match its seal (changed "
                                            "after the backup was taken)");
  }
  return {};
}

StoreBackupInfo info_of(const rocksdb::BackupInfo& b) {
  return StoreBackupInfo{b.backup_id, b.timestamp, b.size, b.number_files, b.app_metadata};
}

Result<std::unique_ptr<rocksdb::BackupEngineReadOnly>> open_read_only(const std::string& dir,
                                                                      const StoreOptions& options) {
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  auto s = rocksdb::BackupEngineReadOnly::Open(env_of(options), engine_options(dir, options), &raw);
  if (!s.ok()) return backup_error("open backups in " + dir, s);
  return std::unique_ptr<rocksdb::BackupEngineReadOnly>(raw);
}

Result<std::unique_ptr<rocksdb::BackupEngine>> open_writable(const std::string& dir,
                                                             const StoreOptions& options) {
  rocksdb::BackupEngine* raw = nullptr;
  auto s = rocksdb::BackupEngine::Open(env_of(options), engine_options(dir, options), &raw);
  if (!s.ok()) return backup_error("open backups in " + dir, s);
  return std::unique_ptr<rocksdb::BackupEngine>(raw);
}

// The info of `id`, telling a backup RocksDB found corrupt at open from one that is not there.
Result<StoreBackupInfo> find(const rocksdb::BackupEngineReadOnly& engine, const std::string& dir,
                             std::uint32_t id) {
  std::vector<rocksdb::BackupID> corrupt;
  engine.GetCorruptedBackups(&corrupt);
  if (std::find(corrupt.begin(), corrupt.end(), id) != corrupt.end()) {
    return make_error("backup_corrupt", "backup " + std::to_string(id) + " in " + dir +
                                            ": its meta file does not load");
  }
  rocksdb::BackupInfo info;
  auto s = engine.GetBackupInfo(id, &info);
  if (s.IsNotFound()) {
    return make_error("backup_not_found", "no backup " + std::to_string(id) + " in " + dir);
  }
  if (!s.ok()) return backup_error("backup info", s);
  return info_of(info);
}

Status fsync_dir(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return make_error("backup_error", "cannot open " + dir.string());
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return make_error("backup_error", "cannot fsync " + dir.string());
  return {};
}

}  // namespace

bool is_empty_restore_target(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return !ec;
  return fs::is_directory(path, ec) && fs::is_empty(path, ec) && !ec;
}

Result<StoreBackupInfo> create_store_backup(const Store& store, const std::string& dir,
                                            const std::string& app_metadata) {
  std::error_code ec;
  fs::create_directories(fs::path(dir) / "seal", ec);
  if (ec) return make_error("backup_error", "cannot create " + dir + ": " + ec.message());
  RL_ASSIGN_OR_RETURN(auto engine, open_writable(dir, store.options()));
  rocksdb::BackupID id = 0;
  RL_TRY(store.with_db([&](rocksdb::DB& db) -> Status {
    rocksdb::CreateBackupOptions co;
    // Flushed first: the backup is mostly SST files (shared with the next backups, quick to
    // restore) plus the short WAL tail written since the flush, which keeps it exact.
    co.flush_before_backup = true;
    auto s = engine->CreateNewBackupWithMetadata(co, &db, app_metadata, &id);
    if (!s.ok()) return backup_error("backup of " + store.path(), s);
    return {};
  }));
  RL_ASSIGN_OR_RETURN(std::string digest, meta_digest(dir, store.options(), id));
  auto s = rocksdb::WriteStringToFile(env_of(store.options()), digest, seal_path(dir, id),
                                      /*should_sync=*/true);
  if (!s.ok()) return backup_error("seal of backup " + std::to_string(id), s);
  RL_TRY(fsync_dir(fs::path(dir) / "seal"));
  rocksdb::BackupInfo info;
  s = engine->GetBackupInfo(id, &info);
  if (!s.ok()) return backup_error("backup info", s);
  spdlog::info("store backup created store={} dir={} id={} files={} bytes={}", store.path(), dir,
               id, info.number_files, info.size);
  return info_of(info);
}

Result<std::vector<StoreBackupInfo>> list_store_backups(const std::string& dir,
                                                        const StoreOptions& options) {
  std::vector<StoreBackupInfo> out;
  std::error_code ec;
  if (!fs::exists(fs::path(dir) / "meta", ec)) return out;
  RL_ASSIGN_OR_RETURN(auto ro, open_read_only(dir, options));
  std::vector<rocksdb::BackupInfo> infos;
  ro->GetBackupInfo(&infos);
  for (const auto& b : infos) out.push_back(info_of(b));
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

Result<StoreBackupInfo> store_backup_info(const std::string& dir, const StoreOptions& options,
                                          std::uint32_t id) {
  std::error_code ec;
  if (!fs::exists(fs::path(dir) / "meta", ec)) {
    return make_error("backup_not_found", "no backups in " + dir);
  }
  RL_ASSIGN_OR_RETURN(auto ro, open_read_only(dir, options));
  return find(*ro, dir, id);
}

Result<std::vector<std::uint32_t>> purge_store_backups(const std::string& dir,
                                                       const StoreOptions& options,
                                                       std::uint32_t keep) {
  RL_ASSIGN_OR_RETURN(auto before, list_store_backups(dir, options));
  RL_ASSIGN_OR_RETURN(auto engine, open_writable(dir, options));
  auto s = engine->PurgeOldBackups(std::max<std::uint32_t>(keep, 1));
  if (!s.ok()) return backup_error("purge backups in " + dir, s);
  std::vector<rocksdb::BackupInfo> after;
  engine->GetBackupInfo(&after);
  std::vector<std::uint32_t> deleted;
  for (const auto& b : before) {
    const bool kept =
        std::any_of(after.begin(), after.end(), [&](const auto& a) { return a.backup_id == b.id; });
    if (kept) continue;
    deleted.push_back(b.id);
    std::error_code ec;
    fs::remove(seal_path(dir, b.id), ec);
  }
  return deleted;
}

Result<StoreBackupInfo> verify_store_backup(const std::string& dir, const StoreOptions& options,
                                            std::uint32_t id) {
  RL_ASSIGN_OR_RETURN(auto info, store_backup_info(dir, options, id));
  RL_TRY(check_seal(dir, options, id));
  RL_ASSIGN_OR_RETURN(auto ro, open_read_only(dir, options));
  auto s = ro->VerifyBackup(id, /*verify_with_checksum=*/true);
  if (!s.ok()) {
    return make_error("backup_corrupt",
                      "backup " + std::to_string(id) + " in " + dir + ": " + s.ToString());
  }
  return info;
}

Result<StoreBackupInfo> restore_store_backup(const std::string& dir, const StoreOptions& options,
                                             std::uint32_t id, const std::string& target) {
  if (!is_empty_restore_target(target)) {
    return make_error("restore_target_not_empty",
                      target +
                          " exists and is not empty; a backup is restored only into an "
                          "empty or missing directory");
  }
  RL_ASSIGN_OR_RETURN(auto info, verify_store_backup(dir, options, id));
  // A staging directory of our own beside the target: what a crash leaves there is ours to
  // remove, and the target appears only complete.
  const fs::path target_path = fs::absolute(target).lexically_normal();
  const fs::path staging =
      target_path.parent_path() / (target_path.filename().string() + ".restoring");
  std::error_code ec;
  fs::remove_all(staging, ec);
  fs::create_directories(staging, ec);
  if (ec)
    return make_error("backup_error", "cannot create " + staging.string() + ": " + ec.message());
  auto cleanup = [&] {
    std::error_code ignored;
    fs::remove_all(staging, ignored);
  };
  RL_ASSIGN_OR_RETURN(auto ro, open_read_only(dir, options));
  auto s =
      ro->RestoreDBFromBackup(rocksdb::RestoreOptions(), id, staging.string(), staging.string());
  if (!s.ok()) {
    cleanup();
    return make_error(
        s.IsCorruption() ? "backup_corrupt" : "backup_error",
        "restore of backup " + std::to_string(id) + " from " + dir + ": " + s.ToString());
  }
  // rename(2) replaces an empty directory; a missing one is simply created.
  fs::rename(staging, target_path, ec);
  if (ec) {
    cleanup();
    return make_error("backup_error",
                      "cannot move the restored store into " + target + ": " + ec.message());
  }
  RL_TRY(fsync_dir(target_path.parent_path()));
  spdlog::info("store backup restored dir={} id={} target={}", dir, id, target);
  return info;
}

}  // namespace rl::ledger
