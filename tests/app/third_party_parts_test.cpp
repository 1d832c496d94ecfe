// The parts of third-party access that need no node: the mask key file and the per-grant rate
// limiter (decision 0060).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <random>

#include "common/file_io.hpp"
#include "config/node_config.hpp"
#include "node/app/third_party/mask_key.hpp"
#include "node/app/third_party/rate_limiter.hpp"

namespace rl::node::third_party {
namespace {

class MaskKeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() / ("regledger-mask-" + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text, mode_t mode) {
    const auto path = (dir_ / name).string();
    EXPECT_TRUE(write_file(path, text, true).ok());
    ::chmod(path.c_str(), mode);
    return path;
  }
  std::string code_of(const std::string& path) {
    auto k = read_mask_key_file(path);
    return k.ok() ? "" : k.error().code;
  }
  std::filesystem::path dir_;
};

TEST_F(MaskKeyFileTest, AKeyIs32BytesOfHexReadableByItsOwnerOnly) {
  const std::string hex(64, 'a');
  auto k = read_mask_key_file(write("good", hex + "\n", 0600));
  ASSERT_TRUE(k.ok()) << k.error().to_string();
  EXPECT_EQ(k->size(), 32u);
  EXPECT_EQ(code_of(write("shared", hex, 0644)), "bad_mask_key");
  EXPECT_EQ(code_of(write("group", hex, 0640)), "bad_mask_key");
  EXPECT_EQ(code_of(write("short", std::string(62, 'a'), 0600)), "bad_mask_key");
  EXPECT_EQ(code_of(write("nothex", std::string(64, 'z'), 0600)), "bad_mask_key");
  EXPECT_EQ(code_of((dir_ / "missing").string()), "file_not_found");
}

TEST_F(MaskKeyFileTest, ConfigProtectionNamesTheFileStrictly) {
  auto load = [&](const std::string& text) {
    EXPECT_TRUE(write_file((dir_ / "config.json").string(), text).ok());
    return node::load_node_config(dir_.string());
  };
  node::NodeConfig c;
  c.mask_key_file = "mask.key";
  auto back = load(node::node_config_to_json(c));
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(back->mask_key_file, "mask.key");
  auto none = load(node::node_config_to_json(node::NodeConfig{}));
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->mask_key_file, "");
  for (const char* bad : {R"({"protection":{"mask_key":"x"}})", R"({"protection":"mask.key"})",
                          R"({"protection":{"mask_key_file":7}})"}) {
    auto r = load(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "bad_config") << bad;
  }
}

TEST(MaskKeyIdTest, NamesTheKeyWithoutRevealingIt) {
  const Bytes a(32, 1), b(32, 2);
  const auto id = mask_key_id(crypto::Suite::kP256Sha256, a);
  EXPECT_EQ(id.size(), 16u);
  EXPECT_EQ(id, mask_key_id(crypto::Suite::kP256Sha256, a));
  EXPECT_NE(id, mask_key_id(crypto::Suite::kP256Sha256, b));
  EXPECT_EQ(id.find(to_hex(a).substr(0, 8)), std::string::npos);
}

TEST(RateLimiterTest, ABucketHoldsOneMinuteAndRefillsSteadily) {
  RateLimiter l;
  for (int i = 0; i < 6; ++i) EXPECT_TRUE(l.try_acquire("g", 6, 0)) << i;
  EXPECT_FALSE(l.try_acquire("g", 6, 0));
  EXPECT_FALSE(l.try_acquire("g", 6, 9'999));
  EXPECT_TRUE(l.try_acquire("g", 6, 10'000));  // 6 per minute: one every 10 s
  EXPECT_FALSE(l.try_acquire("g", 6, 10'000));
  // A clock stepping back takes nothing and gives nothing.
  EXPECT_FALSE(l.try_acquire("g", 6, 0));
  EXPECT_TRUE(l.try_acquire("other", 6, 0)) << "buckets are per grant";
}

TEST(RateLimiterTest, TrackedGrantsAreBoundedAndFullBucketsMakeRoom) {
  RateLimiter l(2);
  EXPECT_TRUE(l.try_acquire("a", 60, 0));
  EXPECT_TRUE(l.try_acquire("b", 60, 0));
  // Both buckets are in use: a third grant is refused rather than given a fresh bucket by
  // forgetting a used one (fail closed).
  EXPECT_FALSE(l.try_acquire("c", 60, 0));
  EXPECT_EQ(l.tracked(), 2u);
  // After a second both are full again (60 per minute): forgetting them loses nothing.
  EXPECT_TRUE(l.try_acquire("c", 60, 1'000));
  EXPECT_LE(l.tracked(), 2u);
}

}  // namespace
}  // namespace rl::node::third_party
