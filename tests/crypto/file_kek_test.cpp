#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "common/file_io.hpp"
#include "crypto/key_wrap.hpp"

namespace rl::crypto {
namespace {

namespace fs = std::filesystem;

class FileKekTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("rl-kek-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

TEST_F(FileKekTest, CreatedWithMode0600AndWrapsAndUnwraps) {
  ASSERT_TRUE(create_file_kek(path("kek")).ok());
  struct stat st {};
  ASSERT_EQ(::stat(path("kek").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto kek = open_file_kek(path("kek"), Suite::kP256Sha256);
  ASSERT_TRUE(kek.ok()) << kek.error().message;
  EXPECT_EQ((*kek)->describe(), "file:" + path("kek"));
  const Bytes data_key(32, 0x42);
  auto wrapped = (*kek)->wrap(data_key, as_bytes("key 1"));
  ASSERT_TRUE(wrapped.ok());
  EXPECT_EQ((*kek)->unwrap(*wrapped, as_bytes("key 1")).value(), data_key);
}

TEST_F(FileKekTest, AnotherKekOrAnotherPurposeCannotUnwrap) {
  ASSERT_TRUE(create_file_kek(path("a")).ok());
  ASSERT_TRUE(create_file_kek(path("b")).ok());
  auto a = open_file_kek(path("a"), Suite::kP256Sha256).value();
  auto b = open_file_kek(path("b"), Suite::kP256Sha256).value();
  const Bytes wrapped = a->wrap(Bytes(32, 1), as_bytes("key 1")).value();
  EXPECT_EQ(b->unwrap(wrapped, as_bytes("key 1")).error().code, "kek_mismatch");
  EXPECT_EQ(a->unwrap(wrapped, as_bytes("key 2")).error().code, "kek_mismatch");
  Bytes cut(wrapped.begin(), wrapped.begin() + 5);
  EXPECT_EQ(a->unwrap(cut, as_bytes("key 1")).error().code, "bad_wrapped_key");
}

TEST_F(FileKekTest, Sm2NetworksWrapWithSm4AndHmacSm3) {
  ASSERT_TRUE(create_file_kek(path("kek")).ok());
  auto sm = open_file_kek(path("kek"), Suite::kSm2Sm3).value();
  auto p256 = open_file_kek(path("kek"), Suite::kP256Sha256).value();
  const Bytes wrapped = sm->wrap(Bytes(16, 9), as_bytes("k")).value();
  EXPECT_EQ(sm->unwrap(wrapped, as_bytes("k")).value(), Bytes(16, 9));
  // Same key file, other cipher: the format byte alone tells them apart.
  EXPECT_EQ(p256->unwrap(wrapped, as_bytes("k")).error().code, "bad_wrapped_key");
}

TEST_F(FileKekTest, AReadableKeyFileIsRefused) {
  ASSERT_TRUE(create_file_kek(path("kek")).ok());
  ::chmod(path("kek").c_str(), 0640);
  auto kek = open_file_kek(path("kek"), Suite::kP256Sha256);
  ASSERT_FALSE(kek.ok());
  EXPECT_EQ(kek.error().code, "kek_file_mode");
  EXPECT_NE(kek.error().message.find("0640"), std::string::npos) << kek.error().message;
  ::chmod(path("kek").c_str(), 0400);
  EXPECT_TRUE(open_file_kek(path("kek"), Suite::kP256Sha256).ok());
}

TEST_F(FileKekTest, MissingOrMalformedKeyFilesAreRefused) {
  EXPECT_EQ(open_file_kek(path("none"), Suite::kP256Sha256).error().code, "kek_missing");
  ASSERT_TRUE(write_file(path("short"), "00ff\n", true).ok());
  EXPECT_EQ(open_file_kek(path("short"), Suite::kP256Sha256).error().code, "bad_kek_file");
  ASSERT_TRUE(write_file(path("nothex"), std::string(64, 'z'), true).ok());
  EXPECT_EQ(open_file_kek(path("nothex"), Suite::kP256Sha256).error().code, "bad_kek_file");
  fs::create_directories(path("dir"));
  ::chmod(path("dir").c_str(), 0700);
  EXPECT_EQ(open_file_kek(path("dir"), Suite::kP256Sha256).error().code, "bad_kek_file");
}

TEST_F(FileKekTest, CreateNeverReplacesAKek) {
  ASSERT_TRUE(create_file_kek(path("kek")).ok());
  const std::string before = read_file(path("kek")).value();
  EXPECT_EQ(create_file_kek(path("kek")).error().code, "kek_exists");
  EXPECT_EQ(read_file(path("kek")).value(), before);
}

}  // namespace
}  // namespace rl::crypto
