#pragma once
// What a node needs to open its stores: with encryption at rest on (config.json "storage"), the
// KEK, the data keys it unwraps and the encrypted Env every store of the node goes through
// (docs/protection.md). Every check runs before any store is opened, so a node that refuses to
// start has changed nothing on disk.

#include <memory>

#include "config/node_config.hpp"
#include "crypto/suite.hpp"
#include "ledger/data_keys.hpp"
#include "ledger/store.hpp"

namespace rl::node {

struct NodeStorage {
  std::unique_ptr<ledger::DataKeyStore> keys;              // null: encryption at rest is off
  std::shared_ptr<const ledger::EncryptedEnv> encryption;  // null: encryption at rest is off
  ledger::StoreOptions store_options() const { return {encryption}; }
};

// Opens the KEK and the data keys of `cfg` (a fresh home gets data key 1) and checks that the
// data and audit directories are encrypted exactly when the config says so. Codes: the KEK's
// (kek_missing, kek_file_mode, kek_mismatch, pkcs11_*), data_keys_missing, bad_data_keys,
// store_encrypted (config says plaintext, the store is encrypted), store_not_encrypted (the
// reverse).
Result<NodeStorage> open_node_storage(const NodeConfig& cfg, crypto::Suite suite);

// The KEK that config.json names. Codes: as open_file_kek / open_pkcs11_kek.
Result<std::unique_ptr<crypto::KeyEncryptionKey>> open_node_kek(const NodeConfig& cfg,
                                                                crypto::Suite suite);

}  // namespace rl::node
