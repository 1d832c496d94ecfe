// POST /v1/devices/enroll: an admin of the owner organization (or a regulator admin), logged in,
// sends a device id and the device's CSR; the node's CA signs the device certificate, its
// operator submits RegisterDevice, and the answer carries the device's diversified MAC key. Each
// refusal has its own code and changes nothing: no transaction, no device record.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "client/lib/session.hpp"
#include "common/file_io.hpp"
#include "ledger/id_rules.hpp"
#include "ledger/state_keys.hpp"
#include "offline/key_hierarchy.hpp"
#include "tests/app/node_fixture.hpp"

namespace rl::testing {
namespace {

using nlohmann::json;

std::string csr_for(const crypto::PrivateKey& key, const std::string& cn) {
  auto csr = crypto::CertificateRequest::create(key, {cn, "RegLedger", "Devices", ""});
  EXPECT_TRUE(csr.ok());
  return csr->to_pem();
}

http::HttpResponse post_enroll(NodeFixture& node, const std::string& token, const json& body) {
  auto c = node.client();
  auto r = c.request("POST", "/v1/devices/enroll", body.dump(),
                     token.empty() ? http::HeaderList{} : client::bearer_headers(token));
  EXPECT_TRUE(r.ok());
  return *r;
}

bool device_recorded(const NodeFixture& node, const std::string& id) {
  auto raw = node.chain->state_value(ledger::keys::device(id));
  EXPECT_TRUE(raw.ok());
  return raw.ok() && raw->has_value();
}

class DeviceEnrollTest : public ::testing::Test {
 protected:
  void SetUp() override {
    a_admin_ = node_.enroll_reporter("bank-a", "a-admin", "0105", "institution", "admin");
    b_admin_ = node_.enroll_reporter("bank-b", "b-admin", "0105", "institution", "admin");
    a_rep_ = node_.enroll_reporter("bank-a", "a-rep", "0105");
  }

  json request(const std::string& id, const std::string& org, const std::string& csr) {
    return {{"device_id", id}, {"owner_org", org}, {"csr_pem", csr}};
  }
  json request_for(const std::string& id, const std::string& org = "bank-a") {
    return request(id, org, csr_for(key_, id));
  }

  // Refused with `status` and `code`; head, app hash, mempool and sessions unchanged, and the
  // device record for `device_id` neither created nor changed.
  void expect_refused(const std::string& token, const json& body, int status,
                      const std::string& code) {
    SCOPED_TRACE(code);
    const auto device_id = body.value("device_id", "");
    const bool existed = ledger::valid_id(device_id) && device_recorded(node_, device_id);
    auto before = node_.snapshot();
    auto r = post_enroll(node_, token, body);
    EXPECT_EQ(r.status, status) << r.body;
    auto j = json::parse(r.body, nullptr, false);
    EXPECT_EQ(j["error"]["code"], code) << r.body;
    EXPECT_FALSE(j.contains("mac_key"));
    EXPECT_EQ(node_.snapshot(), before);
    if (ledger::valid_id(device_id)) {
      EXPECT_EQ(device_recorded(node_, device_id), existed);
    }
  }

  NodeFixture node_;
  crypto::PrivateKey key_ = *crypto::PrivateKey::generate(node_.genesis.suite);
  std::optional<client::Identity> a_admin_, b_admin_, a_rep_;
};

TEST_F(DeviceEnrollTest, OrgAdminEnrollsADevice) {
  auto r = post_enroll(node_, node_.login(*a_admin_), request_for("dev-1"));
  ASSERT_EQ(r.status, 202) << r.body;  // the fixture's sealer runs when the test says
  auto j = json::parse(r.body);
  EXPECT_EQ(j["status"], "pending");
  EXPECT_EQ(j["committed"], false);
  EXPECT_EQ(j["device_id"], "dev-1");
  EXPECT_EQ(j["owner_org"], "bank-a");

  auto cert = crypto::Certificate::from_pem(j["certificate_pem"].get<std::string>());
  ASSERT_TRUE(cert.ok());
  EXPECT_EQ(cert->subject().common_name, "dev-1");
  EXPECT_EQ(cert->public_key().to_der(), key_.public_key().to_der());
  ASSERT_EQ(j["chain_pem"].size(), 1u);
  auto issuer = crypto::Certificate::from_pem(j["chain_pem"][0].get<std::string>());
  ASSERT_TRUE(issuer.ok());
  EXPECT_EQ(issuer->to_der(), node_.issuing_cert->to_der());
  EXPECT_TRUE(crypto::verify_chain(*cert, {*issuer}, {*crypto::Certificate::from_pem(node_.ca_pem)},
                                   {}, node::identity::AuthService::system_now_ms() / 1000)
                  .ok());

  auto want = offline::diversify_device_key(node_.genesis.suite, node_.offline_master_key, "dev-1");
  ASSERT_TRUE(want.ok());
  EXPECT_EQ(j["mac_key"], to_hex(*want));

  node_.seal();
  auto raw = *node_.chain->state_value(ledger::keys::device("dev-1"));
  ASSERT_TRUE(raw) << "RegisterDevice committed";
  ledger::pb::DeviceRecord rec;
  ASSERT_TRUE(rec.ParseFromArray(raw->data(), static_cast<int>(raw->size())));
  EXPECT_EQ(rec.owner_org(), "bank-a");
  EXPECT_EQ(rec.status(), "ACTIVE");
  EXPECT_EQ(rec.certificate_der(), to_string(cert->to_der()));
  EXPECT_EQ(rec.registered_by(), node_.admin->account) << "the node's operator signs";
}

TEST_F(DeviceEnrollTest, RegulatorAdminEnrollsForAnyOrganization) {
  auto pw = read_file(node_.admin->dir + "/password");
  ASSERT_TRUE(pw.ok());
  std::string password = *pw;
  while (!password.empty() && password.back() == '\n') password.pop_back();
  auto r = post_enroll(node_, node_.login(*node_.admin, password), request_for("dev-r", "bank-b"));
  ASSERT_EQ(r.status, 202) << r.body;
  node_.seal();
  EXPECT_TRUE(device_recorded(node_, "dev-r"));
}

TEST_F(DeviceEnrollTest, NotLoggedInIsRefused) {
  expect_refused("", request_for("dev-1"), 401, "session_required");
  expect_refused(std::string(64, 'a'), request_for("dev-1"), 401, "session_invalid");
}

TEST_F(DeviceEnrollTest, InstitutionNonAdminIsRefused) {
  expect_refused(node_.login(*a_rep_), request_for("dev-1"), 403, "permission_denied");
}

TEST_F(DeviceEnrollTest, AdminOfAnotherOrganizationIsRefused) {
  expect_refused(node_.login(*b_admin_), request_for("dev-1", "bank-a"), 403, "permission_denied");
}

TEST_F(DeviceEnrollTest, BadCsrIsRefused) {
  const auto token = node_.login(*a_admin_);
  expect_refused(token, request("dev-1", "bank-a", "-----BEGIN NOTHING-----"), 400, "bad_csr");
  expect_refused(token, request("dev-1", "bank-a", ""), 400, "bad_request");
  expect_refused(token, request("dev-1", "bank-a", std::string(17 * 1024, 'A')), 400,
                 "bad_request");  // over the CSR size limit of /v1/enroll
  auto sm2 = *crypto::PrivateKey::generate(crypto::Suite::kSm2Sm3);
  expect_refused(token, request("dev-1", "bank-a", csr_for(sm2, "dev-1")), 400, "wrong_key_type");
}

TEST_F(DeviceEnrollTest, CsrCommonNameMustBeTheDeviceId) {
  expect_refused(node_.login(*a_admin_), request("dev-1", "bank-a", csr_for(key_, "dev-2")), 400,
                 "subject_mismatch");
}

// Every decision is in the node's hash-chained audit log, with the caller, the outcome and the
// refusal's code.
TEST_F(DeviceEnrollTest, EveryDecisionIsAudited) {
  const auto token = node_.login(*a_admin_);
  ASSERT_EQ(post_enroll(node_, token, request_for("dev-1")).status, 202);
  expect_refused(token, request("dev-2", "bank-a", csr_for(key_, "dev-3")), 400,
                 "subject_mismatch");
  auto entries = node_.audit->read(1, 10000);
  ASSERT_TRUE(entries.ok()) << entries.error().to_string();
  std::vector<std::pair<std::string, std::string>> seen;  // (outcome, code)
  for (const auto& e : *entries) {
    if (e.event == "device_enroll" && e.account == a_admin_->account) {
      seen.emplace_back(e.outcome, e.code);
    }
  }
  const std::vector<std::pair<std::string, std::string>> want = {{"pending", ""},
                                                                 {"refused", "subject_mismatch"}};
  EXPECT_EQ(seen, want);
  EXPECT_TRUE(node_.audit->verify().ok());
}

TEST_F(DeviceEnrollTest, BadDeviceIdIsRefused) {
  const auto token = node_.login(*a_admin_);
  expect_refused(token, request_for("dev 1"), 400, "bad_field");
  // The id is checked before the CSR (whose CN could not be 65 bytes long anyway).
  expect_refused(token, request(std::string(65, 'd'), "bank-a", csr_for(key_, "dev-1")), 400,
                 "bad_field");
  expect_refused(token, request("", "bank-a", csr_for(key_, "dev-1")), 400, "bad_field");
}

TEST_F(DeviceEnrollTest, DuplicateDeviceIdIsRefused) {
  const auto token = node_.login(*a_admin_);
  ASSERT_EQ(post_enroll(node_, token, request_for("dev-1")).status, 202);
  node_.seal();
  ASSERT_TRUE(device_recorded(node_, "dev-1"));
  auto raw_before = *node_.chain->state_value(ledger::keys::device("dev-1"));
  auto other = *crypto::PrivateKey::generate(node_.genesis.suite);
  expect_refused(token, request("dev-1", "bank-a", csr_for(other, "dev-1")), 400, "device_exists");
  EXPECT_EQ(*node_.chain->state_value(ledger::keys::device("dev-1")), raw_before);
}

// A node without an issuing CA and operator does not enroll devices; one without the offline
// master key (not a validator's configuration, but possible for a tool or test node) neither.
TEST_F(DeviceEnrollTest, NodeWithoutCaOrMasterKeyIsUnavailable) {
  const auto token = node_.login(*a_admin_);
  node_.identity->set_device_enroll_service(nullptr);
  expect_refused(token, request_for("dev-1"), 503, "enroll_unavailable");

  node::identity::EnrollConfig ec{
      .ca = {*node_.issuing_cert, *node_.issuing_key},
      .op = {node_.admin->account, node_.admin->key, node_.admin->cert_id}};
  node::identity::DeviceEnrollService keyless(*node_.auth, ec, Bytes{});
  node_.identity->set_device_enroll_service(&keyless);
  expect_refused(token, request_for("dev-1"), 503, "enroll_unavailable");
  node_.identity->set_device_enroll_service(node_.device_enroll.get());
}

TEST(DeviceEnrollOfflineDisabledTest, NetworkWithoutOfflineSectionRefuses) {
  NodeFixture node({}, /*offline=*/false);
  auto admin = node.enroll_reporter("bank-a", "a-admin", "0105", "institution", "admin");
  auto key = *crypto::PrivateKey::generate(node.genesis.suite);
  const auto token = node.login(admin);
  auto before = node.snapshot();
  auto r = post_enroll(
      node, token,
      {{"device_id", "dev-1"}, {"owner_org", "bank-a"}, {"csr_pem", csr_for(key, "dev-1")}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(json::parse(r.body)["error"]["code"], "offline_disabled");
  EXPECT_EQ(node.snapshot(), before);
  EXPECT_FALSE(device_recorded(node, "dev-1"));
}

}  // namespace
}  // namespace rl::testing
