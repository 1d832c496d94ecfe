// What RocksDB blob files save the rest of the node when large datasets are stored (issue #16:
// "chunk storage must not make the rest of the node slow"; decision 0065). One process, the
// node's own ledger::Store on a temp directory, no consensus:
//
//   load      --chunks-mb of 256 KiB chunk values (random bytes, like compressed or varied data)
//             into the state column family, each write batch also carrying --small-per-chunk
//             records of ~150 bytes (what report, nonce and index records look like), not synced
//             (the node syncs once per block);
//   compact   a full flush and compaction of every column family (what background compaction
//             does over time), timed;
//   reads     --reads random point lookups of the small records, p50/p99 in microseconds;
//   written   bytes the process wrote to disk over load + compact (/proc/self/io write_bytes):
//             the write amplification compaction adds.
//
// Runs "blob" (StoreOptions::blob_files, the default) and "inline" (values in the SST files) and
// prints each and the ratios. Nothing here asserts on time.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "bench/common/must.hpp"
#include "bench/common/stats.hpp"
#include "bench/common/temp_dir.hpp"
#include "ledger/store.hpp"

namespace {

constexpr const char* kProgram = "chunk_store_bench";
using rl::Bytes;
using rl::ledger::Cf;

struct Args {
  std::size_t chunks_mb = 512;
  std::size_t small_per_chunk = 100;
  std::size_t reads = 20000;
};

struct Run {
  double load_s = 0, compact_s = 0, p50_us = 0, p99_us = 0, written_mb = 0;
};

std::uint64_t process_write_bytes() {
  std::ifstream in("/proc/self/io");
  std::string key;
  std::uint64_t value = 0;
  while (in >> key >> value) {
    if (key == "write_bytes:") return value;
  }
  return 0;
}

Bytes small_key(std::size_t i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "rpt/%012zu", i);
  return rl::to_bytes(std::string(buf));
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

Run run(const Args& a, bool blob) {
  rl::bench::TempDir dir("rl-chunk-store-");
  rl::ledger::StoreOptions options;
  options.blob_files = blob;
  auto store =
      rl::bench::must(kProgram, rl::ledger::Store::open(dir.path().string(), options), "open");
  std::mt19937_64 rng(42);
  const std::size_t chunks = a.chunks_mb * 4;  // 256 KiB each
  Bytes chunk(256 * 1024);
  Bytes small(150);
  Run r;
  const auto written0 = process_write_bytes();
  auto t = std::chrono::steady_clock::now();
  std::size_t small_count = 0;
  for (std::size_t c = 0; c < chunks; ++c) {
    for (auto& b : chunk) b = static_cast<std::uint8_t>(rng());
    rl::ledger::WriteBatch batch;
    char key[48];
    std::snprintf(key, sizeof key, "chunkdata/bank-a/%016zx", c);
    batch.put(Cf::kState, rl::to_bytes(std::string(key)), chunk);
    for (std::size_t i = 0; i < a.small_per_chunk; ++i) {
      for (auto& b : small) b = static_cast<std::uint8_t>('a' + rng() % 26);
      batch.put(Cf::kState, small_key(small_count++), small);
    }
    rl::bench::must(kProgram, store->write(batch, /*sync=*/false), "write");
  }
  r.load_s = seconds_since(t);
  t = std::chrono::steady_clock::now();
  rl::bench::must(kProgram, store->rewrite_all_tables(), "compact");
  r.compact_s = seconds_since(t);
  r.written_mb = static_cast<double>(process_write_bytes() - written0) / 1e6;
  std::vector<double> us;
  us.reserve(a.reads);
  for (std::size_t i = 0; i < a.reads; ++i) {
    const auto key = small_key(rng() % small_count);
    const auto t0 = std::chrono::steady_clock::now();
    auto v = rl::bench::must(kProgram, store->get(Cf::kState, key), "get");
    us.push_back(seconds_since(t0) * 1e6);
    if (!v) std::abort();
  }
  std::sort(us.begin(), us.end());
  r.p50_us = rl::bench::median(us);
  r.p99_us = us[us.size() * 99 / 100];
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  CLI::App app{
      "What blob files save the node when large datasets are stored: load chunks and small "
      "records, compact, then time point reads of the small records; blob files on and off"};
  app.add_option("--chunks-mb", a.chunks_mb, "Chunk data to load, MB (256 KiB values)")
      ->check(CLI::Range(1, 65536));
  app.add_option("--small-per-chunk", a.small_per_chunk, "Small records written with each chunk")
      ->check(CLI::Range(0, 100000));
  app.add_option("--reads", a.reads, "Point reads of small records")
      ->check(CLI::Range(100, 10000000));
  CLI11_PARSE(app, argc, argv);
  std::printf("chunk_store_bench: %zu MB of 256 KiB chunks, %zu small records each, %zu reads\n",
              a.chunks_mb, a.small_per_chunk, a.reads);
  std::printf("%-7s %9s %11s %12s %13s %13s\n", "values", "load s", "compact s", "written MB",
              "get p50 us", "get p99 us");
  Run on = run(a, true), off = run(a, false);
  for (const auto& [name, r] : {std::pair{"blob", on}, std::pair{"inline", off}}) {
    std::printf("%-7s %9.2f %11.2f %12.0f %13.1f %13.1f\n", name, r.load_s, r.compact_s,
                r.written_mb, r.p50_us, r.p99_us);
  }
  std::printf("blob / inline: load %.2f, compact %.2f, written %.2f, get p50 %.2f, get p99 %.2f\n",
              on.load_s / off.load_s, on.compact_s / off.compact_s, on.written_mb / off.written_mb,
              on.p50_us / off.p50_us, on.p99_us / off.p99_us);
  return 0;
}
