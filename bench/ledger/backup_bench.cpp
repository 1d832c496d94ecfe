// Backup and restore speed (docs/protection.md "Backups and restore: runbook"): a store of
// report-like values (~1 KB capital-adequacy JSON, the notes field random hex so compression does
// not flatter the figures) is backed up into a fresh backup directory (a full backup, not an
// incremental one) and restored into an empty directory, --runs times, plaintext and encrypted
// (AES-256-CTR through EncryptedEnv). Prints the median MB/s of each over the backup's payload
// bytes. A backup is a flush and a copy; a restore verifies every checksum first, as
// `regledgerd restore` does, then copies. Not a test: `make bench` runs it.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "bench/common/must.hpp"
#include "bench/common/stats.hpp"
#include "bench/common/temp_dir.hpp"
#include "common/logging.hpp"
#include "crypto/storage_cipher.hpp"
#include "crypto/symmetric.hpp"
#include "ledger/storage_encryption.hpp"
#include "ledger/store.hpp"
#include "ledger/store_backup.hpp"

namespace {

namespace fs = std::filesystem;
constexpr const char* kProgram = "backup_bench";
using rl::bench::must;

std::string report_value(std::mt19937_64& rng, int i, int value_bytes) {
  static const char* hex = "0123456789abcdef";
  std::string v = R"({"institution":"bank-)" + std::to_string(i % 200) +
                  R"(","period":"2026-Q3","cet1_ratio":14.2,"total_capital":)" + std::to_string(i) +
                  R"(,"notes":")";
  while (static_cast<int>(v.size()) < value_bytes - 2) v.push_back(hex[rng() & 15]);
  v += "\"}";
  return v;
}

void fill(rl::ledger::Store& store, std::uint64_t bytes, int value_bytes) {
  std::mt19937_64 rng(7);
  const int n = static_cast<int>(bytes / static_cast<std::uint64_t>(value_bytes));
  for (int i = 0; i < n;) {
    rl::ledger::WriteBatch batch;
    for (int k = 0; k < 1000 && i < n; ++k, ++i) {
      char key[32];
      std::snprintf(key, sizeof key, "rpt/%010d", i);
      batch.put(rl::ledger::Cf::kState, rl::to_bytes(key),
                rl::to_bytes(report_value(rng, i, value_bytes)));
    }
    must(kProgram, store.write(batch, /*sync=*/false), "fill");
  }
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

void measure(const char* label, const rl::ledger::StoreOptions& options, std::uint64_t bytes,
             int value_bytes, int runs) {
  rl::bench::TempDir dir("rl-backup-bench-");
  auto store =
      must(kProgram, rl::ledger::Store::open((dir.path() / "db").string(), options), "open store");
  fill(*store, bytes, value_bytes);
  std::vector<double> backup_mbps;
  std::vector<double> restore_mbps;
  std::uint64_t payload = 0;
  for (int r = 0; r < runs; ++r) {
    const auto backups = (dir.path() / ("backups-" + std::to_string(r))).string();
    const auto target = (dir.path() / ("restored-" + std::to_string(r))).string();
    auto t = std::chrono::steady_clock::now();
    auto info = must(kProgram, rl::ledger::create_store_backup(*store, backups, "{}"), "backup");
    const double backup_s = seconds_since(t);
    payload = info.bytes;
    t = std::chrono::steady_clock::now();
    must(kProgram, rl::ledger::restore_store_backup(backups, options, info.id, target), "restore");
    const double restore_s = seconds_since(t);
    const double mb = static_cast<double>(info.bytes) / 1e6;
    backup_mbps.push_back(mb / backup_s);
    restore_mbps.push_back(mb / restore_s);
    fs::remove_all(backups);
    fs::remove_all(target);
  }
  std::printf(
      "%-10s store %.0f MB (backup payload)  backup %.0f MB/s  restore (verify + copy) %.0f MB/s"
      "  (median of %d)\n",
      label, static_cast<double>(payload) / 1e6, rl::bench::median(backup_mbps),
      rl::bench::median(restore_mbps), runs);
}

}  // namespace

int main(int argc, char** argv) {
  int mb = 300;
  int value_bytes = 1024;
  int runs = 5;
  CLI::App app{"Backup and restore speed of one store, plaintext and encrypted, in MB/s"};
  app.add_option("--mb", mb, "Bytes of values written into the store, in MB")
      ->check(CLI::PositiveNumber);
  app.add_option("--value-bytes", value_bytes, "Bytes per report-like value")
      ->check(CLI::Range(64, 1 << 20));
  app.add_option("--runs", runs, "Backup + restore runs per mode")->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  rl::init_logging(kProgram, "warn");

  const std::uint64_t bytes = static_cast<std::uint64_t>(mb) * 1'000'000;
  measure("plaintext", {}, bytes, value_bytes, runs);
  auto ring = std::make_shared<rl::ledger::KeyRing>(rl::crypto::StorageCipher::kAes256Ctr);
  must(kProgram,
       ring->add(1, rl::crypto::random_bytes(
                        rl::crypto::storage_key_size(rl::crypto::StorageCipher::kAes256Ctr))),
       "data key");
  must(kProgram, ring->set_current(1), "data key");
  measure("encrypted", {std::make_shared<const rl::ledger::EncryptedEnv>(ring)}, bytes, value_bytes,
          runs);
  return 0;
}
