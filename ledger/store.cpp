#include "ledger/store.hpp"

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/slice.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

namespace rl::ledger {
namespace {

const char* const kCfNames[] = {"default", "blocks", "commits", "tx_index",
                                "state",   "index",  "meta",    "consensus"};
static_assert(sizeof(kCfNames) / sizeof(kCfNames[0]) == static_cast<int>(Cf::kCount));

rocksdb::Slice slice(ByteView b) {
  return rocksdb::Slice(reinterpret_cast<const char*>(b.data()), b.size());
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

Result<std::unique_ptr<Store>> Store::open(const std::string& path) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.paranoid_checks = true;
  options.IncreaseParallelism(2);

  // Execution is dominated by point lookups that mostly miss (nonce/..., tx ids of new txs):
  // bloom filters in the memtable and in every SST file answer those without a search.
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  rocksdb::ColumnFamilyOptions cf_options;
  cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  cf_options.memtable_prefix_bloom_size_ratio = 0.1;
  cf_options.memtable_whole_key_filtering = true;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const char* name : kCfNames) descriptors.emplace_back(name, cf_options);
  std::vector<rocksdb::ColumnFamilyHandle*> raw_handles;
  rocksdb::DB* raw_db = nullptr;
  auto s = rocksdb::DB::Open(options, path, descriptors, &raw_handles, &raw_db);
  if (!s.ok()) return db_error("open", s);

  auto store = std::make_unique<Store>(PrivateTag{});
  store->db_.reset(raw_db);
  for (auto* h : raw_handles) store->handles_.emplace_back(h);
  return store;
}

Store::Store(PrivateTag) {}

Store::~Store() {
  // Column family handles must be released before the DB.
  handles_.clear();
  if (db_) {
    auto s = db_->Close();
    (void)s;
  }
}

rocksdb::ColumnFamilyHandle* Store::handle(Cf cf) const {
  return handles_.at(static_cast<std::size_t>(cf)).get();
}

Result<std::optional<Bytes>> Store::get(Cf cf, ByteView key) const {
  std::string value;
  auto s = db_->Get(rocksdb::ReadOptions(), handle(cf), slice(key), &value);
  if (s.IsNotFound()) return std::optional<Bytes>();
  if (!s.ok()) return db_error("get", s);
  return std::optional<Bytes>(Bytes(value.begin(), value.end()));
}

Status Store::write(WriteBatch& batch, bool sync) {
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

}  // namespace rl::ledger
