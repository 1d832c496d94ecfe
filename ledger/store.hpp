#pragma once
// RocksDB-backed storage with one column family per kind of data. All handles are RAII; a
// block commit is one WriteBatch written with sync=true: a crash leaves it wholly in or out.

#include <functional>
#include <memory>
#include <optional>
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

class Store {
 public:
  static Result<std::unique_ptr<Store>> open(const std::string& path);
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

 private:
  struct PrivateTag {};

 public:
  explicit Store(PrivateTag);

 private:
  rocksdb::ColumnFamilyHandle* handle(Cf cf) const;
  std::vector<std::unique_ptr<rocksdb::ColumnFamilyHandle>> handles_;
  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace rl::ledger
