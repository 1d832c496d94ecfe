#pragma once
// Key rotation for encryption at rest (docs/protection.md "Key rotation"): every file of the
// node's stores and backups is re-encrypted under a new data key while the node serves, then the
// old key is destroyed.
//
//   1. A new data key becomes current (persisted first); the others are marked retiring.
//   2. Each store flushes and compacts all of its tables: every SST is written anew under the
//      new key, online.
//   3. Each store closes for a moment; the few files still under a retiring key (MANIFEST, WAL,
//      OPTIONS, CURRENT, IDENTITY) are re-encrypted one by one, each by an atomic rename; the
//      store opens again.
//   4. Every backup file under a retiring key is re-encrypted the same way.
//   5. Once no file anywhere is under a retiring key, the retiring keys are forgotten.
//
// A crash at any step leaves every file readable with the keys on disk; running the rekey again
// resumes it (step 1 is skipped while keys are retiring).

#include <functional>
#include <string>
#include <vector>

#include "ledger/data_keys.hpp"
#include "ledger/store.hpp"

namespace rl::ledger {

struct RekeyResult {
  std::uint32_t new_key = 0;
  std::vector<std::uint32_t> destroyed;
  std::size_t files_reencrypted = 0;  // in steps 3 and 4 (SSTs of step 2 are not counted)
  bool resumed = false;
};

// `stores` are open stores whose Env is `env`; `backup_dirs` are directories whose files were
// written through `env`. `progress` gets one human-readable line per step.
Result<RekeyResult> rekey(DataKeyStore& keys, const EncryptedEnv& env,
                          const std::vector<Store*>& stores,
                          const std::vector<std::string>& backup_dirs,
                          const std::function<void(const std::string&)>& progress = {});

// Files under `dirs` (recursively) encrypted under one of `key_ids`. Code: storage_error.
Result<std::vector<std::string>> files_under_keys(const std::vector<std::string>& dirs,
                                                  const std::vector<std::uint32_t>& key_ids);

}  // namespace rl::ledger
