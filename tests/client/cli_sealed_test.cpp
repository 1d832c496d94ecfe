// Sealed reports end to end with the real binaries (docs/sealed.md): four regledgerd validators
// from `genesis init`, each running its key service; `regledger report submit --seal`, then
// `report open` by a reader who satisfies both levels and by one who does not; with two key
// services down (t = 3 of 4) nobody opens, with three up the reader does; and no node's home
// holds the plaintext.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>

#include "common/file_io.hpp"
#include "tests/client/cli_runner.hpp"
#include "tests/support/cluster.hpp"

namespace rl::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kMarker = "sealed-cli-marker-9b2e";

// Both suites: SM2 networks seal with SM4-CTR + HMAC-SM3, SM2 ECIES and HMAC-SM3 tags.
class CliSealedTest : public ::testing::TestWithParam<crypto::Suite> {
 protected:
  CliSealedTest() : cluster_(options()) {}
  static ClusterOptions options() {
    ClusterOptions o;
    o.name = "cli-sealed";
    o.read_access = "session";
    o.suite = GetParam();
    return o;
  }

  CliRun regledger(std::vector<std::string> args) {
    auto all = node_args(cluster_, ca_path_);
    all.insert(all.end(), args.begin(), args.end());
    return run_regledger(cluster_.dir(), {}, all);
  }

  // Registers and enrolls an account; returns its identity directory.
  std::string enroll(const std::string& org, const std::string& kind, const std::string& account,
                     const std::string& role, const std::string& permission) {
    if (!orgs_.contains(org)) {
      auto r = regledger(
          {"org", "register", "--as", admin_, "--id", org, "--name", org, "--kind", kind});
      EXPECT_EQ(r.exit_code, 0) << r.err;
      orgs_.insert(org);
    }
    auto r = regledger({"account", "register", "--as", admin_, "--id", account, "--org", org,
                        "--role", role, "--permission", permission, "--password-file", pw_});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const auto out = cluster_.dir() + "/ids/" + account;
    r = regledger({"account", "enroll", "--as", admin_, "--account", account, "--org", org,
                   "--issuer-cert", cluster_.dir() + "/ca/issuing.pem", "--issuer-key",
                   cluster_.dir() + "/ca/issuing.key", "--out", out});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return out;
  }

  CliRun open_as(const std::string& identity, const std::string& report_id) {
    return regledger({"--identity", identity, "--password-file", pw_, "report", "open", report_id});
  }

  void SetUp() override {
    cluster_.start_all();
    ASSERT_TRUE(cluster_.wait_height({0, 1, 2, 3}, 2, std::chrono::seconds(60)))
        << cluster_.all_logs_tail();
    // The CA clients verify node TLS with: the transport CA on sm2-sm3 networks (decision 0033).
    ca_path_ = cluster_.home(0) + "/ca.pem";
    admin_ = cluster_.dir() + "/accounts/regulator-admin";
    pw_ = cluster_.dir() + "/accounts.pw";
    ASSERT_TRUE(write_file(pw_, "a long account password\n").ok());
    orgs_.insert("regulator");
  }

  Cluster cluster_;
  std::string ca_path_, admin_, pw_;
  std::set<std::string> orgs_;
};

TEST_P(CliSealedTest, SealSubmitOpenAndThresholdWithRealKeyServices) {
  auto t = regledger({"governance", "propose", "--as", admin_, "--id", "t-1",
                      "--set-sealing-policy", "fiu-findings", "--policy", "kind:regulator"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  const auto reporter = enroll("bank-a", "institution", "bank-a-reporter", "reporter", "0105");
  const auto reader = enroll("regulator", "regulator", "reg-auditor", "auditor", "1105");
  const auto outsider = enroll("bank-b", "institution", "bank-b-reporter", "reporter", "1105");

  const auto dir = cluster_.dir();
  ASSERT_TRUE(
      write_file(
          dir + "/finding.json",
          std::string(
              R"({"institution":"bank-a","period":"2026-Q3","cet1_ratio":0,"total_capital":0,"finding":")") +
              kMarker + R"("})")
          .ok());
  ASSERT_TRUE(write_file(dir + "/policy.json",
                         R"({"t_policy":"fiu-findings","s_policy":"role:auditor","threshold":3,)"
                         R"("keywords":["fraud"]})")
                  .ok());
  auto sub = regledger({"--password-file", pw_, "report", "submit", "--as", reporter, "--template",
                        "capital-adequacy", "--period", "2026-Q3", "--file", dir + "/finding.json",
                        "--seal", dir + "/policy.json", "--wait"});
  ASSERT_EQ(sub.exit_code, 0) << sub.err;
  EXPECT_TRUE(contains(sub.err, "3 of 4 key services")) << sub.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(sub.out, m, std::regex("tx_id=([0-9a-f]{64})"))) << sub.out;
  const std::string id = m[1];

  auto opened = open_as(reader, id);
  ASSERT_EQ(opened.exit_code, 0) << opened.err;
  EXPECT_TRUE(contains(opened.out, kMarker)) << opened.out;
  EXPECT_TRUE(contains(opened.err, "released")) << opened.err;

  // The outsider may not even fetch the document; the key channel tells it which levels it
  // fails, and releases nothing.
  auto refused = open_as(outsider, id);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_TRUE(contains(refused.err, "policy_refused")) << refused.err;
  EXPECT_TRUE(contains(refused.err, "level T and S")) << refused.err;
  EXPECT_FALSE(contains(refused.err, "released")) << refused.err;
  EXPECT_FALSE(contains(refused.out, kMarker));
  // An id nobody submitted is not found on either channel.
  auto unknown = open_as(reader, std::string(64, 'e'));
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_TRUE(contains(unknown.err, "report_not_found")) << unknown.err;

  auto search = regledger(
      {"--identity", reader, "--password-file", pw_, "report", "search", "--keyword", "FRAUD", id});
  ASSERT_EQ(search.exit_code, 0) << search.err;
  EXPECT_TRUE(contains(search.out, id)) << search.out;

  // Two key services down: two shares of the three needed.
  cluster_.kill9(2);
  cluster_.kill9(3);
  auto two = open_as(reader, id);
  EXPECT_EQ(two.exit_code, 1);
  EXPECT_TRUE(contains(two.err, "open_refused")) << two.err;
  EXPECT_TRUE(contains(two.err, "2 of the 3")) << two.err;
  EXPECT_FALSE(contains(two.out, kMarker));
  // Three up again: opens.
  cluster_.start(2);
  ASSERT_TRUE(cluster_.wait_healthy(2, std::chrono::seconds(30)));
  auto three = open_as(reader, id);
  ASSERT_EQ(three.exit_code, 0) << three.err;
  EXPECT_TRUE(contains(three.out, kMarker));

  // No node's home (stores, WAL, audit log, logs) holds the plaintext.
  cluster_.start(3);
  for (std::size_t i = 0; i < cluster_.size(); ++i) {
    for (const auto& f : fs::recursive_directory_iterator(cluster_.home(i))) {
      if (!f.is_regular_file()) continue;
      std::ifstream in(f.path(), std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      EXPECT_EQ(bytes.find(kMarker), std::string::npos) << f.path();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Suites, CliSealedTest,
                         ::testing::Values(crypto::Suite::kP256Sha256, crypto::Suite::kSm2Sm3),
                         [](const auto& info) {
                           return info.param == crypto::Suite::kP256Sha256 ? "P256" : "SM2";
                         });

}  // namespace
}  // namespace rl::testing
