// Reports as regulators receive them, with the real binaries (docs/reporting.md): governance
// registers the EAST-style loan template from genesis/local/templates; `report check` lists
// every error of a bad file; the validators refuse the same file with the same list; a good file
// is committed, rejected with a reason, corrected, accepted; `report versions` shows the chain;
// `report submit-batch` sends several files in one request with a verdict per file.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <regex>

#include "common/civil_time.hpp"
#include "common/file_io.hpp"
#include "tests/client/cli_runner.hpp"
#include "tests/support/cluster.hpp"

namespace rl::testing {
namespace {

const std::string kSamples = std::string(RL_SOURCE_DIR) + "/genesis/local/samples/";
const std::string kTemplates = std::string(RL_SOURCE_DIR) + "/genesis/local/templates/";

class CliReportingTest : public ::testing::Test {
 protected:
  CliReportingTest() : cluster_(options()) {}
  static ClusterOptions options() {
    ClusterOptions o;
    o.name = "cli-reporting";
    o.read_access = "session";
    return o;
  }

  CliRun regledger(std::vector<std::string> args) {
    auto all = node_args(cluster_, cluster_.home(0) + "/ca.pem");
    all.insert(all.end(), args.begin(), args.end());
    return run_regledger(cluster_.dir(), {}, all);
  }

  std::string tx_id(const CliRun& r) {
    std::smatch m;
    EXPECT_TRUE(std::regex_search(r.out, m, std::regex("tx_id=([0-9a-f]{64})"))) << r.out << r.err;
    return m.size() > 1 ? m[1].str() : "";
  }

  void SetUp() override {
    cluster_.start_all();
    ASSERT_TRUE(cluster_.wait_height({0, 1, 2, 3}, 2, std::chrono::seconds(60)))
        << cluster_.all_logs_tail();
    admin_ = cluster_.dir() + "/accounts/regulator-admin";
    pw_ = cluster_.dir() + "/accounts.pw";
    ASSERT_TRUE(write_file(pw_, "a long account password\n").ok());
    auto t = regledger({"governance", "propose", "--as", admin_, "--id", "east", "--add-template",
                        kTemplates + "east-loans.json"});
    ASSERT_EQ(t.exit_code, 0) << t.err;
    ASSERT_EQ(regledger({"org", "register", "--as", admin_, "--id", "bank-a", "--name", "Bank A",
                         "--kind", "institution"})
                  .exit_code,
              0);
    ASSERT_EQ(
        regledger({"account", "register", "--as", admin_, "--id", "bank-a-reporter", "--org",
                   "bank-a", "--role", "reporter", "--permission", "0105", "--password-file", pw_})
            .exit_code,
        0);
    bank_ = cluster_.dir() + "/ids/bank-a";
    auto e = regledger({"account", "enroll", "--as", admin_, "--account", "bank-a-reporter",
                        "--org", "bank-a", "--issuer-cert", cluster_.dir() + "/ca/issuing.pem",
                        "--issuer-key", cluster_.dir() + "/ca/issuing.key", "--out", bank_});
    ASSERT_EQ(e.exit_code, 0) << e.err;
    // The CLI logs the bank in with the password kept beside its key (mode 0600).
    ASSERT_TRUE(write_file(bank_ + "/password", "a long account password\n").ok());
    std::filesystem::permissions(
        bank_ + "/password",
        std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
        std::filesystem::perm_options::replace);
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    period_ = format_utc_ms(now_ms).substr(0, 7);  // this month: due weeks from now
  }

  Cluster cluster_;
  std::string admin_, pw_, bank_, period_;
};

TEST_F(CliReportingTest, CheckSubmitReviewCorrectAndBatch) {
  // Every error of the bad file, locally, with the template read from the ledger.
  auto check = regledger({"--identity", bank_, "report", "check", kSamples + "east-loans-bad.csv",
                          "--template", "east-loans"});
  EXPECT_EQ(check.exit_code, 1) << check.err;
  EXPECT_TRUE(contains(check.out, "8 errors in 20 rows")) << check.out;
  std::vector<std::string> lines;
  for (std::size_t pos = 0, next; (next = check.out.find('\n', pos)) != std::string::npos;
       pos = next + 1) {
    const auto line = check.out.substr(pos, next - pos);
    if (line.rfind("table loans", 0) == 0) lines.push_back(line);
  }
  ASSERT_EQ(lines.size(), 8u) << check.out;

  // submit runs the same check and sends nothing...
  auto held = regledger({"report", "submit", "--as", bank_, "--template", "east-loans", "--period",
                         period_, "--file", kSamples + "east-loans-bad.csv"});
  EXPECT_EQ(held.exit_code, 1);
  EXPECT_TRUE(contains(held.err, "not sent")) << held.err;
  // ...and sent anyway, the validators refuse it with the same eight lines.
  auto refused =
      regledger({"report", "submit", "--as", bank_, "--template", "east-loans", "--period", period_,
                 "--file", kSamples + "east-loans-bad.csv", "--no-check", "--wait"});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_TRUE(contains(refused.err, "bad_report")) << refused.err;
  for (const auto& line : lines)
    EXPECT_TRUE(contains(refused.err, line)) << line << "\n" << refused.err;

  // A good file, rejected with a reason, corrected, accepted.
  auto good = regledger({"report", "submit", "--as", bank_, "--template", "east-loans", "--period",
                         period_, "--file", kSamples + "east-loans-good.csv", "--wait"});
  ASSERT_EQ(good.exit_code, 0) << good.err;
  const auto v1 = tx_id(good);
  auto rej = regledger({"report", "review", v1, "--as", admin_, "--reject", "--reason",
                        "classification needs a provision note"});
  ASSERT_EQ(rej.exit_code, 0) << rej.err;
  auto corr =
      regledger({"report", "submit", "--as", bank_, "--template", "east-loans", "--period", period_,
                 "--file", kSamples + "east-loans-good.csv", "--corrects", v1, "--wait"});
  ASSERT_EQ(corr.exit_code, 0) << corr.err;
  const auto v2 = tx_id(corr);
  ASSERT_EQ(regledger({"report", "review", v2, "--as", admin_, "--accept"}).exit_code, 0);
  auto again =
      regledger({"report", "submit", "--as", bank_, "--template", "east-loans", "--period", period_,
                 "--file", kSamples + "east-loans-good.csv", "--corrects", v1, "--wait"});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_TRUE(contains(again.err, "report_superseded")) << again.err;
  auto versions = regledger({"--identity", bank_, "report", "versions", v2});
  ASSERT_EQ(versions.exit_code, 0) << versions.err;
  EXPECT_TRUE(contains(versions.out, "v1  " + v1 + "  REJECTED")) << versions.out;
  EXPECT_TRUE(contains(versions.out, "- classification needs a provision note")) << versions.out;
  EXPECT_TRUE(contains(versions.out, "v2  " + v2 + "  ACCEPTED")) << versions.out;
  auto accepted = regledger({"--identity", bank_, "--json", "report", "list", "--status",
                             "ACCEPTED", "--template", "east-loans"});
  ASSERT_EQ(accepted.exit_code, 0) << accepted.err;
  // v2 names v1 (corrects, first_version); only v2 is a row.
  EXPECT_TRUE(contains(accepted.out, "\"report_id\": \"" + v2 + "\"")) << accepted.out;
  EXPECT_FALSE(contains(accepted.out, "\"report_id\": \"" + v1 + "\"")) << accepted.out;

  // Three files in one request: two accepted, the bad one refused locally, each named.
  const auto dir = cluster_.dir() + "/daily";
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(kSamples + "east-loans-good.csv", dir + "/branch-1.csv");
  std::filesystem::copy_file(kSamples + "east-loans-good.csv", dir + "/branch-2.csv");
  std::filesystem::copy_file(kSamples + "east-loans-bad.csv", dir + "/branch-3.csv");
  auto batch = regledger({"report", "submit-batch", "--as", bank_, "--template", "east-loans",
                          "--period", period_, "--wait", dir + "/branch-1.csv",
                          dir + "/branch-2.csv", dir + "/branch-3.csv"});
  EXPECT_EQ(batch.exit_code, 1) << batch.out << batch.err;
  EXPECT_TRUE(contains(batch.out, "ok      " + dir + "/branch-1.csv")) << batch.out;
  EXPECT_TRUE(contains(batch.out, "ok      " + dir + "/branch-2.csv")) << batch.out;
  EXPECT_TRUE(contains(batch.out, "REFUSED " + dir + "/branch-3.csv  refused locally: 8 errors"))
      << batch.out;
  EXPECT_TRUE(contains(batch.out, "2 of 3 reports committed in 1 request")) << batch.out;
  auto listed = regledger(
      {"--identity", bank_, "--json", "report", "list", "--template", "east-loans", "--latest"});
  EXPECT_TRUE(contains(listed.out, "\"batch\": \"branch-1\"")) << listed.out;
  EXPECT_TRUE(contains(listed.out, "\"batch\": \"branch-2\"")) << listed.out;
}

}  // namespace
}  // namespace rl::testing
