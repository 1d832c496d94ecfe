// config.json "identity": what node_config_to_json writes, load_node_config reads back (genesis
// init writes every node's config this way), and bad values are refused with bad_config.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>

#include "common/file_io.hpp"
#include "node/app/node_config.hpp"

namespace rl::testing {
namespace {

class IdentityConfigTest : public ::testing::Test {
 protected:
  IdentityConfigTest() {
    std::random_device rd;
    home_ = std::filesystem::temp_directory_path() /
            ("regledger-config-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(home_);
  }
  ~IdentityConfigTest() override {
    std::error_code ec;
    std::filesystem::remove_all(home_, ec);
  }
  Result<node::NodeConfig> load(const std::string& text) {
    EXPECT_TRUE(write_file((home_ / "config.json").string(), text).ok());
    return node::load_node_config(home_.string());
  }
  std::filesystem::path home_;
};

TEST_F(IdentityConfigTest, RoundTrips) {
  node::NodeConfig c;
  c.read_access = "open";
  c.session_ttl_ms = 1234;
  c.login_max_failures = 7;
  c.ca_cert_file = "ca.pem";
  c.ca_key_file = "ca.key";
  c.operator_dir = "op";
  c.enroll_approval = {{"bank-d", "admin"}, {"bank-a", "auto"}};
  auto back = load(node::node_config_to_json(c));
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(back->read_access, "open");
  EXPECT_EQ(back->session_ttl_ms, 1234);
  EXPECT_EQ(back->login_max_failures, 7u);
  EXPECT_EQ(back->operator_dir, "op");
  EXPECT_EQ(back->enroll_approval, c.enroll_approval);
  // The defaults written by genesis init load too.
  EXPECT_TRUE(load(node::node_config_to_json(node::NodeConfig{})).ok());
}

TEST_F(IdentityConfigTest, BadValuesAreRefused) {
  for (const char* identity :
       {R"({"read_access":"maybe"})", R"({"unknown":1})", R"({"ca_cert":"x"})",
        R"({"operator":"op"})", R"({"enroll_approval":{"bank-a":"sometimes"}})",
        R"({"max_failures":0})", R"({"session_ttl_ms":0})"}) {
    auto r = load(std::string(R"({"identity":)") + identity + "}");
    ASSERT_FALSE(r.ok()) << identity;
    EXPECT_EQ(r.error().code, "bad_config") << identity;
  }
}

}  // namespace
}  // namespace rl::testing
