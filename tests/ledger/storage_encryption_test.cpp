#include "ledger/storage_encryption.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "crypto/symmetric.hpp"
#include "ledger/store.hpp"
#include "storage_test_util.hpp"

namespace rl::ledger {
namespace {

using crypto::StorageCipher;
using testing::files_containing;

std::shared_ptr<KeyRing> ring_with(StorageCipher c, std::uint32_t id, Bytes key) {
  auto ring = std::make_shared<KeyRing>(c);
  EXPECT_TRUE(ring->add(id, std::move(key)).ok());
  EXPECT_TRUE(ring->set_current(id).ok());
  return ring;
}

std::shared_ptr<KeyRing> fresh_ring(StorageCipher c, std::uint32_t id = 1) {
  return ring_with(c, id, crypto::random_bytes(crypto::storage_key_size(c)));
}

const std::string kMarker = "MARKER-7f3a-confidential-report-payload";

// Values with the marker in every column family that holds report data, written so that they
// reach the WAL, then (after a reopen) SST files too.
void fill(Store& store) {
  WriteBatch batch;
  for (int i = 0; i < 200; ++i) {
    const std::string v = kMarker + "-" + std::to_string(i);
    batch.put(Cf::kBlocks, to_bytes("block-" + std::to_string(i)), to_bytes(v));
    batch.put(Cf::kState, to_bytes("rpt/" + kMarker + "/" + std::to_string(i)), to_bytes(v));
    batch.put(Cf::kIndex, to_bytes("idx/" + kMarker + std::to_string(i)), to_bytes("x"));
  }
  ASSERT_TRUE(store.write(batch).ok());
}

class StorageEncryptionTest : public testing::TempDirTest,
                              public ::testing::WithParamInterface<StorageCipher> {};

// The control: without encryption the marker is on disk, so the search below can fail.
TEST_F(StorageEncryptionTest, PlaintextStoreShowsTheMarkerOnDisk) {
  auto store = Store::open(path("db")).value();
  fill(*store);
  ASSERT_TRUE(store->reopen().ok());
  EXPECT_FALSE(files_containing(path("db"), kMarker).empty());
}

TEST_P(StorageEncryptionTest, NoFileOfAnEncryptedStoreHoldsTheMarker) {
  auto env = std::make_shared<const EncryptedEnv>(fresh_ring(GetParam()));
  auto store = Store::open(path("db"), {env}).value();
  fill(*store);
  EXPECT_TRUE(files_containing(path("db"), kMarker).empty()) << "WAL";
  ASSERT_TRUE(store->rewrite_all_tables().ok());
  ASSERT_TRUE(store->reopen().ok());
  const auto leaks = files_containing(path("db"), kMarker);
  EXPECT_TRUE(leaks.empty()) << leaks.front();
  // The store reads back what was written.
  auto got = store->get(Cf::kBlocks, to_bytes("block-7")).value();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(std::string(got->begin(), got->end()), kMarker + "-7");
  auto scanned = store->scan_prefix(Cf::kState, to_bytes("rpt/"), 1000).value();
  EXPECT_EQ(scanned.size(), 200u);
  // Every RocksDB file but its diagnostics log carries the header with key 1.
  std::size_t encrypted = 0;
  for (const auto& e : std::filesystem::directory_iterator(path("db"))) {
    const auto name = e.path().filename().string();
    if (name == "LOCK" || name.rfind("LOG", 0) == 0) continue;
    auto header = read_encrypted_file_header(e.path().string()).value();
    ASSERT_TRUE(header.has_value()) << name;
    EXPECT_EQ(header->key_id, 1u);
    EXPECT_EQ(header->cipher, GetParam());
    ++encrypted;
  }
  EXPECT_GE(encrypted, 4u);  // at least CURRENT, MANIFEST, a WAL and an SST
}

TEST_P(StorageEncryptionTest, AnotherKeyUnderTheSameIdIsRefusedByName) {
  {
    auto env = std::make_shared<const EncryptedEnv>(fresh_ring(GetParam()));
    auto store = Store::open(path("db"), {env}).value();
    fill(*store);
  }
  auto env = std::make_shared<const EncryptedEnv>(fresh_ring(GetParam()));
  auto store = Store::open(path("db"), {env});
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message.find("is not the key that encrypted"), std::string::npos)
      << store.error().message;
}

TEST_P(StorageEncryptionTest, AKeyTheRingDoesNotHoldIsRefusedByName) {
  {
    auto env = std::make_shared<const EncryptedEnv>(fresh_ring(GetParam(), 1));
    auto store = Store::open(path("db"), {env}).value();
    fill(*store);
  }
  auto env = std::make_shared<const EncryptedEnv>(fresh_ring(GetParam(), 2));
  auto store = Store::open(path("db"), {env});
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message.find("encrypted under data key 1"), std::string::npos)
      << store.error().message;
}

TEST_P(StorageEncryptionTest, APlaintextStoreOpenedWithEncryptionIsRefusedAndUnchanged) {
  {
    auto store = Store::open(path("db")).value();
    fill(*store);
  }
  auto before = files_containing(path("db"), kMarker);
  auto env = std::make_shared<const EncryptedEnv>(fresh_ring(GetParam()));
  auto store = Store::open(path("db"), {env});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, "store_not_encrypted") << store.error().message;
  // Nothing changed: the plaintext store opens as before.
  EXPECT_EQ(files_containing(path("db"), kMarker), before);
  auto plain = Store::open(path("db"));
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  auto value = (*plain)->get(Cf::kBlocks, to_bytes("block-3")).value();
  ASSERT_TRUE(value.has_value());
  EXPECT_EQ(std::string(value->begin(), value->end()), kMarker + "-3");
}

TEST_P(StorageEncryptionTest, ReencryptFileMovesItToTheCurrentKeyWithTheSameContent) {
  auto ring = fresh_ring(GetParam(), 1);
  EncryptedEnv env(ring);
  {
    auto store = Store::open(path("db"), {std::make_shared<const EncryptedEnv>(ring)}).value();
    fill(*store);
    ASSERT_TRUE(store->rewrite_all_tables().ok());
  }
  ASSERT_TRUE(ring->add(2, crypto::random_bytes(crypto::storage_key_size(GetParam()))).ok());
  ASSERT_TRUE(ring->set_current(2).ok());
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(path("db"))) {
    const auto name = e.path().filename().string();
    if (name == "LOCK" || name.rfind("LOG", 0) == 0) continue;
    files.push_back(e.path().string());
  }
  for (const auto& f : files) ASSERT_TRUE(reencrypt_file(f, env).ok()) << f;
  for (const auto& f : files) {
    EXPECT_EQ(read_encrypted_file_header(f).value()->key_id, 2u) << f;
  }
  ring->remove(1);
  auto store = Store::open(path("db"), {std::make_shared<const EncryptedEnv>(ring)});
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_EQ((*store)->scan_prefix(Cf::kState, to_bytes("rpt/"), 1000).value().size(), 200u);
}

TEST_P(StorageEncryptionTest, AnEncryptedStoreOpenedWithoutKeysIsRefused) {
  {
    auto env = std::make_shared<const EncryptedEnv>(fresh_ring(GetParam()));
    auto store = Store::open(path("db"), {env}).value();
    fill(*store);
  }
  auto store = Store::open(path("db"));
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, "store_encrypted") << store.error().message;
}

// A crash between creating a file and writing its header leaves a short file (here: a WAL cut
// to 100 bytes and an empty one); RocksDB's encrypted file system would abort on it.
TEST_P(StorageEncryptionTest, AFileCutInsideItsHeaderIsRepairedAsEmpty) {
  auto ring = fresh_ring(GetParam());
  {
    auto store = Store::open(path("db"), {std::make_shared<const EncryptedEnv>(ring)}).value();
    fill(*store);
    ASSERT_TRUE(store->rewrite_all_tables().ok());
  }
  {
    std::ofstream cut(path("db/999998.log"), std::ios::binary);
    cut << std::string(100, '\0');
    std::ofstream empty(path("db/999999.log"), std::ios::binary);
  }
  auto store = Store::open(path("db"), {std::make_shared<const EncryptedEnv>(ring)});
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_EQ((*store)->scan_prefix(Cf::kState, to_bytes("rpt/"), 1000).value().size(), 200u);
  for (const char* name : {"db/999998.log", "db/999999.log"}) {
    if (!std::filesystem::exists(path(name))) continue;  // RocksDB may delete an obsolete WAL
    auto header = read_encrypted_file_header(path(name)).value();
    EXPECT_TRUE(header.has_value()) << name;
  }
}

INSTANTIATE_TEST_SUITE_P(BothCiphers, StorageEncryptionTest,
                         ::testing::Values(StorageCipher::kAes256Ctr, StorageCipher::kSm4Ctr),
                         testing::cipher_test_name);

}  // namespace
}  // namespace rl::ledger
