#pragma once
// Encryption at rest for every file RocksDB writes (docs/protection.md): SST, WAL, MANIFEST,
// blob, OPTIONS, CURRENT and IDENTITY files, and backups written through the same Env. Each file
// starts with a 4 KiB plaintext header naming the cipher, the id of the data key that encrypted
// it, a random IV, and a key check; the rest is the CTR encryption of RocksDB's bytes. The
// store's keys and values, and so the chain's hashes, are unchanged: nodes with different data
// keys agree on every block and app hash.
//
// Thread ownership: a KeyRing is shared by RocksDB's threads and the rekey job; every method is
// thread-safe. An open file keeps the key it was opened with, so removing a key from the ring
// does not disturb files already open.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "crypto/storage_cipher.hpp"

namespace rocksdb {
class Env;
}  // namespace rocksdb

namespace rl::ledger {

// A data key's bytes, wiped when the last holder lets go.
class DataKey {
 public:
  DataKey(std::uint32_t id, Bytes bytes);
  ~DataKey();
  DataKey(const DataKey&) = delete;
  DataKey& operator=(const DataKey&) = delete;
  std::uint32_t id() const { return id_; }
  ByteView bytes() const { return bytes_; }

 private:
  std::uint32_t id_;
  Bytes bytes_;
};

class KeyRing {
 public:
  explicit KeyRing(crypto::StorageCipher cipher) : cipher_(cipher) {}
  crypto::StorageCipher cipher() const { return cipher_; }
  // Adds a key (its size must fit the cipher: a programmer error otherwise). Replacing an id is
  // refused: two keys under one id would make files unreadable.
  Status add(std::uint32_t id, Bytes key);
  // New files are encrypted under this key. Code: unknown_data_key.
  Status set_current(std::uint32_t id);
  void remove(std::uint32_t id);
  std::shared_ptr<const DataKey> current() const;
  std::shared_ptr<const DataKey> find(std::uint32_t id) const;
  std::vector<std::uint32_t> ids() const;

 private:
  const crypto::StorageCipher cipher_;
  mutable std::shared_mutex mu_;
  std::map<std::uint32_t, std::shared_ptr<const DataKey>> keys_;  // guarded by mu_
  std::uint32_t current_ = 0;                                     // guarded by mu_; 0: none
};

// The RocksDB Env that encrypts through a key ring. Owns the Env; outlives every DB and
// BackupEngine opened with it.
class EncryptedEnv {
 public:
  explicit EncryptedEnv(std::shared_ptr<KeyRing> keys);
  ~EncryptedEnv();
  EncryptedEnv(const EncryptedEnv&) = delete;
  EncryptedEnv& operator=(const EncryptedEnv&) = delete;
  rocksdb::Env* env() const { return env_.get(); }
  KeyRing& keys() const { return *keys_; }

 private:
  std::shared_ptr<KeyRing> keys_;
  std::unique_ptr<rocksdb::Env> env_;
};

inline constexpr std::size_t kEncryptedFileHeaderBytes = 4096;

struct EncryptedFileHeader {
  crypto::StorageCipher cipher;
  std::uint32_t key_id;
};
// The header of `path`: nullopt when the file does not start like one written by EncryptedEnv
// (an unencrypted file). Codes: storage_error (cannot read).
Result<std::optional<EncryptedFileHeader>> read_encrypted_file_header(const std::string& path);

// Whether the RocksDB directory `dir` is encrypted, judged by its CURRENT file (the first file a
// store writes and the first it reads): nullopt when there is no store there yet.
// Code: storage_error.
Result<std::optional<bool>> store_encryption_state(const std::string& dir);

// RocksDB's encrypted file system asserts (aborts) on a file shorter than the header. A crash
// between creating a file and writing its header leaves such a file; it holds no data (data is
// appended only after the header), so it is rewritten as an empty encrypted file. Returns how
// many were repaired. Run on a closed store only. Code: storage_error.
Result<std::size_t> repair_headerless_files(const std::string& dir, const EncryptedEnv& env);

// Rewrites one closed, immutable file (a backup file; an old OPTIONS or IDENTITY file) under
// the ring's current key: decrypt, encrypt into a temporary file beside it, fsync, rename over
// it, fsync the directory. A crash leaves either the old or the new file, both readable while
// both keys are in the ring. Codes: unknown_data_key, storage_error.
Status reencrypt_file(const std::string& path, const EncryptedEnv& env);

// The name a temporary file of reencrypt_file has; leftovers of a crash are removed by it too.
bool is_reencrypt_temp_name(const std::string& filename);

}  // namespace rl::ledger
