#include "node/app/metrics/store_stats.hpp"

#include <rocksdb/db.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <system_error>

namespace rl::node::metrics {

Result<StoreStats> read_store_stats(const ledger::Store& store) {
  StoreStats s;
  // Aggregated over the column families; RocksDB answers these from its in-memory version set
  // (no file is read), so a scrape costs the store nothing.
  RL_TRY(store.with_db([&](rocksdb::DB& db) -> Status {
    struct Property {
      const std::string& name;
      std::uint64_t* out;
    };
    const Property props[] = {
        {rocksdb::DB::Properties::kTotalSstFilesSize, &s.sst_bytes},
        {rocksdb::DB::Properties::kTotalBlobFileSize, &s.blob_bytes},
        {rocksdb::DB::Properties::kCurSizeAllMemTables, &s.memtable_bytes},
        {rocksdb::DB::Properties::kEstimateLiveDataSize, &s.live_data_bytes},
    };
    for (const auto& p : props) {
      if (!db.GetAggregatedIntProperty(p.name, p.out)) {
        return make_error("storage_error", "rocksdb property " + p.name + " unavailable");
      }
    }
    return {};
  }));
  struct statvfs fs {};
  if (::statvfs(store.path().c_str(), &fs) != 0) {
    return make_error(
        "statvfs_failed",
        store.path() + ": " + std::error_code(errno, std::system_category()).message());
  }
  s.fs_avail_bytes = static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;
  s.fs_size_bytes = static_cast<std::uint64_t>(fs.f_blocks) * fs.f_frsize;
  return s;
}

}  // namespace rl::node::metrics
