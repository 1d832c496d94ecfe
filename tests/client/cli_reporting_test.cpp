// Reports as regulators receive them, with the real binaries (docs/reporting.md): governance
// registers the EAST-style loan template from genesis/local/templates; `report check` lists
// every error of a bad file; the validators refuse the same file with the same list; a good file
// is committed, rejected with a reason, corrected, accepted; `report versions` shows the chain;
// `report submit-batch` sends several files in one request with a verdict per file.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "common/civil_time.hpp"
#include "common/file_io.hpp"
#include "common/wall_clock.hpp"
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
    bank_ = enroll_bank("bank-a");
    ASSERT_FALSE(bank_.empty());
    const auto now_ms = rl::wall_now_ms();
    period_ = format_utc_ms(now_ms).substr(0, 7);  // this month: due weeks from now
  }

  // Registers institution `org` with a reporting account `<org>-reporter` (permission 0105) and
  // enrolls it; the identity directory, holding the password the CLI logs in with (mode 0600).
  // "" on failure (the failing command is echoed).
  std::string enroll_bank(const std::string& org) {
    const auto dir = cluster_.dir() + "/ids/" + org;
    const auto account = org + "-reporter";
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"org", "register", "--as", admin_, "--id", org, "--name", org, "--kind",
              "institution"},
             {"account", "register", "--as", admin_, "--id", account, "--org", org, "--role",
              "reporter", "--permission", "0105", "--password-file", pw_},
             {"account", "enroll", "--as", admin_, "--account", account, "--org", org,
              "--issuer-cert", cluster_.dir() + "/ca/issuing.pem", "--issuer-key",
              cluster_.dir() + "/ca/issuing.key", "--out", dir}}) {
      if (regledger(args).exit_code != 0) return "";
    }
    if (!write_file(dir + "/password", "a long account password\n", true).ok()) return "";
    return dir;
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

// A dataset larger than one transaction (docs/reporting.md "Large files"): `report upload` is
// killed midway, run again and skips what committed; `report download` reassembles the file
// byte for byte; the report is refused to nobody who may read it and its chunks are served to
// nobody who may not.
TEST_F(CliReportingTest, UploadKilledMidwayResumesAndDownloadsHashEqual) {
  const std::string sample = read_file(kSamples + "east-loans-good.csv").value();
  std::string csv = sample.substr(0, sample.find('\n') + 1);
  for (int i = 1; i <= 3000; ++i) {
    char row[200];
    std::snprintf(row, sizeof row,
                  "L%010d,C%010d,110000,SME,CNY,2024-01-15,2029-01-15,%d.25,0.045000,NORMAL,N,,0\n",
                  i, 1000 + i, 1000 + i);
    csv += row;
  }
  const auto file = cluster_.dir() + "/loans-big.csv";
  ASSERT_TRUE(write_file(file, csv).ok());
  std::vector<std::string> args = node_args(cluster_, cluster_.home(0) + "/ca.pem");
  for (const auto& a :
       {"--json", "report", "upload", "--as", bank_.c_str(), "--template", "east-loans", "--period",
        period_.c_str(), "--file", file.c_str(), "--chunk-kib", "1", "--window", "1"}) {
    args.emplace_back(a);
  }
  // Killed (SIGKILL: no chance to tidy up) while chunks are still going in: about 270 chunks of
  // 1 KiB, one in flight at a time, take far longer than 6 s even on a fast machine.
  std::string cmd = "timeout -s KILL 6 " + std::string(RL_BINARY_DIR) + "/client/regledger";
  for (const auto& a : args) cmd += " '" + a + "'";
  cmd += " >" + cluster_.dir() + "/killed.out 2>&1";
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 137)
      << "the first upload should still be running after 6 s; status " << status;

  std::vector<std::string> again(args.begin() + static_cast<long>(node_args(cluster_, "x").size()),
                                 args.end());
  auto resumed = regledger(again);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  auto j = nlohmann::json::parse(resumed.out);
  const auto chunks = j["chunks"].get<std::size_t>();
  const auto skipped = j["chunks_skipped"].get<std::size_t>();
  EXPECT_GT(chunks, 100u);
  EXPECT_GT(skipped, 0u) << "the killed run committed some chunks";
  EXPECT_LT(skipped, chunks) << "and left some for the resumed run";
  EXPECT_EQ(j["size"].get<std::size_t>(), csv.size());
  EXPECT_EQ(resumed.err, "") << "--json: no progress output";
  const auto report_id = j["report_id"].get<std::string>();

  // Read back, each chunk checked against the listed hash.
  const auto out = cluster_.dir() + "/loans-back.csv";
  auto down =
      regledger({"--identity", bank_, "--json", "report", "download", report_id, "--out", out});
  ASSERT_EQ(down.exit_code, 0) << down.err;
  EXPECT_EQ(read_file(out, 64 << 20).value(), csv) << "reassembled byte for byte";
  EXPECT_EQ(nlohmann::json::parse(down.out)["sha256"], j["sha256"]);

  // Another institution learns nothing of it: not the report, not its chunks.
  const auto bank_b = enroll_bank("bank-b");
  ASSERT_FALSE(bank_b.empty());
  auto other = regledger({"--identity", bank_b, "report", "download", report_id, "--out",
                          cluster_.dir() + "/stolen.csv"});
  EXPECT_NE(other.exit_code, 0);
  EXPECT_TRUE(contains(other.err, "report_not_found")) << other.err;
  // The same bytes uploaded by bank-b are bank-b's own chunks: none is "already there".
  auto twin =
      regledger({"--json", "report", "upload", "--as", bank_b, "--template", "east-loans",
                 "--period", period_, "--file", file, "--chunk-kib", "1", "--window", "32"});
  ASSERT_EQ(twin.exit_code, 0) << twin.err;
  EXPECT_EQ(nlohmann::json::parse(twin.out)["chunks_skipped"], 0);

  // An export carries the dataset itself (docs/export.md "Large datasets"), and verify-bundle
  // checks it against the chunk ids of the receipt-verified report.
  const auto genesis = cluster_.home(0) + "/genesis.json";
  const auto bundle = cluster_.dir() + "/bundle-dataset";
  auto exported = regledger({"--identity", bank_, "--genesis", genesis, "--json", "export", "--org",
                             "bank-a", "--period", period_, "--out", bundle});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  const auto data_file = bundle + "/reports/" + report_id + ".data";
  const auto layout_file = bundle + "/reports/" + report_id + ".chunks.json";
  EXPECT_EQ(read_file(data_file, 64 << 20).value(), csv) << "the dataset, byte for byte";
  auto layout = nlohmann::json::parse(read_file(layout_file).value());
  EXPECT_EQ(layout["chunks"].size(), chunks);
  auto verified = regledger({"verify-bundle", bundle, "--genesis", genesis});
  ASSERT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  EXPECT_TRUE(contains(verified.out, "gives exactly the " + std::to_string(chunks) + " chunk ids"))
      << verified.out;
  // One flipped byte in the middle of the data, or in the layout, fails naming the report.
  for (const auto& [file, at] :
       {std::pair{data_file, csv.size() / 2}, std::pair{layout_file, std::size_t{40}}}) {
    const std::string good = read_file(file, 64 << 20).value();
    std::string bad = good;
    bad[at] = static_cast<char>(bad[at] ^ 0x01);
    ASSERT_TRUE(write_file(file, bad).ok());
    auto refused = regledger({"verify-bundle", bundle, "--genesis", genesis});
    EXPECT_EQ(refused.exit_code, 1) << file;
    EXPECT_TRUE(contains(refused.out + refused.err, "FAIL " + report_id)) << refused.out;
    ASSERT_TRUE(write_file(file, good).ok());
  }
  EXPECT_EQ(regledger({"verify-bundle", bundle, "--genesis", genesis}).exit_code, 0);
}

}  // namespace
}  // namespace rl::testing
