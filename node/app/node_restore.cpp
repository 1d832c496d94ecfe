#include "node/app/node_restore.hpp"

#include <unistd.h>

#include <filesystem>

#include "common/file_io.hpp"
#include "config/node_config.hpp"
#include "ledger/chain_check.hpp"
#include "ledger/store_backup.hpp"

namespace rl::node {
namespace {

namespace fs = std::filesystem;

struct HomeContext {
  NodeConfig cfg;
  ledger::Genesis genesis;
};

// What a backup does not carry and a restore or verify needs from the home.
Result<HomeContext> load_home(const std::string& home) {
  auto cfg = load_node_config(home);
  if (!cfg.ok()) {
    return make_error(cfg.error().code,
                      cfg.error().message +
                          " (restore and verify-backup need the home's config.json, "
                          "genesis.json, node key and KEK; a backup carries only the stores and "
                          "the wrapped data keys)");
  }
  RL_ASSIGN_OR_RETURN(auto genesis_text, read_file(cfg->path(cfg->genesis_file)));
  RL_ASSIGN_OR_RETURN(auto genesis, ledger::parse_genesis(genesis_text));
  return HomeContext{std::move(cfg).value(), std::move(genesis)};
}

Status check_chain_id(const NodeBackupInfo& b, const std::string& chain_id) {
  if (b.chain_id != chain_id) {
    return make_error("backup_wrong_chain", "backup " + std::to_string(b.id) + " is of chain '" +
                                                b.chain_id + "'; this home's genesis is '" +
                                                chain_id + "'");
  }
  return {};
}

// Removes a directory tree when it goes out of scope (the verify's scratch restore).
class ScratchDir {
 public:
  explicit ScratchDir(fs::path p) : path_(std::move(p)) { remove(); }
  ~ScratchDir() { remove(); }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  std::string sub(const char* name) const { return (path_ / name).string(); }

 private:
  void remove() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  fs::path path_;
};

void say(const RestoreProgress& progress, const std::string& line) {
  if (progress) progress(line);
}

}  // namespace

Result<RestoreReport> restore_home(const RestoreRequest& req, const RestoreProgress& progress) {
  RL_ASSIGN_OR_RETURN(auto ctx, load_home(req.home));
  const auto& cfg = ctx.cfg;
  const std::string data_dir = cfg.path(cfg.data_dir);
  const std::string audit_dir = cfg.path(cfg.audit_dir);
  for (const auto& dir : {data_dir, audit_dir}) {
    if (!ledger::is_empty_restore_target(dir)) {
      return make_error("restore_target_not_empty",
                        dir +
                            " exists and is not empty: restore goes onto a home without its "
                            "data and audit directories (stop the node and remove them first; "
                            "config.json, node key and KEK stay)");
    }
  }
  RL_TRY(read_file(cfg.path(cfg.key_file), 64 * 1024));  // the node key must be there
  RL_ASSIGN_OR_RETURN(auto storage, open_backup_storage(cfg, ctx.genesis.suite, req.from));
  const auto options = storage.store_options();
  RL_ASSIGN_OR_RETURN(auto info, node_backup_info(req.from, options, req.backup_id));
  RL_TRY(check_chain_id(info, ctx.genesis.chain_id));

  // The keystore: the backup's, or the home's own when it is the same one.
  const NodeBackupLayout layout(req.from);
  const std::string home_keys = cfg.path(cfg.data_keys_file);
  std::string keystore_copy;
  bool install_keys = false;
  if (storage.keys) {
    RL_ASSIGN_OR_RETURN(keystore_copy, read_file(layout.data_keys));
    std::error_code ec;
    if (fs::exists(home_keys, ec)) {
      RL_ASSIGN_OR_RETURN(auto own, read_file(home_keys));
      auto a = nlohmann::json::parse(own, nullptr, false);
      auto b = nlohmann::json::parse(keystore_copy, nullptr, false);
      if (a.is_discarded() || a != b) {
        return make_error("data_keys_differ",
                          home_keys + " is not the keystore this backup was taken with (" +
                              layout.data_keys +
                              "); remove the home's keystore to install the backup's, or "
                              "restore a backup of this node");
      }
    } else {
      install_keys = true;
    }
  }

  // Signing safety (decision 0061): the restored consensus state is as old as the backup.
  std::uint64_t sign_from = 0;
  if (!cfg.observer) {
    if (!req.sign_from_height) {
      return make_error("sign_from_height_required",
                        "a validator's restored signing state is as old as the backup (head " +
                            std::to_string(info.height) +
                            "); it may have signed above that before it was lost. Pass "
                            "--sign-from-height above the network's current height (GET "
                            "/v1/status on a peer)");
    }
    sign_from = std::max(*req.sign_from_height, cfg.sign_from_height);
    if (sign_from <= info.height) {
      return make_error("sign_from_height_too_low",
                        "--sign-from-height " + std::to_string(sign_from) +
                            " is not above the backup's head " + std::to_string(info.height));
    }
  }

  say(progress, "verifying backup " + std::to_string(info.id) + " (every file's checksum)");
  RL_TRY(restore_node_backup(req.from, options, info.id, data_dir, audit_dir));
  say(progress,
      "restored the chain store into " + data_dir + " and the audit store into " + audit_dir);
  auto undo = [&] {
    std::error_code ec;
    fs::remove_all(data_dir, ec);
    fs::remove_all(audit_dir, ec);
  };
  auto report = [&]() -> Result<RestoreReport> {
    RestoreReport r;
    r.backup = info;
    {
      RL_ASSIGN_OR_RETURN(auto chain, ledger::Chain::open(data_dir, ctx.genesis, {}, options));
      const auto head = chain->head();
      r.height = head.height;
      r.app_hash_hex = to_hex(head.app_hash);
      r.block_hash_hex = to_hex(head.block_hash);
    }
    if (sign_from != 0 && sign_from <= r.height) {
      return make_error("sign_from_height_too_low",
                        "--sign-from-height " + std::to_string(sign_from) +
                            " is not above the restored head " + std::to_string(r.height));
    }
    if (install_keys) {
      RL_TRY(write_file_atomic(home_keys, keystore_copy, true));
      r.keystore_installed = true;
    }
    if (sign_from != 0 && sign_from != cfg.sign_from_height) {
      NodeConfig updated = cfg;
      updated.sign_from_height = sign_from;
      RL_TRY(write_file_atomic(cfg.path("config.json"), node_config_to_json(updated), false));
    }
    r.sign_from_height = sign_from;
    return r;
  }();
  if (!report.ok()) undo();
  return report;
}

Result<VerifyReport> verify_backup_home(const std::string& home, const std::string& from,
                                        std::optional<std::uint32_t> backup_id,
                                        const RestoreProgress& progress) {
  RL_ASSIGN_OR_RETURN(auto ctx, load_home(home));
  RL_ASSIGN_OR_RETURN(auto storage, open_backup_storage(ctx.cfg, ctx.genesis.suite, from));
  const auto options = storage.store_options();
  RL_ASSIGN_OR_RETURN(auto info, node_backup_info(from, options, backup_id));
  RL_TRY(check_chain_id(info, ctx.genesis.chain_id));
  say(progress, "backup " + std::to_string(info.id) + ": checking every file's checksum");
  RL_TRY(verify_node_backup_files(from, options, info.id));
  // Restored under the home, through the node's Env: never plaintext on disk when the node's
  // stores are encrypted.
  ScratchDir scratch(fs::path(ctx.cfg.path(".backup-verify-" + std::to_string(::getpid()))));
  say(progress, "checksums OK; restoring into a scratch directory to check the chain");
  RL_TRY(restore_node_backup(from, options, info.id, scratch.sub("data"), scratch.sub("audit")));
  VerifyReport r;
  r.backup = info;
  {
    RL_ASSIGN_OR_RETURN(auto chain,
                        ledger::Chain::open(scratch.sub("data"), ctx.genesis, {}, options));
    RL_ASSIGN_OR_RETURN(auto checked, ledger::check_stored_chain(*chain, [&](std::uint64_t h) {
                          say(progress, "chain checked up to block " + std::to_string(h));
                        }));
    r.height = checked.height;
    r.app_hash_hex = to_hex(checked.app_hash);
    r.block_hash_hex = to_hex(checked.block_hash);
    r.validator_handoffs = checked.validator_handoffs;
  }
  say(progress, "chain OK from genesis to block " + std::to_string(r.height) +
                    "; checking the audit log's hash chain");
  RL_ASSIGN_OR_RETURN(auto audit, identity::AuditLog::open(scratch.sub("audit"), options));
  RL_ASSIGN_OR_RETURN(r.audit_entries, audit->verify());
  return r;
}

}  // namespace rl::node
