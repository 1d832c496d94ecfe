// `regledgerd --check-config` on a real home: it accepts the config genesis init wrote, refuses a
// typo in any section and a bad log level naming them, starts nothing and writes nothing; and a
// start whose --api-port lands on the metrics port is refused.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "common/file_io.hpp"
#include "tests/support/must.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/single_node.hpp"

namespace rl::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class CheckConfigTest : public ::testing::Test {
 protected:
  CheckConfigTest() : node_(crypto::Suite::kP256Sha256, "check-config") {}

  std::pair<int, std::string> check(const std::string& extra = "") {
    return run_command("timeout 30 " + std::string(RL_BINARY_DIR) + "/node/regledgerd --home " +
                       node_.home() + " --check-config " + extra);
  }
  // Rewrites config.json with `edit` applied to its JSON.
  void edit_json(const std::function<void(json&)>& edit) {
    const auto path = (fs::path(node_.home()) / "config.json").string();
    json j = json::parse(must(read_file(path)));
    edit(j);
    ASSERT_TRUE(write_file(path, j.dump(2)).ok());
  }
  std::map<std::string, std::uintmax_t> listing() const {
    std::map<std::string, std::uintmax_t> out;
    for (const auto& e : fs::recursive_directory_iterator(node_.home())) {
      out[e.path().string()] = e.is_regular_file() ? e.file_size() : 0;
    }
    return out;
  }

  SingleNode node_;
};

TEST_F(CheckConfigTest, AcceptsTheConfigGenesisInitWroteAndStartsNothing) {
  const auto before = listing();
  auto [code, out] = check();
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("config OK"), std::string::npos) << out;
  EXPECT_EQ(listing(), before) << "no data directory, log or lock may appear";
}

TEST_F(CheckConfigTest, RefusesATypoInAnySectionNamingIt) {
  for (const std::string section : {"api", "p2p", "consensus", "mempool", "identity"}) {
    edit_json([&](json& j) { j[section]["prot"] = 1; });
    auto [code, out] = check();
    EXPECT_EQ(code, 1) << section << ": " << out;
    EXPECT_NE(out.find("unknown key '" + section + ".prot'"), std::string::npos) << out;
    edit_json([&](json& j) { j[section].erase("prot"); });
  }
  EXPECT_EQ(check().first, 0);
}

TEST_F(CheckConfigTest, RefusesABadLogLevelInTheConfigAndOnTheCommandLine) {
  edit_json([](json& j) { j["log_level"] = "verbose"; });
  auto [code, out] = check();
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("log_level 'verbose'"), std::string::npos) << out;
  edit_json([](json& j) { j["log_level"] = "info"; });
  auto [cli_code, cli_out] = check("--log-level verbose");
  EXPECT_NE(cli_code, 0) << cli_out;
  EXPECT_NE(cli_out.find("verbose"), std::string::npos) << cli_out;
}

// --api-port changes a port after the config was checked: the metrics rules are applied again,
// so the node refuses to start instead of binding the two listeners on one port.
TEST_F(CheckConfigTest, AnApiPortOverrideOnTheMetricsPortIsRefused) {
  edit_json([](json& j) { j["metrics"]["listen"] = "127.0.0.1:29464"; });
  EXPECT_EQ(check().first, 0);
  auto [code, out] = run_command("timeout 30 " + std::string(RL_BINARY_DIR) +
                                 "/node/regledgerd --home " + node_.home() + " --api-port 29464");
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("metrics.listen must use a port of its own"), std::string::npos) << out;
}

// config.json admin_socket moves the administration socket out of the home (a packaged node's
// home is read-only, decision 0069): the node listens there, `regledgerd backup` finds the running
// node through it, and nothing listens in the home. A path too long for a Unix socket is refused
// by the config check, before a node would open its stores.
TEST_F(CheckConfigTest, TheAdminSocketMayLiveOutsideTheHome) {
  const fs::path run_dir = node_.dir() / "run";
  fs::create_directories(run_dir);
  const std::string socket = (run_dir / "admin.sock").string();
  edit_json([&](json& j) { j["admin_socket"] = socket; });
  ASSERT_EQ(check().first, 0);
  std::string why;
  ASSERT_TRUE(node_.start(&why)) << why;
  EXPECT_TRUE(fs::exists(socket));
  EXPECT_FALSE(fs::exists(fs::path(node_.home()) / "admin.sock"));
  auto [code, out] = run_command("timeout 60 " + std::string(RL_BINARY_DIR) +
                                 "/node/regledgerd backup --home " + node_.home());
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("backup done (online)"), std::string::npos) << out;

  edit_json([&](json& j) { j["admin_socket"] = "/" + std::string(120, 'a') + "/admin.sock"; });
  auto [long_code, long_out] = check();
  EXPECT_EQ(long_code, 1) << long_out;
  EXPECT_NE(long_out.find("admin_socket must be a path of at most 107 bytes"), std::string::npos)
      << long_out;
}

}  // namespace
}  // namespace rl::testing
