// Backups of an SM2 network's store (SM4-CTR at rest): the same guarantees as the AES-256 ones
// in store_backup_test.cpp: no plaintext in any backup file, a round trip that restores every
// value, and one flipped byte refused by verify and by restore with the target left alone.
#include <gtest/gtest.h>

#include <fstream>

#include "crypto/symmetric.hpp"
#include "ledger/storage_encryption.hpp"
#include "ledger/store.hpp"
#include "ledger/store_backup.hpp"
#include "storage_test_util.hpp"

namespace rl::ledger {
namespace {

namespace fs = std::filesystem;
using crypto::StorageCipher;
using testing::files_containing;

const std::string kMarker = "MARKER-sm4-backup-0d7e";

class Sm4BackupTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    auto ring = std::make_shared<KeyRing>(StorageCipher::kSm4Ctr);
    ASSERT_TRUE(
        ring->add(1, crypto::random_bytes(crypto::storage_key_size(StorageCipher::kSm4Ctr))).ok());
    ASSERT_TRUE(ring->set_current(1).ok());
    opts_ = StoreOptions{std::make_shared<const EncryptedEnv>(ring)};
    store_ = Store::open(path("db"), opts_).value();
    WriteBatch batch;
    for (int i = 0; i < 300; ++i) {
      batch.put(Cf::kState, to_bytes("rpt/" + std::to_string(i)),
                to_bytes(kMarker + "-" + std::to_string(i)));
    }
    ASSERT_TRUE(store_->write(batch).ok());
  }

  StoreOptions opts_;
  std::unique_ptr<Store> store_;
};

TEST_F(Sm4BackupTest, NoPlaintextOnDiskAndARoundTripRestoresEveryValue) {
  auto info = create_store_backup(*store_, path("backups"), "{}");
  ASSERT_TRUE(info.ok()) << info.error().message;
  const auto leaks = files_containing(path("backups"), kMarker);
  EXPECT_TRUE(leaks.empty()) << leaks.front();
  for (const auto& e : fs::recursive_directory_iterator(path("backups"))) {
    if (!e.is_regular_file()) continue;
    auto header = read_encrypted_file_header(e.path().string()).value();
    ASSERT_TRUE(header.has_value()) << e.path();
    EXPECT_EQ(header->cipher, StorageCipher::kSm4Ctr) << e.path();
  }
  ASSERT_TRUE(verify_store_backup(path("backups"), opts_, info->id).ok());
  ASSERT_TRUE(restore_store_backup(path("backups"), opts_, info->id, path("restored")).ok());
  auto restored = Store::open(path("restored"), opts_).value();
  EXPECT_EQ(restored->scan_prefix(Cf::kState, to_bytes("rpt/"), 1000).value().size(), 300u);
  auto v = restored->get(Cf::kState, to_bytes("rpt/42")).value();
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(std::string(v->begin(), v->end()), kMarker + "-42");
}

TEST_F(Sm4BackupTest, AFlippedByteIsRefusedByVerifyAndRestore) {
  auto info = create_store_backup(*store_, path("backups"), "{}").value();
  std::string victim;
  for (const auto& e : fs::recursive_directory_iterator(path("backups"))) {
    if (e.is_regular_file() && e.path().extension() == ".sst") victim = e.path().string();
  }
  ASSERT_FALSE(victim.empty());
  const auto size = fs::file_size(victim);
  ASSERT_GT(size, kEncryptedFileHeaderBytes);
  {
    std::fstream f(victim, std::ios::in | std::ios::out | std::ios::binary);
    const auto at = static_cast<std::streamoff>(kEncryptedFileHeaderBytes +
                                                (size - kEncryptedFileHeaderBytes) / 2);
    f.seekg(at);
    char c = 0;
    f.get(c);
    f.seekp(at);
    f.put(static_cast<char>(c ^ 0x01));
  }
  auto verified = verify_store_backup(path("backups"), opts_, info.id);
  ASSERT_FALSE(verified.ok());
  EXPECT_EQ(verified.error().code, "backup_corrupt") << verified.error().message;
  auto restored = restore_store_backup(path("backups"), opts_, info.id, path("restored"));
  ASSERT_FALSE(restored.ok());
  EXPECT_EQ(restored.error().code, "backup_corrupt") << restored.error().message;
  EXPECT_FALSE(fs::exists(path("restored")));
}

}  // namespace
}  // namespace rl::ledger
