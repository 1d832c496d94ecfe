#include "node/app/storage_maintenance.hpp"

#include <filesystem>

#include "ledger/rekey.hpp"
#include "node/app/node_backup.hpp"

namespace rl::node {

Result<nlohmann::json> rekey_node(const NodeStorage& storage, ledger::Store& chain,
                                  ledger::Store& audit, const std::string& backup_root,
                                  bool resume_only, const MaintenanceProgress& progress) {
  if (!storage.keys) {
    return make_error("encryption_off",
                      "storage encryption is off (config.json storage): nothing to rekey");
  }
  if (resume_only && storage.keys->retiring().empty()) {
    return nlohmann::json{{"resumed", false}, {"note", "no rotation in progress"}};
  }
  RL_ASSIGN_OR_RETURN(auto r, ledger::rekey(*storage.keys, *storage.encryption, {&chain, &audit},
                                            {backup_root}, progress));
  // Every backup file is now under the new key: the backups' keystore copy must hold it.
  if (std::filesystem::exists(backup_root)) {
    RL_TRY(save_data_keys_copy(backup_root, *storage.keys));
  }
  return nlohmann::json{{"new_key", r.new_key},
                        {"destroyed", r.destroyed},
                        {"files_reencrypted", r.files_reencrypted},
                        {"resumed", r.resumed}};
}

Result<nlohmann::json> backup_node_reply(const std::string& backup_root, const ledger::Chain& chain,
                                         const identity::AuditLog& audit,
                                         const NodeStorage& storage, std::uint32_t keep,
                                         const MaintenanceProgress& progress) {
  if (progress) progress("backing up the chain and audit stores into " + backup_root);
  std::vector<std::uint32_t> purged;
  RL_ASSIGN_OR_RETURN(auto b,
                      backup_node(backup_root, chain, audit, storage.keys.get(), keep, &purged));
  auto j = node_backup_to_json(b);
  j["purged"] = purged;
  j["dir"] = backup_root;
  return j;
}

}  // namespace rl::node
