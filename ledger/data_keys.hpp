#pragma once
// A node's data keys at rest (docs/protection.md "Key hierarchy"): HOME/data-keys.json holds
// every data key wrapped by the node's KEK, which key is current (new files are encrypted under
// it) and which are retiring (a rekey is replacing them). The file holds no secret in the clear;
// the KEK stays in its key file or token. Every change is written atomically and durably before
// it takes effect, so a crash at any point leaves a keystore that opens every file on disk.
//
// Thread ownership: one thread at a time changes the keystore (startup, then the rekey job);
// the key ring it feeds is thread-safe.

#include <memory>
#include <string>
#include <vector>

#include "crypto/key_wrap.hpp"
#include "crypto/storage_cipher.hpp"
#include "ledger/storage_encryption.hpp"

namespace rl::ledger {

inline constexpr std::size_t kMaxDataKeys = 16;

class DataKeyStore {
 public:
  // Opens `path` and unwraps every key into a new ring. A missing file is created with key 1
  // when `create` is true; otherwise it is an error (data_keys_missing). Codes: kek_mismatch
  // (the KEK did not wrap these keys), bad_data_keys (malformed, or another cipher), and the
  // KEK's codes.
  static Result<std::unique_ptr<DataKeyStore>> open(
      const std::string& path, std::shared_ptr<const crypto::KeyEncryptionKey> kek,
      crypto::StorageCipher cipher, bool create);

  std::shared_ptr<KeyRing> ring() const { return ring_; }
  const std::string& path() const { return path_; }
  std::uint32_t current_id() const { return current_; }
  std::vector<std::uint32_t> retiring() const;

  // Rekey, step 1: a new key becomes current; every other key is marked retiring. Persisted
  // before the ring changes. Returns the new key's id. Code: too_many_data_keys.
  Result<std::uint32_t> begin_rotation();
  // Rekey, last step: the retiring keys are forgotten (persisted, then dropped from the ring).
  // Call only once no file is encrypted under them.
  Status finish_rotation();
  // The keystore as stored (wrapped keys only), for a backup to carry.
  std::string to_json() const;

  struct PrivateTag {};
  DataKeyStore(PrivateTag, std::string path, std::shared_ptr<const crypto::KeyEncryptionKey> kek,
               crypto::StorageCipher cipher);

 private:
  struct Entry {
    std::uint32_t id;
    Bytes wrapped;
    bool retiring;
  };
  Status save() const;

  std::string path_;
  std::shared_ptr<const crypto::KeyEncryptionKey> kek_;
  crypto::StorageCipher cipher_;
  std::shared_ptr<KeyRing> ring_;
  std::vector<Entry> entries_;
  std::uint32_t current_ = 0;
};

}  // namespace rl::ledger
