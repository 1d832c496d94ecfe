#include "ledger/store.hpp"

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/slice.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include "ledger/storage_encryption.hpp"

namespace rl::ledger {
namespace {

const char* const kCfNames[] = {"default", "blocks", "commits", "tx_index",
                                "state",   "index",  "meta",    "consensus"};
static_assert(sizeof(kCfNames) / sizeof(kCfNames[0]) == static_cast<int>(Cf::kCount));

rocksdb::Slice slice(ByteView b) {
  // An empty view may have a null data pointer, which memcmp inside Slice must not see.
  return b.empty() ? rocksdb::Slice()
                   : rocksdb::Slice(reinterpret_cast<const char*>(b.data()), b.size());
}

Error db_error(const char* what, const rocksdb::Status& s) {
  return make_error("storage_error", std::string(what) + ": " + s.ToString());
}

}  // namespace

WriteBatch::WriteBatch() = default;
WriteBatch::~WriteBatch() = default;
WriteBatch::WriteBatch(WriteBatch&&) noexcept = default;
WriteBatch& WriteBatch::operator=(WriteBatch&&) noexcept = default;

void WriteBatch::put(Cf cf, ByteView key, ByteView value) {
  ops_.push_back(Op{cf, Bytes(key.begin(), key.end()), Bytes(value.begin(), value.end())});
}
void WriteBatch::del(Cf cf, ByteView key) {
  ops_.push_back(Op{cf, Bytes(key.begin(), key.end()), std::nullopt});
}
std::size_t WriteBatch::count() const {
  return ops_.size();
}

Result<std::unique_ptr<Store>> Store::open(const std::string& path, StoreOptions options) {
  auto store = std::make_unique<Store>(PrivateTag{});
  store->path_ = path;
  store->options_ = std::move(options);
  std::unique_lock lock(store->mu_);
  RL_TRY(store->open_locked());
  return store;
}

Status Store::open_locked() {
  // Checked before RocksDB sees the directory: its encrypted file system aborts the process on a
  // plaintext file instead of returning an error.
  RL_ASSIGN_OR_RETURN(auto encrypted, store_encryption_state(path_));
  if (encrypted && *encrypted && !options_.encryption) {
    return make_error("store_encrypted", path_ +
                                             " is encrypted at rest; open it with its data keys "
                                             "(config.json storage.kek_file or storage.pkcs11)");
  }
  if (encrypted && !*encrypted && options_.encryption) {
    return make_error("store_not_encrypted",
                      path_ +
                          " is a plaintext store, not encrypted by RegLedger; it cannot be "
                          "opened with encryption on");
  }
  if (options_.encryption) {
    RL_ASSIGN_OR_RETURN(std::size_t repaired, repair_headerless_files(path_, *options_.encryption));
    (void)repaired;  // each one is logged
  }
  rocksdb::Options options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.paranoid_checks = true;
  options.IncreaseParallelism(2);
  if (options_.encryption) options.env = options_.encryption->env();

  // Execution is dominated by point lookups that mostly miss (nonce/..., tx ids of new txs):
  // bloom filters in the memtable and in every SST file answer those without a search.
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  rocksdb::ColumnFamilyOptions cf_options;
  cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  cf_options.memtable_prefix_bloom_size_ratio = 0.1;
  cf_options.memtable_whole_key_filtering = true;
  // Large values (chunks of big datasets in state and the blocks that carry them, up to
  // 256 KiB each) go to blob files: compaction then moves only keys and blob references, so a
  // gigabyte of chunks does not slow the small records every block reads and writes
  // (decision 0065).
  cf_options.enable_blob_files = options_.blob_files;
  cf_options.min_blob_size = 64 * 1024;
  cf_options.enable_blob_garbage_collection = options_.blob_files;
  // Blob files are uncompressed unless told: compressed like the tables, the blocks of the
  // 1,000,000-report benchmark take 166 MB instead of 415 (docs/benchmarks.md).
  cf_options.blob_compression_type = cf_options.compression;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const char* name : kCfNames) descriptors.emplace_back(name, cf_options);
  std::vector<rocksdb::ColumnFamilyHandle*> raw_handles;
  rocksdb::DB* raw_db = nullptr;
  auto s = rocksdb::DB::Open(options, path_, descriptors, &raw_handles, &raw_db);
  if (!s.ok()) return db_error("open", s);
  db_.reset(raw_db);
  for (auto* h : raw_handles) handles_.emplace_back(h);
  return {};
}

void Store::close_locked() {
  // Column family handles must be released before the DB.
  handles_.clear();
  if (db_) {
    auto s = db_->Close();
    (void)s;
    db_.reset();
  }
}

Store::Store(PrivateTag) {}

Store::~Store() {
  std::unique_lock lock(mu_);
  close_locked();
}

rocksdb::ColumnFamilyHandle* Store::handle(Cf cf) const {
  return handles_.at(static_cast<std::size_t>(cf)).get();
}

Status Store::rewrite_all_tables() {
  std::shared_lock lock(mu_);
  rocksdb::FlushOptions fo;
  fo.wait = true;
  std::vector<rocksdb::ColumnFamilyHandle*> all;
  for (const auto& h : handles_) all.push_back(h.get());
  auto s = db_->Flush(fo, all);
  if (!s.ok()) return db_error("flush", s);
  rocksdb::CompactRangeOptions co;
  co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  co.exclusive_manual_compaction = false;  // automatic compactions go on meanwhile
  for (auto* h : all) {
    s = db_->CompactRange(co, h, nullptr, nullptr);
    if (!s.ok()) return db_error("compact", s);
  }
  return {};
}

Status Store::reopen(const std::function<Status()>& while_closed) {
  std::unique_lock lock(mu_);
  close_locked();
  Status between = while_closed ? while_closed() : Status{};
  auto reopened = open_locked();
  if (!reopened.ok()) return reopened;
  return between;
}

Status Store::with_db(const std::function<Status(rocksdb::DB&)>& fn) const {
  std::shared_lock lock(mu_);
  return fn(*db_);
}

Result<std::optional<Bytes>> Store::get(Cf cf, ByteView key) const {
  std::shared_lock lock(mu_);
  std::string value;
  auto s = db_->Get(rocksdb::ReadOptions(), handle(cf), slice(key), &value);
  if (s.IsNotFound()) return std::optional<Bytes>();
  if (!s.ok()) return db_error("get", s);
  return std::optional<Bytes>(Bytes(value.begin(), value.end()));
}

Status Store::write(WriteBatch& batch, bool sync) {
  // Column family handles outlive a reopen only under the lock: resolve them under it too.
  std::shared_lock handles_lock(mu_);
  rocksdb::WriteBatch wb;
  for (const auto& op : batch.ops_) {
    rocksdb::Status s = op.value ? wb.Put(handle(op.cf), slice(op.key), slice(*op.value))
                                 : wb.Delete(handle(op.cf), slice(op.key));
    if (!s.ok()) return db_error("batch", s);
  }
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  auto s = db_->Write(wo, &wb);
  if (!s.ok()) return db_error("write", s);
  return {};
}

Result<std::vector<std::pair<Bytes, Bytes>>> Store::scan_prefix(Cf cf, ByteView prefix,
                                                                std::size_t limit) const {
  std::vector<std::pair<Bytes, Bytes>> out;
  if (limit == 0) return out;
  RL_TRY(visit_prefix(cf, prefix, {}, [&](ByteView k, ByteView v) {
    out.emplace_back(Bytes(k.begin(), k.end()), Bytes(v.begin(), v.end()));
    return out.size() < limit;
  }));
  return out;
}

Status Store::visit_prefix(Cf cf, ByteView prefix, ByteView after, const Visitor& visit) const {
  std::shared_lock lock(mu_);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), handle(cf)));
  const bool resume = !after.empty() && slice(after).compare(slice(prefix)) >= 0;
  it->Seek(slice(resume ? after : prefix));
  if (resume && it->Valid() && it->key() == slice(after)) it->Next();
  for (; it->Valid(); it->Next()) {
    auto k = it->key();
    if (!k.starts_with(slice(prefix))) break;
    auto v = it->value();
    if (!visit(ByteView(reinterpret_cast<const std::uint8_t*>(k.data()), k.size()),
               ByteView(reinterpret_cast<const std::uint8_t*>(v.data()), v.size()))) {
      break;
    }
  }
  if (!it->status().ok()) return db_error("scan", it->status());
  return {};
}

Result<std::optional<std::pair<Bytes, Bytes>>> Store::last_with_prefix(Cf cf,
                                                                       ByteView prefix) const {
  std::shared_lock lock(mu_);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), handle(cf)));
  // The last key with the prefix sorts before the prefix's successor (prefix + 0xff... is not
  // enough for keys longer than it), so seek before the successor of the prefix.
  Bytes upper(prefix.begin(), prefix.end());
  while (!upper.empty() && upper.back() == 0xff) upper.pop_back();
  if (upper.empty()) {
    it->SeekToLast();
  } else {
    ++upper.back();
    it->SeekForPrev(slice(upper));
    if (it->Valid() && it->key() == slice(upper)) it->Prev();
  }
  std::optional<std::pair<Bytes, Bytes>> out;
  if (it->Valid() && it->key().starts_with(slice(prefix))) {
    auto k = it->key();
    auto v = it->value();
    out.emplace(Bytes(k.data(), k.data() + k.size()), Bytes(v.data(), v.data() + v.size()));
  }
  if (!it->status().ok()) return db_error("scan", it->status());
  return out;
}

}  // namespace rl::ledger
