#include <gtest/gtest.h>

#include "common/file_io.hpp"
#include "crypto/key_wrap.hpp"
#include "ledger/data_keys.hpp"
#include "ledger/rekey.hpp"
#include "storage_test_util.hpp"

namespace rl::ledger {
namespace {

using crypto::StorageCipher;
using testing::files_containing;

const std::string kMarker = "MARKER-rekey-41d9";

class DataKeysTest : public testing::TempDirTest {
 protected:
  std::shared_ptr<const crypto::KeyEncryptionKey> kek(
      const std::string& name, crypto::Suite suite = crypto::Suite::kP256Sha256) {
    if (!std::filesystem::exists(path(name))) {
      EXPECT_TRUE(crypto::create_file_kek(path(name)).ok());
    }
    return crypto::open_file_kek(path(name), suite).value();
  }
  Result<std::unique_ptr<DataKeyStore>> keystore(const std::string& kek_name, bool create,
                                                 StorageCipher c = StorageCipher::kAes256Ctr) {
    return DataKeyStore::open(path("data-keys.json"), kek(kek_name), c, create);
  }
};

TEST_F(DataKeysTest, AFreshKeystoreHasKeyOneAndReopensWithTheSameKey) {
  auto a = keystore("kek", true).value();
  EXPECT_EQ(a->current_id(), 1u);
  EXPECT_TRUE(a->retiring().empty());
  auto b = keystore("kek", false).value();
  EXPECT_EQ(b->current_id(), 1u);
  ASSERT_TRUE(a->ring()->current() && b->ring()->current());
  EXPECT_EQ(Bytes(a->ring()->current()->bytes().begin(), a->ring()->current()->bytes().end()),
            Bytes(b->ring()->current()->bytes().begin(), b->ring()->current()->bytes().end()));
  // The file holds wrapped keys only.
  const std::string text = read_file(path("data-keys.json")).value();
  EXPECT_EQ(text.find(to_hex(a->ring()->current()->bytes())), std::string::npos);
}

TEST_F(DataKeysTest, AnotherKekIsRefusedAndChangesNothing) {
  ASSERT_TRUE(keystore("kek", true).ok());
  const std::string before = read_file(path("data-keys.json")).value();
  auto other = keystore("other-kek", true);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, "kek_mismatch");
  EXPECT_EQ(read_file(path("data-keys.json")).value(), before);
}

TEST_F(DataKeysTest, AMissingKeystoreIsNotRecreatedForAnExistingStore) {
  auto ks = keystore("kek", false);
  ASSERT_FALSE(ks.ok());
  EXPECT_EQ(ks.error().code, "data_keys_missing");
  EXPECT_FALSE(std::filesystem::exists(path("data-keys.json")));
}

TEST_F(DataKeysTest, AWrappedKeyMovedToAnotherIdDoesNotUnwrap) {
  auto ks = keystore("kek", true).value();
  ASSERT_TRUE(ks->begin_rotation().ok());
  std::string text = read_file(path("data-keys.json")).value();
  // Swap the ids of keys 1 and 2.
  text.replace(text.find("\"id\": 1"), 7, "\"id\": 9");
  text.replace(text.find("\"id\": 2"), 7, "\"id\": 1");
  text.replace(text.find("\"id\": 9"), 7, "\"id\": 2");
  ASSERT_TRUE(write_file(path("data-keys.json"), text, true).ok());
  auto reopened = keystore("kek", false);
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.error().code, "kek_mismatch");
}

TEST_F(DataKeysTest, AKeystoreOfTheOtherCipherIsRefused) {
  ASSERT_TRUE(keystore("kek", true, StorageCipher::kAes256Ctr).ok());
  auto sm4 = keystore("kek", false, StorageCipher::kSm4Ctr);
  ASSERT_FALSE(sm4.ok());
  EXPECT_EQ(sm4.error().code, "bad_data_keys");
}

TEST_F(DataKeysTest, RotationMarksOldKeysRetiringThenForgetsThem) {
  auto ks = keystore("kek", true).value();
  EXPECT_EQ(ks->begin_rotation().value(), 2u);
  EXPECT_EQ(ks->retiring(), std::vector<std::uint32_t>{1});
  // Persisted before it takes effect: a reopen sees the same state.
  auto mid = keystore("kek", false).value();
  EXPECT_EQ(mid->current_id(), 2u);
  EXPECT_EQ(mid->retiring(), std::vector<std::uint32_t>{1});
  EXPECT_NE(mid->ring()->find(1), nullptr);
  ASSERT_TRUE(ks->finish_rotation().ok());
  EXPECT_EQ(ks->ring()->find(1), nullptr);
  auto after = keystore("kek", false).value();
  EXPECT_EQ(after->ring()->ids(), std::vector<std::uint32_t>{2});
}

class RekeyTest : public DataKeysTest, public ::testing::WithParamInterface<StorageCipher> {
 protected:
  void fill(Store& store, int from, int to) {
    WriteBatch batch;
    for (int i = from; i < to; ++i) {
      batch.put(Cf::kState, to_bytes("rpt/" + std::to_string(i)),
                to_bytes(kMarker + "-" + std::to_string(i)));
    }
    ASSERT_TRUE(store.write(batch).ok());
  }
  crypto::Suite suite() const {
    return GetParam() == StorageCipher::kSm4Ctr ? crypto::Suite::kSm2Sm3
                                                : crypto::Suite::kP256Sha256;
  }
};

TEST_P(RekeyTest, EveryFileMovesToTheNewKeyAndTheOldKeyOpensNothing) {
  auto ks =
      DataKeyStore::open(path("data-keys.json"), kek("kek", suite()), GetParam(), true).value();
  auto env = std::make_shared<const EncryptedEnv>(ks->ring());
  auto chain_store = Store::open(path("data"), {env}).value();
  auto audit_store = Store::open(path("audit"), {env}).value();
  fill(*chain_store, 0, 300);
  ASSERT_TRUE(chain_store->rewrite_all_tables().ok());  // some SSTs under key 1
  fill(*chain_store, 300, 400);                         // and a WAL under key 1
  fill(*audit_store, 0, 10);
  // A "backup" file under key 1.
  std::filesystem::create_directories(path("backups"));
  ASSERT_TRUE(reencrypt_file(chain_store->path() + "/CURRENT", *env).ok());
  std::filesystem::copy_file(chain_store->path() + "/CURRENT", path("backups/CURRENT-copy"));
  const std::string old_key_hex = to_hex(ks->ring()->find(1)->bytes());

  std::vector<std::string> lines;
  auto result = rekey(*ks, *env, {chain_store.get(), audit_store.get()}, {path("backups")},
                      [&](const std::string& l) { lines.push_back(l); });
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->new_key, 2u);
  EXPECT_EQ(result->destroyed, std::vector<std::uint32_t>{1});
  EXPECT_FALSE(result->resumed);
  ASSERT_EQ(lines.size(), 7u);  // steps 1, 2 and 3 for each store, 4, 5
  EXPECT_NE(lines.back().find("destroyed"), std::string::npos);
  EXPECT_TRUE(
      files_under_keys({path("data"), path("audit"), path("backups")}, {1}).value().empty());
  // The store serves the same data, written before, during and after.
  fill(*chain_store, 400, 410);
  EXPECT_EQ(chain_store->scan_prefix(Cf::kState, to_bytes("rpt/"), 1000).value().size(), 410u);
  // Key 1 is gone from the keystore file and the ring.
  EXPECT_EQ(ks->ring()->find(1), nullptr);
  EXPECT_EQ(read_file(path("data-keys.json")).value().find("\"id\": 1"), std::string::npos);
  chain_store.reset();
  audit_store.reset();
  // A ring with only the old key opens nothing.
  auto old_ring = std::make_shared<KeyRing>(GetParam());
  ASSERT_TRUE(old_ring->add(1, from_hex(old_key_hex).value()).ok());
  ASSERT_TRUE(old_ring->set_current(1).ok());
  auto old_env = std::make_shared<const EncryptedEnv>(old_ring);
  EXPECT_FALSE(Store::open(path("data"), {old_env}).ok());
  EXPECT_FALSE(Store::open(path("audit"), {old_env}).ok());
  // The keystore on disk opens it, with every value intact.
  auto reopened_keys =
      DataKeyStore::open(path("data-keys.json"), kek("kek", suite()), GetParam(), false).value();
  auto reopened =
      Store::open(path("data"), {std::make_shared<const EncryptedEnv>(reopened_keys->ring())})
          .value();
  auto v = reopened->get(Cf::kState, to_bytes("rpt/123")).value();
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(std::string(v->begin(), v->end()), kMarker + "-123");
  EXPECT_TRUE(files_containing(path("data"), kMarker).empty());
}

// A crash after step 1 (the new key on disk, nothing rewritten yet): the keystore opens every
// file, and running the rekey again resumes it instead of making a third key.
TEST_P(RekeyTest, AnInterruptedRekeyResumes) {
  {
    auto ks =
        DataKeyStore::open(path("data-keys.json"), kek("kek", suite()), GetParam(), true).value();
    auto env = std::make_shared<const EncryptedEnv>(ks->ring());
    auto store = Store::open(path("data"), {env}).value();
    fill(*store, 0, 100);
    ASSERT_TRUE(ks->begin_rotation().ok());
    fill(*store, 100, 200);  // new WAL records... in the old WAL file, under key 1
  }
  auto ks =
      DataKeyStore::open(path("data-keys.json"), kek("kek", suite()), GetParam(), false).value();
  EXPECT_EQ(ks->retiring(), std::vector<std::uint32_t>{1});
  auto env = std::make_shared<const EncryptedEnv>(ks->ring());
  auto store = Store::open(path("data"), {env}).value();
  EXPECT_EQ(store->scan_prefix(Cf::kState, to_bytes("rpt/"), 1000).value().size(), 200u);
  auto result = rekey(*ks, *env, {store.get()}, {});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_TRUE(result->resumed);
  EXPECT_EQ(result->new_key, 2u);
  EXPECT_EQ(ks->ring()->ids(), std::vector<std::uint32_t>{2});
  EXPECT_TRUE(files_under_keys({path("data")}, {1}).value().empty());
}

INSTANTIATE_TEST_SUITE_P(BothCiphers, RekeyTest,
                         ::testing::Values(StorageCipher::kAes256Ctr, StorageCipher::kSm4Ctr),
                         testing::cipher_test_name);

}  // namespace
}  // namespace rl::ledger
