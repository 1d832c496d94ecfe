#pragma once
// RocksDB-backed storage with one column family per kind of data. All handles are RAII; a
// block commit is one WriteBatch written with sync=true: a crash leaves it wholly in or out.

#include <functional>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "common/bytes.hpp"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
}  // namespace rocksdb

namespace rl::ledger {

enum class Cf : int {
  kDefault = 0,
  kBlocks,     // u64be height -> Block bytes
  kCommits,    // u64be height -> CommitCertificate bytes that committed it
  kTxIndex,    // tx id -> TxLocation
  kState,      // world state, see state_keys.hpp
  kIndex,      // secondary indexes (reports by org / template+period)
  kMeta,       // chain head: height, block hash, app hash, genesis hash
  kConsensus,  // signer safety state
  kCount
};

class WriteBatch {
 public:
  WriteBatch();
  ~WriteBatch();
  WriteBatch(WriteBatch&&) noexcept;
  WriteBatch& operator=(WriteBatch&&) noexcept;
  void put(Cf cf, ByteView key, ByteView value);
  void del(Cf cf, ByteView key);
  std::size_t count() const;

 private:
  friend class Store;
  // Column family handles are resolved at write time by Store, so a batch can be built
  // without access to the database.
  struct Op {
    Cf cf;
    Bytes key;
    std::optional<Bytes> value;
  };
  std::vector<Op> ops_;
};

class EncryptedEnv;

struct StoreOptions {
  // Every file of the store is encrypted through this Env (storage_encryption.hpp); null: the
  // store is plaintext. Shared: backups and the rekey job use the same Env.
  std::shared_ptr<const EncryptedEnv> encryption;
  // Values of 64 KiB or more in blob files (decision 0065). Off only to measure what they save
  // (bench/ledger/chunk_store_bench).
  bool blob_files = true;
};

// Thread ownership: every method may be called from any thread. reopen() waits for the calls in
// progress and holds new ones back until the store is open again.
class Store {
 public:
  static Result<std::unique_ptr<Store>> open(const std::string& path, StoreOptions options = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  Result<std::optional<Bytes>> get(Cf cf, ByteView key) const;
  // Atomic, durable write (fsync'd WAL).
  Status write(WriteBatch& batch, bool sync = true);
  // Keys with `prefix`, in order, at most `limit`; returns (key, value) pairs.
  Result<std::vector<std::pair<Bytes, Bytes>>> scan_prefix(Cf cf, ByteView prefix,
                                                           std::size_t limit) const;
  // Keys with `prefix` that sort after `after` (empty: all of them), in order, until `visit`
  // returns false. `visit` must not write to the store.
  using Visitor = std::function<bool(ByteView key, ByteView value)>;
  Status visit_prefix(Cf cf, ByteView prefix, ByteView after, const Visitor& visit) const;
  // The last (key, value) with `prefix`, if any.
  Result<std::optional<std::pair<Bytes, Bytes>>> last_with_prefix(Cf cf, ByteView prefix) const;

  const std::string& path() const { return path_; }
  const StoreOptions& options() const { return options_; }

  // Rekey support (docs/protection.md): flushes every memtable and rewrites every SST file by a
  // forced full compaction, so every table is written anew through the store's Env.
  Status rewrite_all_tables();
  // Closes and opens the database again (a new MANIFEST, WAL and OPTIONS file), running
  // `while_closed` in between. Calls made meanwhile wait.
  Status reopen(const std::function<Status()>& while_closed = {});
  // For ledger/store_backup.cpp: runs `fn` with the open database, holding reopen() back.
  Status with_db(const std::function<Status(rocksdb::DB&)>& fn) const;

 private:
  struct PrivateTag {};

 public:
  explicit Store(PrivateTag);

 private:
  Status open_locked();
  void close_locked();
  rocksdb::ColumnFamilyHandle* handle(Cf cf) const;

  std::string path_;
  StoreOptions options_;
  // Shared by every read and write, exclusive for reopen(): db_ and handles_ change only then.
  mutable std::shared_mutex mu_;
  std::vector<std::unique_ptr<rocksdb::ColumnFamilyHandle>> handles_;
  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace rl::ledger
