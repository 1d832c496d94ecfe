// The identity commands of the real `regledger` binary against a real regledgerd: login saves
// a session that query commands use, a wrong password is refused with its code, enrollment
// through the node yields a certificate the new key logs in with, and the audit log verifies
// for a regulator and is refused to a reporting unit.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "common/file_io.hpp"
#include "tests/client/cli_runner.hpp"
#include "tests/client/failover_fixture.hpp"

namespace rl::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

class CliIdentityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    try {
      net_ = std::make_unique<HonestNetwork>("client-cli-identity");
    } catch (const std::exception& e) {
      setup_error_ = e.what();
    }
  }
  static void TearDownTestSuite() { net_.reset(); }
  void SetUp() override { ASSERT_TRUE(net_) << "network did not start: " << setup_error_; }

  CliRun regledger(const std::vector<std::string>& args) {
    std::vector<std::string> all{"--node", net_->url, "--ca", net_->ca_path};
    all.insert(all.end(), args.begin(), args.end());
    return run_regledger(net_->dir, {}, all);
  }

  static std::unique_ptr<HonestNetwork> net_;
  static std::string setup_error_;
};

std::unique_ptr<HonestNetwork> CliIdentityTest::net_;
std::string CliIdentityTest::setup_error_;

TEST_F(CliIdentityTest, LoginSavesASessionThatQueriesUse) {
  auto login = regledger({"--identity", net_->reporter_dir, "login"});
  ASSERT_EQ(login.exit_code, 0) << login.err;
  EXPECT_TRUE(contains(login.out, "permission=0105")) << login.out;
  auto saved = read_file(net_->reporter_dir + "/session.json");
  ASSERT_TRUE(saved.ok());
  EXPECT_TRUE(json::parse(*saved).contains(net_->url));

  // With the saved session and no password at hand, queries still work.
  auto who = regledger({"--json", "--identity", net_->reporter_dir, "--password-file",
                        (net_->dir / "missing.pw").string(), "whoami"});
  ASSERT_EQ(who.exit_code, 0) << who.err;
  EXPECT_EQ(json::parse(who.out)["account"], "bank-a-reporting");
  auto list = regledger({"--identity", net_->reporter_dir, "report", "list", "--org", "bank-a"});
  EXPECT_EQ(list.exit_code, 0) << list.err;

  auto without = regledger({"report", "list", "--org", "bank-a"});
  EXPECT_NE(without.exit_code, 0);
  EXPECT_TRUE(contains(without.err, "session_required")) << without.err;
}

TEST_F(CliIdentityTest, WrongPasswordIsRefused) {
  auto pw = net_->dir / "wrong.pw";
  ASSERT_TRUE(write_file(pw.string(), "definitely not it\n").ok());
  auto r = regledger({"--identity", net_->reporter_dir, "--password-file", pw.string(), "login"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "bad_password")) << r.err;
}

TEST_F(CliIdentityTest, EnrollThroughTheNodeThenLogIn) {
  auto pw = (net_->dir / "second.pw").string();
  ASSERT_TRUE(write_file(pw, "a second long password\n").ok());
  auto reg =
      regledger({"account", "register", "--as", net_->admin_dir, "--id", "bank-a-second", "--org",
                 "bank-a", "--role", "reporter", "--permission", "0105", "--password-file", pw});
  ASSERT_EQ(reg.exit_code, 0) << reg.err;
  auto out = (net_->dir / "second").string();
  auto enroll =
      regledger({"enroll", "--account", "bank-a-second", "--password-file", pw, "--out", out});
  ASSERT_EQ(enroll.exit_code, 0) << enroll.err;
  EXPECT_TRUE(contains(enroll.out, "committed")) << enroll.out;
  EXPECT_TRUE(fs::exists(out + "/cert.pem"));
  auto login = regledger({"--identity", out, "--password-file", pw, "login"});
  EXPECT_EQ(login.exit_code, 0) << login.err;

  auto bad = regledger({"enroll", "--account", "bank-a-second", "--password-file",
                        (net_->dir / "wrong.pw").string(), "--out", out + "-x"});
  EXPECT_EQ(bad.exit_code, 1);
}

// `device enroll`: the key is made in DIR, the node's CA signs, RegisterDevice commits, and the
// directory is a device every other `device` subcommand opens. A non-admin is refused and no
// directory is written.
TEST_F(CliIdentityTest, DeviceEnrollThroughTheNode) {
  auto dir = (net_->dir / "dev-cli").string();
  auto r = regledger({"--genesis", net_->genesis_path, "device", "enroll", dir, "--id", "dev-cli",
                      "--owner", "bank-a", "--as", net_->admin_dir});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "committed")) << r.out;
  for (const char* f : {"genesis.json", "key.pem", "cert.pem", "chain.pem", "mac.key"}) {
    EXPECT_TRUE(fs::exists(fs::path(dir) / f)) << f;
  }
  EXPECT_EQ(fs::status(fs::path(dir) / "key.pem").permissions() & fs::perms::group_all,
            fs::perms::none);
  EXPECT_EQ(fs::status(fs::path(dir) / "mac.key").permissions() & fs::perms::others_all,
            fs::perms::none);
  auto show = regledger({"device", "show", dir});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_TRUE(contains(show.out, "dev-cli balance 0")) << show.out;

  auto again = regledger({"--genesis", net_->genesis_path, "device", "enroll", dir + "-2", "--id",
                          "dev-cli", "--owner", "bank-a", "--as", net_->admin_dir});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_TRUE(contains(again.err, "device_exists")) << again.err;
  EXPECT_FALSE(fs::exists(dir + "-2/key.pem"));
  auto denied = regledger({"--genesis", net_->genesis_path, "device", "enroll", dir + "-3", "--id",
                           "dev-cli-3", "--owner", "bank-a", "--as", net_->reporter_dir});
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_TRUE(contains(denied.err, "permission_denied")) << denied.err;
  EXPECT_FALSE(fs::exists(dir + "-3/key.pem"));
}

TEST_F(CliIdentityTest, AuditLogVerifiesForARegulatorOnly) {
  auto ok = regledger({"--identity", net_->admin_dir, "audit", "verify"});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_TRUE(contains(ok.out, "verified:")) << ok.out;
  auto refused = regledger({"--identity", net_->reporter_dir, "audit", "verify"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_TRUE(contains(refused.err, "permission_denied")) << refused.err;
}

// Organization scope through the CLI (issue #12): a second bank enrolled and reporting with the
// CLI itself; each bank lists and gets only its own reports (another bank's id fails like an
// unknown one), the regulator sees both, pages join up, and a governance read grant opens
// bank-b's reports to bank-a until it is revoked.
TEST_F(CliIdentityTest, EachBankListsAndGetsOnlyItsOwnReports) {
  const std::string admin = net_->admin_dir;
  const auto pw = (net_->dir / "bank-b.pw").string();
  const auto b_dir = (net_->dir / "bank-b-rep").string();
  ASSERT_TRUE(write_file(pw, "bank b's long password\n", true).ok());
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"org", "register", "--as", admin, "--id", "bank-b", "--name", "Bank B", "--kind",
            "institution"},
           {"account", "register", "--as", admin, "--id", "bank-b-rep", "--org", "bank-b",
            "--permission", "0105", "--password-file", pw},
           {"account", "enroll", "--as", admin, "--account", "bank-b-rep", "--org", "bank-b",
            "--issuer-cert", (net_->dir / "ca/issuing.pem").string(), "--issuer-key",
            (net_->dir / "ca/issuing.key").string(), "--out", b_dir}}) {
    auto r = regledger(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  ASSERT_TRUE(write_file(b_dir + "/password", "bank b's long password\n", true).ok());
  const auto report = (net_->dir / "bank-b-report.json").string();
  ASSERT_TRUE(write_file(report, R"({"institution":"bank-b","period":"2026-Q1",)"
                                 R"("cet1_ratio":11.8,"total_capital":5})")
                  .ok());
  auto sub = regledger({"report", "submit", "--as", b_dir, "--template", "capital-adequacy",
                        "--period", "2026-Q1", "--file", report, "--wait"});
  ASSERT_EQ(sub.exit_code, 0) << sub.err;

  auto list = [&](const std::string& who, std::vector<std::string> args) {
    std::vector<std::string> all{"--json", "--identity", who, "report", "list"};
    all.insert(all.end(), args.begin(), args.end());
    auto r = regledger(all);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? json::parse(r.out) : json::object();
  };
  auto b_own = list(b_dir, {});
  ASSERT_EQ(b_own["count"], 1) << b_own.dump();
  const std::string b_id = b_own["reports"][0]["report_id"];

  const std::string a_dir = net_->reporter_dir;
  EXPECT_EQ(list(a_dir, {"--org", "bank-b"})["count"], 0);
  auto by_template = list(a_dir, {"--template", "capital-adequacy", "--period", "2026-Q1"});
  ASSERT_GE(by_template["count"].get<int>(), 1);
  for (const auto& row : by_template["reports"]) EXPECT_EQ(row["org"], "bank-a");
  EXPECT_EQ(list(b_dir, {"--org", "bank-a"})["count"], 0);

  auto other = regledger({"--identity", a_dir, "report", "get", b_id});
  auto unknown = regledger({"--identity", a_dir, "report", "get", std::string(64, '0')});
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_TRUE(contains(other.err, "report_not_found")) << other.err;
  EXPECT_EQ(other.err, unknown.err);
  auto tx = regledger({"--identity", a_dir, "tx", "get", b_id});
  EXPECT_NE(tx.exit_code, 0);
  EXPECT_TRUE(contains(tx.err, "tx_not_found")) << tx.err;

  // The regulator admin (0199) sees both banks; one page at a time joins up to the whole list.
  auto everything = list(admin, {"--template", "capital-adequacy"});
  std::set<std::string> orgs;
  for (const auto& row : everything["reports"]) orgs.insert(row["org"]);
  EXPECT_EQ(orgs, (std::set<std::string>{"bank-a", "bank-b"}));
  auto first = list(admin, {"--template", "capital-adequacy", "--limit", "1"});
  EXPECT_EQ(first["count"], 1);
  EXPECT_TRUE(first.contains("next"));
  auto paged = list(admin, {"--template", "capital-adequacy", "--limit", "1", "--all"});
  EXPECT_EQ(paged["reports"], everything["reports"]);
  EXPECT_FALSE(paged.contains("next"));

  // A read grant by governance (the genesis regulator alone governs here), then its revocation.
  auto bad =
      regledger({"governance", "propose", "--as", admin, "--id", "g0", "--grant-read", "bank-a"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_TRUE(contains(bad.err, "--owner")) << bad.err;
  auto grant = regledger({"governance", "propose", "--as", admin, "--id", "g1", "--grant-read",
                          "bank-a", "--owner", "bank-b", "--only-template", "capital-adequacy"});
  ASSERT_EQ(grant.exit_code, 0) << grant.err;
  EXPECT_EQ(list(a_dir, {"--org", "bank-b"})["count"], 1);
  EXPECT_EQ(regledger({"--identity", a_dir, "report", "get", b_id}).exit_code, 0);
  EXPECT_EQ(list(b_dir, {"--org", "bank-a"})["count"], 0) << "a grant is one way";
  auto revoke = regledger({"governance", "propose", "--as", admin, "--id", "g2", "--revoke-read",
                           "bank-a", "--owner", "bank-b", "--only-template", "capital-adequacy"});
  ASSERT_EQ(revoke.exit_code, 0) << revoke.err;
  EXPECT_EQ(list(a_dir, {"--org", "bank-b"})["count"], 0);
}

// The validator-set actions of `governance propose` (decision 0041) reach the ledger and come
// back with the ledger's codes; the CLI refuses incomplete ones itself. (Nothing here executes:
// this network runs the single-validator sealer, which a second validator would halt.)
TEST_F(CliIdentityTest, GovernanceValidatorActionsReachTheLedger) {
  auto help = regledger({"governance", "propose", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* opt : {"--add-validator", "--remove-validator", "--set-power",
                          "--validator-cert", "--tls-cert", "--p2p", "--power"}) {
    EXPECT_TRUE(contains(help.out, opt)) << opt << "\n" << help.out;
  }
  auto last = regledger({"governance", "propose", "--as", net_->admin_dir, "--id", "rm-last",
                         "--remove-validator", "node0"});
  EXPECT_EQ(last.exit_code, 1);
  EXPECT_TRUE(contains(last.err, "last_validator")) << last.err;

  const auto node0_pem = (net_->dir / "nodes" / "node0" / "node.pem").string();
  auto dup = regledger({"governance", "propose", "--as", net_->admin_dir, "--id", "dup-key",
                        "--add-validator", "node9", "--validator-cert", node0_pem, "--p2p",
                        "127.0.0.1:1"});
  EXPECT_EQ(dup.exit_code, 1);
  EXPECT_TRUE(contains(dup.err, "duplicate_validator")) << dup.err;

  auto incomplete = regledger(
      {"governance", "propose", "--as", net_->admin_dir, "--id", "x", "--add-validator", "node9"});
  EXPECT_NE(incomplete.exit_code, 0);
  EXPECT_TRUE(contains(incomplete.err, "--validator-cert")) << incomplete.err;
  auto no_power = regledger(
      {"governance", "propose", "--as", net_->admin_dir, "--id", "y", "--set-power", "node0"});
  EXPECT_NE(no_power.exit_code, 0);
  EXPECT_TRUE(contains(no_power.err, "--power")) << no_power.err;
}

// Third-party access end to end with the real binaries (decision 0060): masking rules set by
// governance in the template JSON, a grant proposed from the CLI, the third party's masked read
// (the node holds the mask key genesis init wrote), a refusal with its code, and revocation.
TEST_F(CliIdentityTest, AThirdPartyReadsMaskedReportsWithinItsGrant) {
  const std::string admin = net_->admin_dir;
  const auto tmpl = (net_->dir / "capital-masked.json").string();
  ASSERT_TRUE(write_file(tmpl, R"({"id":"capital-adequacy","name":"Quarterly capital adequacy",)"
                               R"("data_level_floor":2,"required_fields":["institution","period",)"
                               R"("cet1_ratio","total_capital"],"masks":[)"
                               R"({"field":"institution","token":{}},)"
                               R"({"field":"cet1_ratio","round":{"significant_digits":1}},)"
                               R"({"field":"total_capital","bucket":{"boundaries":[0,1000000]}}]})")
                  .ok());
  auto upd = regledger(
      {"governance", "propose", "--as", admin, "--id", "tp-masks", "--update-template", tmpl});
  ASSERT_EQ(upd.exit_code, 0) << upd.err;

  const auto pw = (net_->dir / "bureau.pw").string();
  const auto tp_dir = (net_->dir / "bureau-reader").string();
  ASSERT_TRUE(write_file(pw, "the bureau's long password\n", true).ok());
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"org", "register", "--as", admin, "--id", "bureau", "--name", "Credit Bureau", "--kind",
            "third_party"},
           {"account", "register", "--as", admin, "--id", "bureau-reader", "--org", "bureau",
            "--permission", "1199", "--password-file", pw},
           {"account", "enroll", "--as", admin, "--account", "bureau-reader", "--org", "bureau",
            "--issuer-cert", (net_->dir / "ca/issuing.pem").string(), "--issuer-key",
            (net_->dir / "ca/issuing.key").string(), "--out", tp_dir}}) {
    auto r = regledger(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  ASSERT_TRUE(write_file(tp_dir + "/password", "the bureau's long password\n", true).ok());
  const auto report = (net_->dir / "masked-report.json").string();
  ASSERT_TRUE(write_file(report, R"({"institution":"bank-a","period":"2026-Q2",)"
                                 R"("cet1_ratio":13.37,"total_capital":987654})")
                  .ok());
  auto sub = regledger({"report", "submit", "--as", net_->reporter_dir, "--template",
                        "capital-adequacy", "--period", "2026-Q2", "--file", report, "--wait"});
  ASSERT_EQ(sub.exit_code, 0) << sub.err;

  auto grant =
      regledger({"governance", "propose", "--as", admin, "--id", "tp-grant", "--grant-third-party",
                 "g-bureau", "--third-party", "bureau", "--templates", "capital-adequacy", "--orgs",
                 "bank-a", "--valid-days", "30", "--rate-per-minute", "60"});
  ASSERT_EQ(grant.exit_code, 0) << grant.err;

  auto read = regledger({"--json", "--identity", tp_dir, "third-party", "reports", "--grant",
                         "g-bureau", "--period", "2026-Q2"});
  ASSERT_EQ(read.exit_code, 0) << read.err;
  const json page = json::parse(read.out);
  ASSERT_GE(page["count"].get<int>(), 1) << read.out;
  for (const auto& row : page["reports"]) {
    EXPECT_EQ(row["org"], "bank-a");
    const json& p = row["payload"];
    EXPECT_EQ(p["institution"].get<std::string>().rfind("tok_", 0), 0u) << p.dump();
    EXPECT_FALSE(p.contains("period")) << "no rule: dropped";
  }
  EXPECT_FALSE(contains(read.out, "987654")) << read.out;
  EXPECT_FALSE(contains(read.out, "13.37")) << read.out;
  EXPECT_TRUE(contains(read.out, "[0,1000000)")) << read.out;

  auto outside = regledger(
      {"--identity", tp_dir, "third-party", "reports", "--grant", "g-bureau", "--org", "bank-b"});
  EXPECT_EQ(outside.exit_code, 1);
  EXPECT_TRUE(contains(outside.err, "out_of_scope_org")) << outside.err;
  // The bank's ordinary routes are closed to the third party.
  auto ordinary = regledger({"--identity", tp_dir, "report", "list"});
  EXPECT_EQ(ordinary.exit_code, 1);
  EXPECT_TRUE(contains(ordinary.err, "permission_denied")) << ordinary.err;

  auto revoke = regledger({"governance", "propose", "--as", admin, "--id", "tp-revoke",
                           "--revoke-third-party", "g-bureau"});
  ASSERT_EQ(revoke.exit_code, 0) << revoke.err;
  auto after = regledger({"--identity", tp_dir, "third-party", "reports", "--grant", "g-bureau"});
  EXPECT_EQ(after.exit_code, 1);
  EXPECT_TRUE(contains(after.err, "grant_revoked")) << after.err;
}

}  // namespace
}  // namespace rl::testing
