#include "node/app/node_storage.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>

namespace rl::node {

Result<std::unique_ptr<crypto::KeyEncryptionKey>> open_node_kek(const NodeConfig& cfg,
                                                                crypto::Suite suite) {
  if (!cfg.kek_file.empty()) return crypto::open_file_kek(cfg.path(cfg.kek_file), suite);
  return crypto::open_pkcs11_kek(crypto::Pkcs11KekConfig{
      .module = cfg.pkcs11_module,
      .token_label = cfg.pkcs11_token,
      .pin_file = cfg.path(cfg.pkcs11_pin_file),
      .key_label = cfg.pkcs11_key_label,
  });
}

Result<NodeStorage> open_node_storage(const NodeConfig& cfg, crypto::Suite suite) {
  bool any_store = false;
  for (const auto& dir : {cfg.path(cfg.data_dir), cfg.path(cfg.audit_dir)}) {
    RL_ASSIGN_OR_RETURN(auto encrypted, ledger::store_encryption_state(dir));
    if (!encrypted) continue;
    any_store = true;
    if (*encrypted && !cfg.storage_encrypted()) {
      return make_error("store_encrypted",
                        dir +
                            " is encrypted at rest, but config.json has no storage.kek_file "
                            "or storage.pkcs11 to open it with");
    }
    if (!*encrypted && cfg.storage_encrypted()) {
      return make_error("store_not_encrypted",
                        dir +
                            " holds a plaintext store, but config.json turns encryption at "
                            "rest on; restore an encrypted backup or start from an empty home");
    }
  }
  NodeStorage out;
  if (!cfg.storage_encrypted()) {
    spdlog::warn(
        "storage encryption is off: the data directory is plaintext on disk "
        "(config.json storage.kek_file or storage.pkcs11 turns it on)");
    return out;
  }
  RL_ASSIGN_OR_RETURN(std::shared_ptr<const crypto::KeyEncryptionKey> kek,
                      open_node_kek(cfg, suite));
  // A keystore is created only for a home without stores: for an existing encrypted store, a
  // missing keystore means its keys are lost, and a new one would not open it.
  RL_ASSIGN_OR_RETURN(out.keys,
                      ledger::DataKeyStore::open(cfg.path(cfg.data_keys_file), kek,
                                                 crypto::storage_cipher_for(suite), !any_store));
  out.encryption = std::make_shared<const ledger::EncryptedEnv>(out.keys->ring());
  spdlog::info("storage encryption on cipher={} kek={} data_key={} retiring={}",
               crypto::storage_cipher_name(crypto::storage_cipher_for(suite)), kek->describe(),
               out.keys->current_id(), out.keys->retiring().size());
  return out;
}

}  // namespace rl::node
