#pragma once
// Shared by the encryption-at-rest tests: a temp directory per test, and a search of every
// byte of every file under a directory.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "crypto/storage_cipher.hpp"

namespace rl::ledger::testing {

class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("rl-enc-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  std::filesystem::path dir_;
};

// Every file under `dir` (recursively) whose bytes contain `needle`, as `grep -ral` would list.
inline std::vector<std::string> files_containing(const std::string& dir,
                                                 const std::string& needle) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.find(needle) != std::string::npos) out.push_back(e.path().string());
  }
  return out;
}

// Names parameterized tests by cipher ("Aes256", "Sm4").
inline std::string cipher_test_name(const ::testing::TestParamInfo<crypto::StorageCipher>& info) {
  return info.param == crypto::StorageCipher::kSm4Ctr ? "Sm4" : "Aes256";
}

}  // namespace rl::ledger::testing
