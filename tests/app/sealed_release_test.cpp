// The key channel of sealed reports (docs/sealed.md "Key services"): who gets a share, who is
// refused and with which level, and what t of n means with the real shares.
#include <gtest/gtest.h>

#include "crypto/envelope.hpp"
#include "crypto/shamir.hpp"
#include "ledger/sealed_access.hpp"
#include "tests/app/sealed_fixture.hpp"
#include "tests/support/must.hpp"

namespace rl::testing {
namespace {

using nlohmann::json;

constexpr const char* kFinding = R"({"finding":"sealed-marker-7f3a","amount":125000})";

class SealedReleaseTest : public SealedFixture {};

TEST_F(SealedReleaseTest, ReadersSatisfyingBothLevelsOpenTheReport) {
  const auto id = seal_and_submit(submitter_, kFinding);
  // Through T's kind, T's attribute granted by governance, S's role and S's department.
  for (const auto* reader : {&reg_auditor_, &fiu_auditor_, &aml_officer_}) {
    auto opened = open_as(*reader, id);
    ASSERT_TRUE(opened.ok()) << reader->account << ": " << opened.error().to_string();
    EXPECT_EQ(*opened, kFinding) << reader->account;
  }
}

// Each failing reader is refused by every key service with the level it failed, and the answer
// carries no share.
TEST_F(SealedReleaseTest, ReadersFailingALevelAreRefusedWithThatLevelAndGetNoShare) {
  const auto id = seal_and_submit(submitter_, kFinding);
  struct Case {
    const client::Identity* reader;
    std::string level;
    std::string open_code;  // what directed opening ends with
  };
  // A regulator's account fetches the ciphertext (supervisors read every report) and is then
  // refused its key; the others may not even fetch it.
  const std::vector<Case> cases = {{&bank_b_auditor_, "T", "report_not_found"},
                                   {&reg_reporter_, "S", "policy_refused"},
                                   {&bank_b_reporter_, "T and S", "report_not_found"}};
  for (const auto& [reader, level, open_code] : cases) {
    for (const auto& service : services_) {
      auto a = release_as(service, *reader, id);
      EXPECT_EQ(a.status, 403) << reader->account << " at " << service;
      EXPECT_EQ(a.code(), "policy_refused") << a;
      EXPECT_EQ(a.json()["error"]["failed"], level) << a;
      EXPECT_EQ(a.body.find("wrapped_share"), std::string::npos);
      // The refusal names no reader, organization or policy text.
      for (const char* secret : {kT, kS, "fiu", "aml"}) {
        EXPECT_EQ(a.body.find(secret), std::string::npos) << secret << " in " << a;
      }
    }
    auto opened = open_as(*reader, id);
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.error().code, open_code) << reader->account;
  }
}

TEST_F(SealedReleaseTest, RevokedCertificateIsRefused) {
  const auto id = seal_and_submit(submitter_, kFinding);
  const auto token = node_.login(reg_auditor_, NodeFixture::kPassword, "keys");
  node_.revoke_certificate(reg_auditor_.cert_id);
  auto body = must(client::release_request(reg_auditor_, id, "ks-node0", node_.now_ms()));
  auto a = release("ks-node0", token, body.dump());
  EXPECT_EQ(a.code(), "certificate_revoked") << a;
  EXPECT_EQ(a.body.find("wrapped_share"), std::string::npos);
}

TEST_F(SealedReleaseTest, SuspendedAccountIsRefused) {
  const auto id = seal_and_submit(submitter_, kFinding);
  const auto token = node_.login(reg_auditor_, NodeFixture::kPassword, "keys");
  node_.suspend_account(reg_auditor_.account);
  auto body = must(client::release_request(reg_auditor_, id, "ks-1", node_.now_ms()));
  auto a = release("ks-1", token, body.dump());
  EXPECT_EQ(a.code(), "account_suspended") << a;
}

TEST_F(SealedReleaseTest, NoSessionIsRefused) {
  const auto id = seal_and_submit(submitter_, kFinding);
  auto body = must(client::release_request(reg_auditor_, id, "ks-node0", node_.now_ms()));
  for (const auto& service : services_) {
    auto a = release(service, "", body.dump());
    EXPECT_EQ(a.code(), "session_required") << a;
    EXPECT_EQ(a.status, 401);
  }
}

// The two channels have separate sessions: a document token cannot ask for keys, a key token
// cannot read documents.
TEST_F(SealedReleaseTest, SessionScopesAreSeparate) {
  const auto id = seal_and_submit(submitter_, kFinding);
  const auto doc_token = node_.login(reg_auditor_);
  auto body = must(client::release_request(reg_auditor_, id, "ks-node0", node_.now_ms()));
  EXPECT_EQ(release("ks-node0", doc_token, body.dump()).code(), "session_wrong_scope");
  const auto key_token = node_.login(reg_auditor_, NodeFixture::kPassword, "keys");
  EXPECT_EQ(document(key_token, id).code(), "session_wrong_scope");
  auto r = node_.get(key_token, "/v1/reports/" + id);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(json::parse(r->body)["error"]["code"], "session_wrong_scope");
  // Still usable on its own channel.
  body = must(client::release_request(reg_auditor_, id, "ks-node0", node_.now_ms()));
  EXPECT_EQ(release("ks-node0", key_token, body.dump()).status, 200);
}

TEST_F(SealedReleaseTest, RequestMustBeSignedByTheSessionCertificateFreshAndUnused) {
  const auto id = seal_and_submit(submitter_, kFinding);
  const auto token = node_.login(reg_auditor_, NodeFixture::kPassword, "keys");
  // Signed by another account's key.
  auto forged = must(client::release_request(fiu_auditor_, id, "ks-node0", node_.now_ms()));
  EXPECT_EQ(release("ks-node0", token, forged.dump()).code(), "bad_release_signature");
  // Signed for another key service.
  auto elsewhere = must(client::release_request(reg_auditor_, id, "ks-1", node_.now_ms()));
  EXPECT_EQ(release("ks-node0", token, elsewhere.dump()).code(), "bad_release_signature");
  // Six minutes old.
  auto stale =
      must(client::release_request(reg_auditor_, id, "ks-node0", node_.now_ms() - 360'000));
  EXPECT_EQ(release("ks-node0", token, stale.dump()).code(), "stale_request");
  // The same request twice.
  auto once = must(client::release_request(reg_auditor_, id, "ks-node0", node_.now_ms()));
  EXPECT_EQ(release("ks-node0", token, once.dump()).status, 200);
  EXPECT_EQ(release("ks-node0", token, once.dump()).code(), "request_replayed");
  // Malformed.
  EXPECT_EQ(release("ks-node0", token, "{").code(), "bad_json");
  EXPECT_EQ(release("ks-node0", token, R"({"report_id":"x"})").code(), "bad_request");
}

TEST_F(SealedReleaseTest, UnknownReportAndForeignShareAreRefused) {
  const auto id = seal_and_submit(submitter_, kFinding);
  EXPECT_EQ(release_as("ks-node0", reg_auditor_, std::string(64, 'a')).code(), "report_not_found");
  // A report sealed to ks-1..ks-3 only: ks-node0 holds no share of it.
  std::string other;
  ASSERT_EQ(
      submit(submitter_, sealed_report(submitter_, kFinding, kS, 2, {}, {"ks-1", "ks-2", "ks-3"}),
             &other),
      "");
  EXPECT_EQ(release_as("ks-node0", reg_auditor_, other).code(), "no_share_here");
  EXPECT_EQ(release_as("ks-1", reg_auditor_, id).status, 200);
}

// t = 3 of n = 4: two key services up open nothing, three do.
TEST_F(SealedReleaseTest, FewerThanThresholdKeyServicesCannotOpenThresholdCan) {
  const auto id = seal_and_submit(submitter_, kFinding, kS, {}, 3);
  auto two = open_as(reg_auditor_, id, {"ks-node0", "ks-2"});
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.error().code, "key_check_failed");
  auto three = open_as(reg_auditor_, id, {"ks-node0", "ks-2", "ks-3"});
  ASSERT_TRUE(three.ok()) << three.error().to_string();
  EXPECT_EQ(*three, kFinding);
  auto other_three = open_as(reg_auditor_, id, {"ks-1", "ks-2", "ks-3"});
  ASSERT_TRUE(other_three.ok());
  EXPECT_EQ(*other_three, kFinding);
}

// t - 1 colluding key services decrypt their real shares from the ledger with their own private
// keys; the unauthorized reader gets nothing from the honest one; the t - 1 shares recover no
// key and the ciphertext does not open under what they give.
TEST_F(SealedReleaseTest, ThresholdMinusOneCollidingServicesAndUnauthorizedReaderCannotOpen) {
  const auto id = seal_and_submit(submitter_, kFinding, kS, {}, 3);
  auto report = must(ledger::load_sealed_report(*node_.chain, id));
  ASSERT_TRUE(report);
  const auto ctx = ledger::seal_context(node_.genesis.chain_id, *report);
  std::map<std::string, crypto::shamir::Share> stolen;
  for (const auto& s : report->sealed.seal().shares()) {
    auto y = crypto::decrypt_with(service_keys_.at(s.service()),
                                  ledger::sealing::share_aad(ctx, s.service(), s.x()),
                                  as_bytes(s.wrapped()));
    ASSERT_TRUE(y.ok()) << s.service();
    stolen[s.service()] = {static_cast<std::uint8_t>(s.x()), *y};
  }
  const auto doc = document(node_.login(reg_auditor_), id);
  auto fetched = must(client::parse_fetched_sealed(node_.genesis.chain_id, doc.json()));
  // Every pair of colluding services, plus the honest remaining ones refusing the reader.
  for (std::size_t a = 0; a < services_.size(); ++a) {
    for (std::size_t b = a + 1; b < services_.size(); ++b) {
      std::vector<crypto::shamir::Share> two = {stolen[services_[a]], stolen[services_[b]]};
      for (const auto& honest : services_) {
        if (honest == services_[a] || honest == services_[b]) continue;
        EXPECT_EQ(release_as(honest, bank_b_reporter_, id).code(), "policy_refused");
      }
      EXPECT_EQ(client::recover_data_key(node_.genesis.suite, fetched, two).error().code,
                "key_check_failed");
      auto guess = must(crypto::shamir::combine(two));
      EXPECT_FALSE(client::open_payload(node_.genesis.suite, fetched, guess).ok());
    }
  }
  // Three real shares do open: the stolen ones are genuine.
  std::vector<crypto::shamir::Share> three = {stolen["ks-node0"], stolen["ks-1"], stolen["ks-2"]};
  auto key = must(client::recover_data_key(node_.genesis.suite, fetched, three));
  EXPECT_EQ(to_string(must(client::open_payload(node_.genesis.suite, fetched, key))), kFinding);
}

// Copying another report's ciphertext and shares into one's own report with an open policy
// opens nothing: every share is bound to the submitter, organization and seal it was made for.
TEST_F(SealedReleaseTest, CopiedEnvelopeUnderAnotherSubmitterReleasesNothing) {
  auto original = sealed_report(submitter_, kFinding);
  std::string id;
  ASSERT_EQ(submit(submitter_, original, &id), "");
  auto thief = node_.enroll_reporter("bank-c", "bank-c-reporter", "0105");
  auto copy = original;
  copy.mutable_seal()->set_s_policy("kind:institution");
  copy.mutable_seal()->set_seal_id(std::string(16, 'x'));
  std::string copied;
  ASSERT_EQ(submit(thief, copy, &copied), "");
  // bank-b's auditor passes S of the copy ("kind:institution") but T still applies; the FIU
  // auditor passes both, and still gets nothing: the shares do not open under the copy's aad.
  auto a = release_as("ks-1", fiu_auditor_, copied);
  EXPECT_EQ(a.code(), "share_corrupt") << a;
  EXPECT_EQ(a.body.find("wrapped_share"), std::string::npos);
}

// Every decision is in the audit log before it is answered, with the failed level.
TEST_F(SealedReleaseTest, EveryReleaseAndRefusalIsAudited) {
  const auto id = seal_and_submit(submitter_, kFinding);
  const auto before = node_.audit->last_seq();
  ASSERT_EQ(release_as("ks-node0", reg_auditor_, id).status, 200);
  ASSERT_EQ(release_as("ks-2", bank_b_auditor_, id).code(), "policy_refused");
  auto entries = must(node_.audit->read(before + 1, 100));
  std::vector<std::string> releases;
  for (const auto& e : entries) {
    if (e.event != "key_release") continue;
    auto d = json::parse(e.detail);
    EXPECT_EQ(d["report_id"], id);
    releases.push_back(e.account + ":" + e.outcome + ":" + e.code + ":" + d.value("service", "") +
                       ":" + d.value("failed", ""));
  }
  EXPECT_EQ(releases, (std::vector<std::string>{"reg-auditor:ok::ks-node0:",
                                                "bank-b-auditor:refused:policy_refused:ks-2:T"}));
}

}  // namespace
}  // namespace rl::testing
