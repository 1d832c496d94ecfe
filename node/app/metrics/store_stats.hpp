#pragma once
// How much a RocksDB store holds and how much room its filesystem has left, for /metrics (the
// "disk filling up" alert of docs/operations.md).

#include <cstdint>

#include "common/result.hpp"
#include "ledger/store.hpp"

namespace rl::node::metrics {

struct StoreStats {
  std::uint64_t sst_bytes = 0;        // table files, every column family
  std::uint64_t blob_bytes = 0;       // blob files (large values, decision 0065)
  std::uint64_t memtable_bytes = 0;   // not yet flushed
  std::uint64_t live_data_bytes = 0;  // RocksDB's estimate of what compaction would keep
  std::uint64_t fs_avail_bytes = 0;   // what an unprivileged writer may still use
  std::uint64_t fs_size_bytes = 0;
};

// Codes: storage_error (a property RocksDB does not answer), statvfs_failed.
Result<StoreStats> read_store_stats(const ledger::Store& store);

}  // namespace rl::node::metrics
