#include "node/app/node_backup.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <set>

#include "common/file_io.hpp"
#include "common/wall_clock.hpp"
#include "ledger/store_backup.hpp"

namespace rl::node {
namespace {

namespace fs = std::filesystem;

constexpr int kFormat = 1;

std::string metadata_of(const NodeBackupInfo& b) {
  nlohmann::json j = node_backup_to_json(b);
  j.erase("id");     // the engine's own
  j.erase("bytes");  // the engine's own
  j["format"] = kFormat;
  return j.dump();
}

Result<NodeBackupInfo> info_of(const ledger::StoreBackupInfo& chain) {
  auto j = nlohmann::json::parse(chain.app_metadata, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("format", 0) != kFormat) {
    return make_error("backup_corrupt",
                      "chain backup " + std::to_string(chain.id) + " has no node backup metadata");
  }
  NodeBackupInfo b;
  try {
    b.id = chain.id;
    b.audit_id = j.at("audit_id").get<std::uint32_t>();
    b.chain_id = j.at("chain_id").get<std::string>();
    b.height = j.at("height").get<std::uint64_t>();
    b.block_hash_hex = j.at("block_hash").get<std::string>();
    b.app_hash_hex = j.at("app_hash").get<std::string>();
    b.created_ms = j.at("created_ms").get<std::int64_t>();
    b.audit_entries = j.at("audit_entries").get<std::uint64_t>();
    b.encrypted = j.at("encrypted").get<bool>();
  } catch (const nlohmann::json::exception& e) {
    return make_error("backup_corrupt",
                      "chain backup " + std::to_string(chain.id) + " metadata: " + e.what());
  }
  b.bytes = chain.bytes;
  return b;
}

}  // namespace

NodeBackupLayout::NodeBackupLayout(const std::string& r)
    : root(r),
      chain((fs::path(r) / "chain").string()),
      audit((fs::path(r) / "audit").string()),
      data_keys((fs::path(r) / "data-keys.json").string()) {}

nlohmann::json node_backup_to_json(const NodeBackupInfo& b) {
  return nlohmann::json{{"id", b.id},
                        {"audit_id", b.audit_id},
                        {"chain_id", b.chain_id},
                        {"height", b.height},
                        {"block_hash", b.block_hash_hex},
                        {"app_hash", b.app_hash_hex},
                        {"created_ms", b.created_ms},
                        {"audit_entries", b.audit_entries},
                        {"encrypted", b.encrypted},
                        {"bytes", b.bytes}};
}

Status save_data_keys_copy(const std::string& root, const ledger::DataKeyStore& keys) {
  return write_file_atomic(NodeBackupLayout(root).data_keys, keys.to_json(), true);
}

Result<NodeBackupInfo> create_node_backup(const std::string& root, const ledger::Chain& chain,
                                          const identity::AuditLog& audit,
                                          const ledger::DataKeyStore* keys) {
  const NodeBackupLayout layout(root);
  const auto started = std::chrono::steady_clock::now();
  NodeBackupInfo b;
  const auto head = chain.head();
  b.chain_id = chain.anchor().chain_id;
  b.height = head.height;
  b.block_hash_hex = to_hex(head.block_hash);
  b.app_hash_hex = to_hex(head.app_hash);
  b.created_ms = rl::wall_now_ms();
  b.audit_entries = audit.last_seq();
  b.encrypted = keys != nullptr;
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) return make_error("backup_error", "cannot create " + root + ": " + ec.message());
  // The keystore copy first: every file written below is under the current key, which it holds.
  if (keys) RL_TRY(save_data_keys_copy(root, *keys));
  RL_ASSIGN_OR_RETURN(auto audit_backup,
                      ledger::create_store_backup(audit.store(), layout.audit, "{}"));
  b.audit_id = audit_backup.id;
  RL_ASSIGN_OR_RETURN(auto chain_backup,
                      ledger::create_store_backup(chain.store(), layout.chain, metadata_of(b)));
  b.id = chain_backup.id;
  b.bytes = chain_backup.bytes + audit_backup.bytes;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
  spdlog::info("backup created id={} height={} app_hash={} audit_id={} bytes={} ms={}", b.id,
               b.height, b.app_hash_hex, b.audit_id, b.bytes, ms);
  return b;
}

Result<NodeBackupInfo> backup_node(const std::string& root, const ledger::Chain& chain,
                                   const identity::AuditLog& audit,
                                   const ledger::DataKeyStore* keys, std::uint32_t keep,
                                   std::vector<std::uint32_t>* purged) {
  const ledger::StoreOptions options = chain.store().options();
  RL_ASSIGN_OR_RETURN(auto b, create_node_backup(root, chain, audit, keys));
  RL_ASSIGN_OR_RETURN(auto deleted, purge_node_backups(root, options, keep));
  if (purged) *purged = std::move(deleted);
  return b;
}

Result<std::vector<NodeBackupInfo>> list_node_backups(const std::string& root,
                                                      const ledger::StoreOptions& options) {
  RL_ASSIGN_OR_RETURN(auto chain,
                      ledger::list_store_backups(NodeBackupLayout(root).chain, options));
  std::vector<NodeBackupInfo> out;
  for (const auto& c : chain) {
    RL_ASSIGN_OR_RETURN(auto b, info_of(c));
    out.push_back(std::move(b));
  }
  return out;
}

Result<NodeBackupInfo> node_backup_info(const std::string& root,
                                        const ledger::StoreOptions& options,
                                        std::optional<std::uint32_t> id) {
  const NodeBackupLayout layout(root);
  if (!id) {
    RL_ASSIGN_OR_RETURN(auto all, ledger::list_store_backups(layout.chain, options));
    if (all.empty()) return make_error("backup_not_found", "no backups in " + root);
    id = all.back().id;
  }
  RL_ASSIGN_OR_RETURN(auto chain, ledger::store_backup_info(layout.chain, options, *id));
  return info_of(chain);
}

Result<std::vector<std::uint32_t>> purge_node_backups(const std::string& root,
                                                      const ledger::StoreOptions& options,
                                                      std::uint32_t keep) {
  const NodeBackupLayout layout(root);
  RL_ASSIGN_OR_RETURN(auto deleted, ledger::purge_store_backups(layout.chain, options, keep));
  RL_ASSIGN_OR_RETURN(auto kept, list_node_backups(root, options));
  std::set<std::uint32_t> audit_kept;
  for (const auto& b : kept) audit_kept.insert(b.audit_id);
  RL_ASSIGN_OR_RETURN(auto audits, ledger::list_store_backups(layout.audit, options));
  std::uint32_t oldest_kept = audit_kept.empty() ? 0 : *audit_kept.begin();
  // Audit backups are taken one per node backup, in the same order: those older than the
  // oldest one still named are exactly the ones to go (a failed node backup may have left one).
  std::uint32_t audit_keep = 0;
  for (const auto& a : audits) audit_keep += a.id >= oldest_kept ? 1 : 0;
  RL_TRY(ledger::purge_store_backups(layout.audit, options, audit_keep));
  if (!deleted.empty()) {
    spdlog::info("backups purged deleted={} kept={}", deleted.size(), kept.size());
  }
  return deleted;
}

Result<NodeBackupInfo> verify_node_backup_files(const std::string& root,
                                                const ledger::StoreOptions& options,
                                                std::optional<std::uint32_t> id) {
  const NodeBackupLayout layout(root);
  RL_ASSIGN_OR_RETURN(auto b, node_backup_info(root, options, id));
  RL_TRY(ledger::verify_store_backup(layout.chain, options, b.id));
  RL_TRY(ledger::verify_store_backup(layout.audit, options, b.audit_id));
  return b;
}

Result<NodeBackupInfo> restore_node_backup(const std::string& root,
                                           const ledger::StoreOptions& options,
                                           std::optional<std::uint32_t> id,
                                           const std::string& data_dir,
                                           const std::string& audit_dir) {
  const NodeBackupLayout layout(root);
  for (const auto& dir : {data_dir, audit_dir}) {
    if (!ledger::is_empty_restore_target(dir)) {
      return make_error("restore_target_not_empty",
                        dir +
                            " exists and is not empty; restore onto a home without data and "
                            "audit directories");
    }
  }
  // Both verified before either is restored: a corrupt audit backup leaves no chain behind.
  RL_ASSIGN_OR_RETURN(auto b, verify_node_backup_files(root, options, id));
  RL_TRY(ledger::restore_store_backup(layout.chain, options, b.id, data_dir));
  auto audit = ledger::restore_store_backup(layout.audit, options, b.audit_id, audit_dir);
  if (!audit.ok()) {
    std::error_code ec;
    fs::remove_all(data_dir, ec);
    return audit.error();
  }
  return b;
}

Result<NodeStorage> open_backup_storage(const NodeConfig& cfg, crypto::Suite suite,
                                        const std::string& root) {
  NodeStorage out;
  if (!cfg.storage_encrypted()) return out;
  const NodeBackupLayout layout(root);
  std::error_code ec;
  if (!fs::exists(layout.data_keys, ec)) {
    return make_error("data_keys_missing", layout.data_keys +
                                               " is missing: an encrypted backup travels with "
                                               "its keystore copy");
  }
  RL_ASSIGN_OR_RETURN(std::shared_ptr<const crypto::KeyEncryptionKey> kek,
                      open_node_kek(cfg, suite));
  RL_ASSIGN_OR_RETURN(
      out.keys, ledger::DataKeyStore::open(layout.data_keys, kek, crypto::storage_cipher_for(suite),
                                           /*create=*/false));
  out.encryption = std::make_shared<const ledger::EncryptedEnv>(out.keys->ring());
  return out;
}

}  // namespace rl::node
