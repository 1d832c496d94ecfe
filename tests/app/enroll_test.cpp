// POST /v1/enroll: account + password + CSR; the node's issuing CA signs, its operator submits
// the BindCertificate, and the holder can log in with the key that never left it. Hostile
// requests get their own codes and change nothing.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "client/lib/session.hpp"
#include "ledger/state_keys.hpp"
#include "tests/app/node_fixture.hpp"

namespace rl::testing {
namespace {

using nlohmann::json;

class EnrollTest : public ::testing::Test {
 protected:
  void SetUp() override { node_.register_account("bank-c", "bank-c-reporting", "0105"); }

  NodeSnapshot snapshot() const { return node_.snapshot(); }

  std::string csr_for(const crypto::PrivateKey& key, const std::string& cn) {
    auto csr = crypto::CertificateRequest::create(key, {cn, "bank-c", "", ""});
    EXPECT_TRUE(csr.ok());
    return csr->to_pem();
  }

  http::HttpResponse post(const std::string& account, const std::string& password,
                          const std::string& csr_pem) {
    auto c = node_.client();
    auto r =
        c.post("/v1/enroll",
               json{{"account", account}, {"password", password}, {"csr_pem", csr_pem}}.dump());
    EXPECT_TRUE(r.ok());
    return *r;
  }

  NodeFixture node_;
};

TEST_F(EnrollTest, EnrolledKeyLogsInAfterTheBindingCommits) {
  auto key = *crypto::PrivateKey::generate(node_.genesis.suite);
  auto r = post("bank-c-reporting", NodeFixture::kPassword, csr_for(key, "bank-c-reporting"));
  ASSERT_EQ(r.status, 202) << r.body;
  auto j = json::parse(r.body);
  EXPECT_EQ(j["status"], "pending");
  EXPECT_EQ(j["org"], "bank-c");
  auto cert = crypto::Certificate::from_pem(j["certificate_pem"].get<std::string>());
  ASSERT_TRUE(cert.ok());
  EXPECT_EQ(cert->public_key().to_der(), key.public_key().to_der());
  EXPECT_EQ(cert->subject().common_name, "bank-c-reporting");
  EXPECT_TRUE(crypto::verify_chain(*cert, {*node_.issuing_cert},
                                   {*crypto::Certificate::from_pem(node_.ca_pem)}, {},
                                   node::identity::AuthService::system_now_ms() / 1000)
                  .ok());

  node_.seal();
  auto id = cert->id(node_.genesis.suite);
  auto rec_raw = *node_.chain->state_value(ledger::keys::certificate(id));
  ASSERT_TRUE(rec_raw) << "BindCertificate committed";
  ledger::pb::CertificateRecord rec;
  ASSERT_TRUE(rec.ParseFromArray(rec_raw->data(), static_cast<int>(rec_raw->size())));
  EXPECT_EQ(rec.account_id(), "bank-c-reporting");

  client::Identity holder{
      "", "bank-c-reporting", "bank-c", node_.genesis.chain_id, node_.genesis.suite, key, *cert,
      id};
  auto c = node_.client();
  auto s = client::login_over(c, holder, NodeFixture::kPassword);
  EXPECT_TRUE(s.ok()) << s.error().to_string();
}

TEST_F(EnrollTest, HostileEnrollmentsHaveTheirOwnCodesAndChangeNothing) {
  auto key = *crypto::PrivateKey::generate(node_.genesis.suite);
  auto other_suite = *crypto::PrivateKey::generate(crypto::Suite::kSm2Sm3);
  struct Case {
    const char* name;
    std::string account;
    std::string password;
    std::string csr;
    int status;
    const char* code;
  };
  const std::vector<Case> cases = {
      {"wrong password", "bank-c-reporting", "wrong password!", csr_for(key, "bank-c-reporting"),
       401, "bad_password"},
      {"unknown account", "nobody", NodeFixture::kPassword, csr_for(key, "nobody"), 401,
       "account_unknown"},
      {"subject is another account", "bank-c-reporting", NodeFixture::kPassword,
       csr_for(key, "regulator-admin"), 400, "subject_mismatch"},
      {"key of another suite", "bank-c-reporting", NodeFixture::kPassword,
       csr_for(other_suite, "bank-c-reporting"), 400, "wrong_key_type"},
      {"not a CSR", "bank-c-reporting", NodeFixture::kPassword, "-----BEGIN NOTHING-----", 400,
       "bad_csr"},
  };
  for (const auto& k : cases) {
    SCOPED_TRACE(k.name);
    auto before = snapshot();
    auto r = post(k.account, k.password, k.csr);
    EXPECT_EQ(r.status, k.status) << r.body;
    auto j = json::parse(r.body, nullptr, false);
    EXPECT_EQ(j["error"]["code"], k.code) << r.body;
    EXPECT_EQ(snapshot(), before);
  }
}

TEST_F(EnrollTest, AdminApprovalOrganizationWaitsForItsAdmin) {
  const std::string org = NodeFixture::kAdminApprovedOrg;
  node_.register_account(org, "bank-d-reporting", "0105");
  auto key = *crypto::PrivateKey::generate(node_.genesis.suite);
  auto before = snapshot();
  auto r = post("bank-d-reporting", NodeFixture::kPassword, csr_for(key, "bank-d-reporting"));
  ASSERT_EQ(r.status, 202) << r.body;
  auto j = json::parse(r.body);
  EXPECT_EQ(j["status"], "awaiting_approval");
  EXPECT_FALSE(j.contains("certificate_pem"));
  const auto id = j["request_id"].get<std::string>();
  EXPECT_EQ(snapshot(), before) << "nothing is submitted before the approval";
  auto c = node_.client();
  EXPECT_EQ(json::parse(c.get("/v1/enroll/" + id)->body)["status"], "awaiting_approval");

  // Someone else's admin (or a non-admin) cannot approve.
  auto outsider = node_.enroll_reporter("bank-e", "bank-e-admin", "0105", "institution", "admin");
  auto refused = c.request("POST", "/v1/enroll/" + id + "/approve", "",
                           client::bearer_headers(node_.login(outsider)));
  EXPECT_EQ(refused->status, 403) << refused->body;
  EXPECT_EQ(json::parse(refused->body)["error"]["code"], "permission_denied");
  auto unknown = c.request("POST", "/v1/enroll/" + std::string(32, '0') + "/approve", "",
                           client::bearer_headers(node_.login(outsider)));
  EXPECT_EQ(unknown->status, 404) << unknown->body;

  auto admin = node_.enroll_reporter(org, "bank-d-admin", "0105", "institution", "admin");
  auto ok = c.request("POST", "/v1/enroll/" + id + "/approve", "",
                      client::bearer_headers(node_.login(admin)));
  ASSERT_EQ(ok->status, 202) << ok->body;
  EXPECT_EQ(json::parse(ok->body)["status"], "pending");
  node_.seal();
  auto done = c.get("/v1/enroll/" + id);
  ASSERT_EQ(done->status, 200) << done->body;
  auto dj = json::parse(done->body);
  EXPECT_EQ(dj["status"], "committed");
  auto cert = *crypto::Certificate::from_pem(dj["certificate_pem"].get<std::string>());
  client::Identity holder{
      "",   "bank-d-reporting",          org, node_.genesis.chain_id, node_.genesis.suite, key,
      cert, cert.id(node_.genesis.suite)};
  EXPECT_TRUE(client::login_over(c, holder, NodeFixture::kPassword).ok());
  // Approved once: the request no longer awaits.
  auto again = c.request("POST", "/v1/enroll/" + id + "/approve", "",
                         client::bearer_headers(node_.login(admin)));
  EXPECT_EQ(again->status, 404) << again->body;
}

}  // namespace
}  // namespace rl::testing
