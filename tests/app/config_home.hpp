#pragma once
// A temporary node home for config.json tests: write a config text, read it back through
// load_node_config, the way a node starts.

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>

#include "common/file_io.hpp"
#include "config/node_config.hpp"

namespace rl::testing {

class ConfigHomeTest : public ::testing::Test {
 protected:
  ConfigHomeTest() {
    std::random_device rd;
    home_ = std::filesystem::temp_directory_path() /
            ("regledger-config-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(home_);
  }
  ~ConfigHomeTest() override {
    std::error_code ec;
    std::filesystem::remove_all(home_, ec);
  }
  Result<node::NodeConfig> load(const std::string& text) {
    EXPECT_TRUE(write_file((home_ / "config.json").string(), text).ok());
    return node::load_node_config(home_.string());
  }
  std::filesystem::path home_;
};

}  // namespace rl::testing
