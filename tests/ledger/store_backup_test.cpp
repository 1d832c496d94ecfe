#include "ledger/store_backup.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <thread>

#include "common/file_io.hpp"
#include "crypto/key_wrap.hpp"
#include "crypto/symmetric.hpp"
#include "ledger/data_keys.hpp"
#include "ledger/rekey.hpp"
#include "ledger/storage_encryption.hpp"
#include "storage_test_util.hpp"

namespace rl::ledger {
namespace {

namespace fs = std::filesystem;
using crypto::StorageCipher;
using testing::files_containing;

const std::string kMarker = "MARKER-backup-5c21-confidential-report";

StoreOptions encrypted_options() {
  auto ring = std::make_shared<KeyRing>(StorageCipher::kAes256Ctr);
  EXPECT_TRUE(
      ring->add(1, crypto::random_bytes(crypto::storage_key_size(StorageCipher::kAes256Ctr))).ok());
  EXPECT_TRUE(ring->set_current(1).ok());
  return StoreOptions{std::make_shared<const EncryptedEnv>(ring)};
}

std::string key_of(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "rpt/%08d", i);
  return buf;
}
std::string value_of(int i) {
  return kMarker + "-" + std::to_string(i) + std::string(200, 'v');
}

// Batch i writes report i and, in the same batch, "last" = i: a restored store whose "last" is
// L must hold reports 0..L and nothing after.
Status write_report(Store& store, int i) {
  WriteBatch b;
  b.put(Cf::kState, to_bytes(key_of(i)), to_bytes(value_of(i)));
  b.put(Cf::kMeta, to_bytes("last"), to_bytes(std::to_string(i)));
  return store.write(b, /*sync=*/false);
}

void fill(Store& store, int n) {
  for (int i = 0; i < n; ++i) ASSERT_TRUE(write_report(store, i).ok());
}

std::optional<std::string> get(const Store& store, Cf cf, const std::string& key) {
  auto v = store.get(cf, to_bytes(key)).value();
  if (!v) return std::nullopt;
  return std::string(v->begin(), v->end());
}

void flip_byte(const std::string& path, std::size_t offset) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  ASSERT_TRUE(f.good()) << path;
  f.seekg(static_cast<std::streamoff>(offset));
  char c = 0;
  f.read(&c, 1);
  ASSERT_TRUE(f.good()) << path << " shorter than " << offset;
  c = static_cast<char>(c ^ 0x01);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(&c, 1);
}

// The first file under `dir` whose name contains `part`.
std::string first_file_named(const std::string& dir, const std::string& part) {
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().filename().string().find(part) != std::string::npos) {
      return e.path().string();
    }
  }
  return {};
}

class StoreBackupTest : public testing::TempDirTest {};

TEST_F(StoreBackupTest, ABackupTakenWhileAnotherThreadWritesRestoresAPrefixOfTheWrites) {
  const auto opts = encrypted_options();
  auto store = Store::open(path("db"), opts).value();
  std::atomic<int> written{0};
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      if (!write_report(*store, i).ok()) return;
      written = i + 1;
    }
  });
  while (written < 3000) std::this_thread::yield();
  const int before = written;
  auto info = create_store_backup(*store, path("backups"), "{}");
  const int after = written;
  stop = true;
  writer.join();
  ASSERT_TRUE(info.ok()) << info.error().to_string();
  ASSERT_GT(after, before) << "the writer kept writing during the backup";

  ASSERT_TRUE(restore_store_backup(path("backups"), opts, info->id, path("restored")).ok());
  auto restored = Store::open(path("restored"), opts).value();
  const int last = std::stoi(get(*restored, Cf::kMeta, "last").value());
  // Every write done before the backup began is in it; none begun after it ended is.
  EXPECT_GE(last, before - 1);
  EXPECT_LT(last, after);
  // Exactly the prefix 0..last, each value whole.
  auto all = restored->scan_prefix(Cf::kState, to_bytes("rpt/"), 1'000'000).value();
  ASSERT_EQ(all.size(), static_cast<std::size_t>(last + 1));
  for (int i = 0; i <= last; ++i) {
    ASSERT_EQ(std::string(all[i].first.begin(), all[i].first.end()), key_of(i));
    ASSERT_EQ(std::string(all[i].second.begin(), all[i].second.end()), value_of(i));
  }
}

TEST_F(StoreBackupTest, MetadataTravelsWithTheBackupAndIdsIncrease) {
  auto store = Store::open(path("db")).value();
  fill(*store, 10);
  auto a = create_store_backup(*store, path("backups"), R"({"height":10})").value();
  fill(*store, 20);
  auto b = create_store_backup(*store, path("backups"), R"({"height":20})").value();
  EXPECT_LT(a.id, b.id);
  auto listed = list_store_backups(path("backups"), {}).value();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].app_metadata, R"({"height":10})");
  EXPECT_EQ(listed[1].app_metadata, R"({"height":20})");
  EXPECT_GT(listed[1].files, 0u);
  auto missing = store_backup_info(path("backups"), {}, 99);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "backup_not_found");
  auto nothing = verify_store_backup(path("nowhere"), {}, 1);
  ASSERT_FALSE(nothing.ok());
  EXPECT_EQ(nothing.error().code, "backup_not_found");
  EXPECT_TRUE(list_store_backups(path("nowhere"), {}).value().empty());
}

TEST_F(StoreBackupTest, RetentionKeepsTheNewestN) {
  const auto opts = encrypted_options();
  auto store = Store::open(path("db"), opts).value();
  std::vector<std::uint32_t> ids;
  for (int round = 0; round < 5; ++round) {
    fill(*store, 50 * (round + 1));
    ids.push_back(create_store_backup(*store, path("backups"), "{}").value().id);
  }
  auto deleted = purge_store_backups(path("backups"), opts, 2).value();
  EXPECT_EQ(deleted, (std::vector<std::uint32_t>{ids[0], ids[1], ids[2]}));
  auto listed = list_store_backups(path("backups"), opts).value();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].id, ids[3]);
  EXPECT_EQ(listed[1].id, ids[4]);
  EXPECT_FALSE(fs::exists(path("backups/seal/" + std::to_string(ids[0]))));
  // What is kept still verifies and restores in full.
  ASSERT_TRUE(verify_store_backup(path("backups"), opts, ids[3]).ok());
  ASSERT_TRUE(restore_store_backup(path("backups"), opts, ids[4], path("restored")).ok());
  auto restored = Store::open(path("restored"), opts).value();
  EXPECT_EQ(get(*restored, Cf::kMeta, "last"), std::optional<std::string>("249"));
}

// The control: a plaintext store's backup holds the marker, so the search below can fail.
TEST_F(StoreBackupTest, APlaintextBackupShowsTheMarker) {
  auto store = Store::open(path("db")).value();
  fill(*store, 100);
  ASSERT_TRUE(create_store_backup(*store, path("backups"), "{}").ok());
  EXPECT_FALSE(files_containing(path("backups"), kMarker).empty());
}

TEST_F(StoreBackupTest, NoFileOfAnEncryptedBackupHoldsTheMarker) {
  const auto opts = encrypted_options();
  auto store = Store::open(path("db"), opts).value();
  fill(*store, 100);
  // Half flushed to SST by a first backup, half in the WAL tail of the second.
  ASSERT_TRUE(create_store_backup(*store, path("backups"), "{\"note\":\"" + kMarker + "\"}").ok());
  for (int i = 100; i < 200; ++i) ASSERT_TRUE(write_report(*store, i).ok());
  ASSERT_TRUE(create_store_backup(*store, path("backups"), "{}").ok());
  const auto leaks = files_containing(path("backups"), kMarker);
  EXPECT_TRUE(leaks.empty()) << leaks.front();
  std::size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(path("backups"))) {
    if (!e.is_regular_file()) continue;
    auto header = read_encrypted_file_header(e.path().string()).value();
    EXPECT_TRUE(header.has_value()) << e.path();
    ++files;
  }
  EXPECT_GE(files, 5u);  // meta files, seals, SSTs, MANIFEST, CURRENT...
}

TEST_F(StoreBackupTest, RestoreRefusesANonEmptyTargetAndLeavesItAlone) {
  const auto opts = encrypted_options();
  auto store = Store::open(path("db"), opts).value();
  fill(*store, 10);
  auto info = create_store_backup(*store, path("backups"), "{}").value();
  fs::create_directories(path("target"));
  ASSERT_TRUE(write_file(path("target/keep-me"), "x").ok());
  auto r = restore_store_backup(path("backups"), opts, info.id, path("target"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "restore_target_not_empty");
  EXPECT_EQ(read_file(path("target/keep-me")).value(), "x");
  EXPECT_EQ(std::distance(fs::directory_iterator(path("target")), fs::directory_iterator()), 1);
  // An empty directory is fine.
  fs::create_directories(path("empty"));
  ASSERT_TRUE(restore_store_backup(path("backups"), opts, info.id, path("empty")).ok());
  EXPECT_TRUE(fs::exists(path("empty/CURRENT")));
}

enum class Flip { kSst, kMeta, kSeal, kManifest };
std::string flip_name(Flip f) {
  switch (f) {
    case Flip::kSst:
      return "Sst";
    case Flip::kMeta:
      return "Meta";
    case Flip::kSeal:
      return "Seal";
    case Flip::kManifest:
      return "Manifest";
  }
  return "?";
}

class FlippedByteTest : public testing::TempDirTest, public ::testing::WithParamInterface<Flip> {};

TEST_P(FlippedByteTest, VerifyAndRestoreRefuseAndTheTargetStaysEmpty) {
  const auto opts = encrypted_options();
  auto store = Store::open(path("db"), opts).value();
  fill(*store, 500);
  auto info = create_store_backup(*store, path("backups"), "{}").value();
  ASSERT_TRUE(verify_store_backup(path("backups"), opts, info.id).ok());

  std::string victim;
  switch (GetParam()) {
    case Flip::kSst:
      victim = first_file_named(path("backups/shared_checksum"), ".sst");
      break;
    case Flip::kMeta:
      victim = path("backups/meta/" + std::to_string(info.id));
      break;
    case Flip::kSeal:
      victim = path("backups/seal/" + std::to_string(info.id));
      break;
    case Flip::kManifest:
      victim = first_file_named(path("backups/private/" + std::to_string(info.id)), "MANIFEST-");
      break;
  }
  ASSERT_TRUE(fs::exists(victim)) << victim;
  const auto size = fs::file_size(victim);
  ASSERT_GT(size, kEncryptedFileHeaderBytes) << victim;
  // A byte of the body (the header's zero padding carries nothing to corrupt).
  flip_byte(victim, kEncryptedFileHeaderBytes + (size - kEncryptedFileHeaderBytes) / 2);

  auto verified = verify_store_backup(path("backups"), opts, info.id);
  ASSERT_FALSE(verified.ok()) << victim;
  EXPECT_EQ(verified.error().code, "backup_corrupt") << verified.error().message;
  auto restored = restore_store_backup(path("backups"), opts, info.id, path("restored"));
  ASSERT_FALSE(restored.ok());
  EXPECT_EQ(restored.error().code, "backup_corrupt") << restored.error().message;
  EXPECT_FALSE(fs::exists(path("restored")));
  EXPECT_FALSE(fs::exists(path("restored.restoring")));
}

INSTANTIATE_TEST_SUITE_P(Files, FlippedByteTest,
                         ::testing::Values(Flip::kSst, Flip::kMeta, Flip::kSeal, Flip::kManifest),
                         [](const auto& info) { return flip_name(info.param); });

TEST_F(StoreBackupTest, ABackupSurvivesARekeyAndRestoresOnceTheOldKeyIsDestroyed) {
  ASSERT_TRUE(crypto::create_file_kek(path("kek")).ok());
  auto kek = std::shared_ptr<const crypto::KeyEncryptionKey>(
      crypto::open_file_kek(path("kek"), crypto::Suite::kP256Sha256).value());
  auto keys =
      DataKeyStore::open(path("data-keys.json"), kek, StorageCipher::kAes256Ctr, true).value();
  auto env = std::make_shared<const EncryptedEnv>(keys->ring());
  const StoreOptions opts{env};
  auto store = Store::open(path("db"), opts).value();
  fill(*store, 300);
  auto info = create_store_backup(*store, path("backups"), "{}").value();
  ASSERT_FALSE(files_under_keys({path("backups")}, {1}).value().empty());

  auto r = rekey(*keys, *env, {store.get()}, {path("backups")});
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->destroyed, std::vector<std::uint32_t>{1});
  EXPECT_EQ(keys->ring()->find(1), nullptr);
  EXPECT_TRUE(files_under_keys({path("backups")}, {1}).value().empty());

  ASSERT_TRUE(verify_store_backup(path("backups"), opts, info.id).ok());
  ASSERT_TRUE(restore_store_backup(path("backups"), opts, info.id, path("restored")).ok());
  auto restored = Store::open(path("restored"), opts).value();
  EXPECT_EQ(get(*restored, Cf::kMeta, "last"), std::optional<std::string>("299"));
  EXPECT_EQ(get(*restored, Cf::kState, key_of(7)), std::optional<std::string>(value_of(7)));
}

// The keystore copy a node backup carries (node/app/node_backup writes DataKeyStore::to_json()
// beside the backups): one byte flipped in a wrapped key and the copy opens no backup file.
TEST_F(StoreBackupTest, AKeystoreCopyWithOneByteFlippedIsRefused) {
  ASSERT_TRUE(crypto::create_file_kek(path("kek")).ok());
  auto kek = std::shared_ptr<const crypto::KeyEncryptionKey>(
      crypto::open_file_kek(path("kek"), crypto::Suite::kP256Sha256).value());
  auto keys =
      DataKeyStore::open(path("data-keys.json"), kek, StorageCipher::kAes256Ctr, true).value();
  auto store =
      Store::open(path("db"), {std::make_shared<const EncryptedEnv>(keys->ring())}).value();
  fill(*store, 10);
  ASSERT_TRUE(create_store_backup(*store, path("backups"), "{}").ok());
  const std::string copy = path("backups/data-keys.json");
  ASSERT_TRUE(write_file_atomic(copy, keys->to_json(), true).ok());
  ASSERT_TRUE(DataKeyStore::open(copy, kek, StorageCipher::kAes256Ctr, false).ok());

  // A digit in the middle of the wrapped key (its ciphertext, past the format bytes), flipped to
  // another digit: still hex, still well-formed, no longer what the KEK wrapped.
  const std::string text = read_file(copy).value();
  const auto wrapped = text.find("\"wrapped\"");
  ASSERT_NE(wrapped, std::string::npos);
  const auto begin = text.find('"', wrapped + 10) + 1;
  const auto end = text.find('"', begin);
  const auto digit = text.find_first_of("0123456789", begin + (end - begin) / 2);
  ASSERT_LT(digit, end);
  flip_byte(copy, digit);
  const std::string flipped = read_file(copy).value();
  ASSERT_NE(flipped, text);
  auto reopened = DataKeyStore::open(copy, kek, StorageCipher::kAes256Ctr, false);
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.error().code, "kek_mismatch");
  EXPECT_EQ(read_file(copy).value(), flipped) << "opening never rewrites the copy";
}

}  // namespace
}  // namespace rl::ledger
