// `regledger export` and `regledger verify-bundle` with the real binaries (docs/export.md):
// four regledgerd validators from `genesis init`, reports of two banks for two periods (one of
// them sealed); an export of bank-a's 2026-Q3 holds exactly those reports, verifies offline,
// and fails naming the item when any file has a flipped byte; bank-b's account exporting
// bank-a gets an empty bundle that says nothing about bank-a.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "common/file_io.hpp"
#include "tests/client/cli_runner.hpp"
#include "tests/support/cluster.hpp"

namespace rl::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kPassword = "a long account password\n";
constexpr const char* kMarker = "export-sealed-marker-51c0";

struct Net {
  Cluster cluster{options()};
  std::string ca, admin, genesis, a_rep, b_rep;
  std::set<std::string> a_q3;  // bank-a's 2026-Q3 report ids
  std::string a_sealed, a_q4, b_q3, b_q4;

  static ClusterOptions options() {
    ClusterOptions o;
    o.name = "cli-export";
    o.read_access = "session";
    return o;
  }
};

class CliExportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    try {
      net_ = std::make_unique<Net>();
      net_->cluster.start_all();
      if (!net_->cluster.wait_height({0, 1, 2, 3}, 2, std::chrono::seconds(60))) {
        setup_error_ = "no blocks: " + net_->cluster.all_logs_tail();
        return;
      }
      setup_error_ = populate();
    } catch (const std::exception& e) {
      setup_error_ = e.what();
    }
  }
  static void TearDownTestSuite() { net_.reset(); }
  void SetUp() override {
    ASSERT_TRUE(net_ && setup_error_.empty()) << "network did not start: " << setup_error_;
  }

  static CliRun regledger(std::vector<std::string> args) {
    std::vector<std::string> all;
    for (std::size_t i = 0; i < net_->cluster.size(); ++i) {
      all.push_back("--node");
      all.push_back("https://127.0.0.1:" + std::to_string(net_->cluster.target(i).port));
    }
    all.push_back("--ca");
    all.push_back(net_->ca);
    all.insert(all.end(), args.begin(), args.end());
    return run_regledger(net_->cluster.dir(), {}, all);
  }

  // Runs `args`; "" when it exited 0, else what it printed.
  static std::string ok(const std::vector<std::string>& args) {
    auto r = regledger(args);
    return r.exit_code == 0 ? "" : "`" + args[0] + " " + args[1] + "`: " + r.err;
  }

  static std::string enroll(const std::string& org, const std::string& account,
                            std::string* error) {
    const auto dir = net_->cluster.dir();
    const auto pw = dir + "/accounts.pw";
    const auto out = dir + "/ids/" + account;
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"org", "register", "--as", net_->admin, "--id", org, "--name", org, "--kind",
              "institution"},
             {"account", "register", "--as", net_->admin, "--id", account, "--org", org, "--role",
              "reporter", "--permission", "0105", "--password-file", pw},
             {"account", "enroll", "--as", net_->admin, "--account", account, "--org", org,
              "--issuer-cert", dir + "/ca/issuing.pem", "--issuer-key", dir + "/ca/issuing.key",
              "--out", out}}) {
      if (auto e = ok(args); !e.empty()) *error += e;
    }
    if (!write_file(out + "/password", kPassword, true).ok()) *error += "password file";
    return out;
  }

  // Submits a capital adequacy report; returns its id ("" on failure, with `error` set).
  static std::string submit(const std::string& as, const std::string& period, int n,
                            std::string* error, bool sealed = false) {
    const auto dir = net_->cluster.dir();
    const auto file = dir + "/report-" + std::to_string(n) + ".json";
    std::string inst = fs::path(as).filename().string().substr(0, 6);
    std::string body = R"({"institution":")" + inst + R"(","period":")" + period +
                       R"(","cet1_ratio":1)" + std::to_string(n) + R"(.5,"total_capital":)" +
                       std::to_string(1000 + n) +
                       (sealed ? std::string(R"(,"note":")") + kMarker + "\"" : "") + "}";
    if (!write_file(file, body).ok()) return "";
    std::vector<std::string> args{
        "report",   "submit", "--as",   as,   "--template", "capital-adequacy",
        "--period", period,   "--file", file, "--wait"};
    if (sealed) {
      args.push_back("--seal");
      args.push_back(dir + "/seal-policy.json");
    }
    auto r = regledger(args);
    std::smatch m;
    if (r.exit_code != 0 || !std::regex_search(r.out, m, std::regex("tx_id=([0-9a-f]{64})"))) {
      *error += "submit: " + r.err;
      return "";
    }
    return m[1];
  }

  static std::string populate() {
    Net& n = *net_;
    n.ca = n.cluster.home(0) + "/ca.pem";
    n.genesis = n.cluster.home(0) + "/genesis.json";
    n.admin = n.cluster.dir() + "/accounts/regulator-admin";
    const auto dir = n.cluster.dir();
    if (!write_file(dir + "/accounts.pw", kPassword).ok()) return "password";
    std::string err;
    n.a_rep = enroll("bank-a", "bank-a-rep", &err);
    n.b_rep = enroll("bank-b", "bank-b-rep", &err);
    err += ok({"governance", "propose", "--as", n.admin, "--id", "t-1", "--set-sealing-policy",
               "fiu-findings", "--policy", "kind:regulator"});
    if (!write_file(dir + "/seal-policy.json",
                    R"({"t_policy":"fiu-findings","s_policy":"role:auditor","threshold":3})")
             .ok()) {
      return "seal policy";
    }
    if (!err.empty()) return err;
    n.a_q3.insert(submit(n.a_rep, "2026-Q3", 1, &err));
    n.b_q3 = submit(n.b_rep, "2026-Q3", 2, &err);
    n.a_q4 = submit(n.a_rep, "2026-Q4", 3, &err);
    n.a_q3.insert(submit(n.a_rep, "2026-Q3", 4, &err));
    n.b_q4 = submit(n.b_rep, "2026-Q4", 5, &err);
    n.a_sealed = submit(n.a_rep, "2026-Q3", 6, &err, true);
    n.a_q3.insert(n.a_sealed);
    return err;
  }

  static CliRun export_as(const std::string& who, const std::string& org, const std::string& period,
                          const std::string& out, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"--identity", who,     "--genesis", net_->genesis,
                                  "export",     "--org", org,         "--period",
                                  period,       "--out", out};
    args.insert(args.end(), extra.begin(), extra.end());
    return regledger(args);
  }
  static CliRun verify(const std::string& dir, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"verify-bundle", dir, "--genesis", net_->genesis};
    args.insert(args.end(), extra.begin(), extra.end());
    return regledger(args);
  }
  static std::set<std::string> manifest_ids(const std::string& dir) {
    std::set<std::string> ids;
    auto j = json::parse(read_file(dir + "/manifest.json").value());
    for (const auto& it : j["items"]) ids.insert(it["report_id"].get<std::string>());
    return ids;
  }
  static std::set<std::string> files_in(const std::string& dir) {
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
    return names;
  }

  static std::unique_ptr<Net> net_;
  static std::string setup_error_;
};

std::unique_ptr<Net> CliExportTest::net_;
std::string CliExportTest::setup_error_;

TEST_F(CliExportTest, ExportHoldsExactlyTheOrgsPeriodAndVerifiesOffline) {
  const auto out = net_->cluster.dir() + "/export-a";
  auto ex = export_as(net_->a_rep, "bank-a", "2026-Q3", out);
  ASSERT_EQ(ex.exit_code, 0) << ex.err;
  EXPECT_TRUE(contains(ex.out, "exported 3 report(s) of org bank-a for period 2026-Q3")) << ex.out;
  EXPECT_TRUE(contains(ex.out, "1 sealed")) << ex.out;
  EXPECT_EQ(manifest_ids(out), net_->a_q3);
  std::set<std::string> payloads, receipts;
  for (const auto& id : net_->a_q3) {
    payloads.insert(id + ".payload");
    receipts.insert(id + ".json");
  }
  EXPECT_EQ(files_in(out + "/reports"), payloads);
  EXPECT_EQ(files_in(out + "/receipts"), receipts);
  EXPECT_EQ(files_in(out), (std::set<std::string>{"manifest.json", "receipts", "reports"}));

  auto m = json::parse(read_file(out + "/manifest.json").value());
  EXPECT_EQ(m["chain_id"], net_->cluster.genesis().chain_id);
  EXPECT_EQ(m["exporter"], "bank-a-rep");
  EXPECT_EQ(m["query"]["org"], "bank-a");
  for (const auto& it : m["items"]) {
    EXPECT_EQ(it["org_id"], "bank-a");
    EXPECT_EQ(it["period"], "2026-Q3");
    EXPECT_EQ(it["submitter"], "bank-a-rep");
    EXPECT_EQ(it["sealed"], it["report_id"] == net_->a_sealed);
  }
  // The sealed report is exported as its ciphertext.
  auto sealed = read_file(out + "/reports/" + net_->a_sealed + ".payload").value();
  EXPECT_EQ(sealed.find(kMarker), std::string::npos);

  auto v = verify(out);
  ASSERT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_TRUE(contains(v.out, "VERIFIED: 3 of 3 report(s)")) << v.out;
  for (const auto& id : net_->a_q3) EXPECT_TRUE(contains(v.out, "ok   " + id)) << v.out;
  EXPECT_TRUE(contains(v.out, "completeness")) << v.out;
  auto vj = verify(out, {"--json"});
  ASSERT_EQ(vj.exit_code, 0) << vj.err;
  auto result = json::parse(vj.out);
  EXPECT_EQ(result["ok"], true);
  EXPECT_EQ(result["verified"], 3);
  EXPECT_EQ(result["failed"], 0);

  // Not into a non-empty directory unless --force; --json prints the summary and nothing else.
  auto again = export_as(net_->a_rep, "bank-a", "2026-Q3", out);
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_TRUE(contains(again.err, "out_not_empty")) << again.err;
  auto forced = export_as(net_->a_rep, "bank-a", "2026-Q3", out, {"--force", "--json"});
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  auto summary = json::parse(forced.out);
  EXPECT_EQ(summary["exported"], 3);
  EXPECT_EQ(summary["sealed"], 1);
  EXPECT_EQ(verify(out).exit_code, 0);

  // The regulator sees every bank: its export of bank-a's 2026-Q3 is the same set, bank-b's
  // and the other period's reports left out by the query.
  const auto reg = net_->cluster.dir() + "/export-reg";
  auto by_reg = export_as(net_->admin, "bank-a", "2026-Q3", reg);
  ASSERT_EQ(by_reg.exit_code, 0) << by_reg.err;
  EXPECT_EQ(manifest_ids(reg), net_->a_q3);
  EXPECT_EQ(verify(reg).exit_code, 0);
  const auto reg_b = net_->cluster.dir() + "/export-reg-b4";
  ASSERT_EQ(export_as(net_->admin, "bank-b", "2026-Q4", reg_b).exit_code, 0);
  EXPECT_EQ(manifest_ids(reg_b), std::set<std::string>{net_->b_q4});
}

TEST_F(CliExportTest, AFlippedByteInAnyFileFailsNamingTheItem) {
  const auto out = net_->cluster.dir() + "/export-flip";
  ASSERT_EQ(export_as(net_->a_rep, "bank-a", "2026-Q3", out).exit_code, 0);
  std::vector<std::pair<std::string, std::string>> files = {{"manifest.json", "manifest.json"}};
  for (const auto& id : net_->a_q3) {
    files.push_back({"reports/" + id + ".payload", id});
    files.push_back({"receipts/" + id + ".json", id});
  }
  for (const auto& [file, subject] : files) {
    const auto path = out + "/" + file;
    const auto original = read_file(path).value();
    for (std::size_t at : {std::size_t{0}, original.size() / 2, original.size() - 1}) {
      std::string bad = original;
      bad[at] = static_cast<char>(bad[at] ^ 0x01);
      ASSERT_TRUE(write_file(path, bad).ok());
      auto v = verify(out);
      EXPECT_EQ(v.exit_code, 1) << file << " byte " << at;
      EXPECT_TRUE(contains(v.out, "FAIL " + subject)) << file << " byte " << at << "\n" << v.out;
      EXPECT_TRUE(contains(v.out, "FAILED")) << v.out;
    }
    ASSERT_TRUE(write_file(path, original).ok());
  }
  const auto payload = out + "/reports/" + *net_->a_q3.begin() + ".payload";
  const auto saved = read_file(payload).value();
  auto changed = saved;
  changed[changed.size() / 2] = static_cast<char>(changed[changed.size() / 2] ^ 0x01);
  ASSERT_TRUE(write_file(payload, changed).ok());
  auto v = verify(out);
  EXPECT_TRUE(contains(
      v.out, "FAIL " + *net_->a_q3.begin() + ": payload differs from the receipt's transaction"))
      << v.out;
  ASSERT_TRUE(write_file(payload, saved).ok());

  ASSERT_TRUE(write_file(out + "/reports/extra.payload", "{}").ok());
  v = verify(out);
  EXPECT_EQ(v.exit_code, 1);
  EXPECT_TRUE(contains(v.out, "FAIL reports/extra.payload: not named by the manifest")) << v.out;
  fs::remove(out + "/reports/extra.payload");

  const auto receipt = out + "/receipts/" + net_->a_sealed + ".json";
  fs::rename(receipt, receipt + ".bak");
  v = verify(out, {"--json"});
  EXPECT_EQ(v.exit_code, 1);
  auto j = json::parse(v.out);
  EXPECT_EQ(j["failed"], 1);
  bool named = false;
  for (const auto& it : j["items"]) {
    if (it["report_id"] == net_->a_sealed) {
      named = it["ok"] == false && contains(it["failure"].get<std::string>(), "is missing");
    }
  }
  EXPECT_TRUE(named) << v.out;
  bool stray = false;
  for (const auto& e : j["errors"]) {
    stray = stray || e["file"] == "receipts/" + net_->a_sealed + ".json.bak";
  }
  EXPECT_TRUE(stray) << v.out;
  fs::rename(receipt + ".bak", receipt);
  EXPECT_EQ(verify(out).exit_code, 0);
}

TEST_F(CliExportTest, AnotherBanksAccountLearnsNothingAboutBankA) {
  const auto out = net_->cluster.dir() + "/export-b-of-a";
  auto ex = export_as(net_->b_rep, "bank-a", "2026-Q3", out, {"--json"});
  ASSERT_EQ(ex.exit_code, 0) << ex.err;
  EXPECT_EQ(json::parse(ex.out)["exported"], 0);
  EXPECT_TRUE(manifest_ids(out).empty());
  EXPECT_TRUE(files_in(out + "/reports").empty());
  // Exactly what an organization that does not exist yields.
  const auto none = net_->cluster.dir() + "/export-b-of-nobody";
  auto ghost = export_as(net_->b_rep, "bank-zz", "2026-Q3", none, {"--json"});
  ASSERT_EQ(ghost.exit_code, 0) << ghost.err;
  EXPECT_EQ(json::parse(ghost.out)["exported"], 0);
  for (const auto& id : net_->a_q3) {
    EXPECT_FALSE(contains(ex.out + ex.err, id));
    EXPECT_FALSE(contains(read_file(out + "/manifest.json").value(), id));
  }
  EXPECT_FALSE(contains(ex.err, "bank-a-rep"));
  auto v = verify(out);
  EXPECT_EQ(v.exit_code, 0) << v.out;
  EXPECT_TRUE(contains(v.out, "VERIFIED: 0 of 0")) << v.out;

  // bank-b's own export holds its own report only.
  const auto own = net_->cluster.dir() + "/export-b";
  ASSERT_EQ(export_as(net_->b_rep, "bank-b", "2026-Q3", own).exit_code, 0);
  EXPECT_EQ(manifest_ids(own), std::set<std::string>{net_->b_q3});
  EXPECT_EQ(verify(own).exit_code, 0);

  // No genesis: export refuses rather than write unverified receipts.
  auto no_genesis = regledger({"--identity", net_->b_rep, "export", "--org", "bank-b", "--period",
                               "2026-Q3", "--out", net_->cluster.dir() + "/export-x"});
  EXPECT_EQ(no_genesis.exit_code, 1);
  EXPECT_TRUE(contains(no_genesis.err, "bad_genesis")) << no_genesis.err;
  EXPECT_FALSE(fs::exists(net_->cluster.dir() + "/export-x"));
}

}  // namespace
}  // namespace rl::testing
