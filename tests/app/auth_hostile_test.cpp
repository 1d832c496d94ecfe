// Hostile logins and reads through the real HTTPS server (issue #5, "Must show"): each attempt
// is answered with its own error code, issues no session, and leaves the ledger (height,
// app_hash) as it was.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "client/lib/session.hpp"
#include "common/file_io.hpp"
#include "crypto/symmetric.hpp"
#include "ledger/state_keys.hpp"
#include "proto/login_sign_bytes.hpp"
#include "tests/app/node_fixture.hpp"

namespace rl::testing {
namespace {

using nlohmann::json;

constexpr std::int64_t kLockoutMs = 60'000;
constexpr std::int64_t kChallengeTtlMs = 30'000;
constexpr std::uint32_t kMaxFailures = 3;

node::identity::AuthConfig test_auth_config() {
  node::identity::AuthConfig c;
  c.max_failures = kMaxFailures;
  c.lockout_ms = kLockoutMs;
  c.challenge_ttl_ms = kChallengeTtlMs;
  return c;
}

// What one login attempt sends; the defaults are the honest values for `id`.
struct Attempt {
  std::string account;
  std::string password = NodeFixture::kPassword;
  std::string certificate_pem;
  const crypto::PrivateKey* signing_key = nullptr;
  std::string challenge_account;  // whose challenge is used (default: account)
};

class AuthHostileTest : public ::testing::Test {
 protected:
  AuthHostileTest() : node_(test_auth_config()) {}

  void SetUp() override {
    bank_a_ = node_.enroll_reporter("bank-a", "bank-a-reporting", "0105");
    bank_b_ = node_.enroll_reporter("bank-b", "bank-b-reporting", "0105");
  }

  NodeSnapshot snapshot() const { return node_.snapshot(); }
  // Certificates are dated by the node's injected clock, which only the test moves.
  std::int64_t now_s() const { return node_.now_ms() / 1000; }

  Attempt honest(const client::Identity& id) const {
    Attempt a;
    a.account = id.account;
    a.certificate_pem = id.cert.to_pem();
    a.signing_key = &id.key;
    return a;
  }

  json challenge_for(const std::string& account) {
    auto c = node_.client();
    auto r = c.post("/v1/auth/challenge", json{{"account", account}}.dump());
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r->status, 200) << r->body;
    return json::parse(r->body);
  }

  http::HttpResponse send_login(const Attempt& a, const json& challenge) {
    auto raw = from_base64(challenge["challenge"].get<std::string>());
    EXPECT_TRUE(raw.ok());
    auto sig =
        crypto::sign(*a.signing_key, node::identity::login_message(node_.genesis.chain_id, *raw));
    EXPECT_TRUE(sig.ok());
    json body = {{"account", a.account},
                 {"password", a.password},
                 {"certificate_pem", a.certificate_pem},
                 {"challenge_id", challenge["challenge_id"]},
                 {"signature", to_base64(*sig)}};
    auto c = node_.client();
    auto r = c.post("/v1/auth/login", body.dump());
    EXPECT_TRUE(r.ok());
    return *r;
  }

  http::HttpResponse login(const Attempt& a) {
    return send_login(a,
                      challenge_for(a.challenge_account.empty() ? a.account : a.challenge_account));
  }

  static std::string code_of(const http::HttpResponse& r) {
    auto j = json::parse(r.body, nullptr, false);
    if (!j.is_object() || !j.contains("error")) return "";
    return j["error"].value("code", "");
  }

  // A certificate for `key` with the subject of `account`, issued by `issuer`.
  crypto::Certificate issue(const crypto::Certificate& issuer, const crypto::PrivateKey& issuer_key,
                            const crypto::PrivateKey& key, const std::string& account,
                            std::int64_t not_before, std::int64_t not_after) {
    auto csr = crypto::CertificateRequest::create(key, {account, "bank-a", "", ""});
    EXPECT_TRUE(csr.ok());
    crypto::IssueOptions io;
    io.not_before = not_before;
    io.not_after = not_after;
    auto cert = crypto::issue_certificate(issuer, issuer_key, *csr, io);
    EXPECT_TRUE(cert.ok()) << cert.error().to_string();
    return *cert;
  }

  // A root CA made by the openssl CLI (`openssl req -x509`), which genesis does not trust.
  std::pair<crypto::Certificate, crypto::PrivateKey> openssl_rogue_ca() {
    auto dir = node_.dir / "rogue";
    std::filesystem::create_directories(dir);
    std::string cmd =
        std::string("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 ") +
        "-nodes -days 30 -subj /CN=rogue-root -addext basicConstraints=critical,CA:TRUE " +
        "-addext keyUsage=critical,keyCertSign,cRLSign -keyout " + (dir / "ca.key").string() +
        " -out " + (dir / "ca.pem").string() + " > /dev/null 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
    auto cert = crypto::Certificate::from_pem(*read_file((dir / "ca.pem").string()));
    auto key = crypto::PrivateKey::from_pem(*read_file((dir / "ca.key").string()));
    EXPECT_TRUE(cert.ok() && key.ok());
    // openssl dates the CA from the wall clock; the node's clock, which only the test moves, is
    // moved up to that date so that the CA is already valid.
    const std::int64_t valid_from_ms = cert->not_before() * 1000;
    if (node_.now_ms() < valid_from_ms) node_.clock_offset_ms += valid_from_ms - node_.now_ms();
    return {*cert, *key};
  }

  NodeFixture node_;
  std::optional<client::Identity> bank_a_;
  std::optional<client::Identity> bank_b_;
};

TEST_F(AuthHostileTest, HonestLoginIssuesASessionWithStructuredPermission) {
  auto r = login(honest(*bank_a_));
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json::parse(r.body);
  EXPECT_EQ(j["token"].get<std::string>().size(), 64u);
  EXPECT_EQ(j["account"], "bank-a-reporting");
  EXPECT_EQ(j["permission"],
            (json{{"code", "0105"}, {"input", true}, {"output", true}, {"level", 5}}));
  EXPECT_GT(j["expires_at"].get<std::int64_t>(), node_.now_ms());
  EXPECT_EQ(node_.auth->session_count(), 1u);
}

TEST_F(AuthHostileTest, EachHostileLoginHasItsOwnCodeAndChangesNothing) {
  auto stranger_key = *crypto::PrivateKey::generate(node_.genesis.suite);
  auto rogue = openssl_rogue_ca();
  const auto rogue_cert = issue(rogue.first, rogue.second, bank_a_->key, bank_a_->account,
                                now_s() - 60, now_s() + 3600);
  const auto expired_cert = issue(*node_.issuing_cert, *node_.issuing_key, bank_a_->key,
                                  bank_a_->account, now_s() - 7200, now_s() - 3600);

  struct Case {
    const char* name;
    std::function<http::HttpResponse()> attempt;
    int status;
    const char* code;
  };
  const std::vector<Case> cases = {
      {"wrong password",
       [&] {
         auto a = honest(*bank_a_);
         a.password = "not the password";
         return login(a);
       },
       401, "bad_password"},
      {"right password, another account's certificate",
       [&] {
         auto a = honest(*bank_a_);
         a.certificate_pem = bank_b_->cert.to_pem();
         a.signing_key = &bank_b_->key;
         return login(a);
       },
       403, "certificate_not_bound"},
      {"certificate from an openssl req -x509 CA that genesis does not trust",
       [&] {
         auto a = honest(*bank_a_);
         a.certificate_pem = rogue_cert.to_pem();
         return login(a);
       },
       401, "certificate_untrusted"},
      {"expired certificate",
       [&] {
         auto a = honest(*bank_a_);
         a.certificate_pem = expired_cert.to_pem();
         return login(a);
       },
       403, "certificate_expired"},
      {"challenge signed by a different key",
       [&] {
         auto a = honest(*bank_a_);
         a.signing_key = &stranger_key;
         return login(a);
       },
       401, "bad_login_signature"},
      {"challenge issued for another account",
       [&] {
         auto a = honest(*bank_a_);
         a.challenge_account = bank_b_->account;
         return login(a);
       },
       401, "challenge_wrong_account"},
      {"unknown challenge",
       [&] {
         return send_login(honest(*bank_a_),
                           json{{"challenge_id", std::string(32, '0')},
                                {"challenge", to_base64(crypto::random_bytes(32))}});
       },
       401, "challenge_unknown"},
      {"expired challenge",
       [&] {
         auto ch = challenge_for(bank_a_->account);
         node_.clock_offset_ms += kChallengeTtlMs + 1;
         auto r = send_login(honest(*bank_a_), ch);
         node_.clock_offset_ms -= kChallengeTtlMs + 1;
         return r;
       },
       401, "challenge_expired"},
      {"unknown account",
       [&] {
         auto c = node_.client();
         return *c.post("/v1/auth/challenge", json{{"account", "nobody"}}.dump());
       },
       401, "account_unknown"},
  };
  for (const auto& k : cases) {
    SCOPED_TRACE(k.name);
    auto before = snapshot();
    auto r = k.attempt();
    EXPECT_EQ(r.status, k.status) << r.body;
    EXPECT_EQ(code_of(r), k.code) << r.body;
    EXPECT_EQ(snapshot(), before) << "no session, no ledger change";
    // Failures count towards the lockout; start each case from a clean slate.
    node_.clock_offset_ms += kLockoutMs + 1;
  }
}

TEST_F(AuthHostileTest, ReplayedChallengeIsRefused) {
  auto ch = challenge_for(bank_a_->account);
  auto first = send_login(honest(*bank_a_), ch);
  ASSERT_EQ(first.status, 200) << first.body;
  auto before = snapshot();
  auto again = send_login(honest(*bank_a_), ch);
  EXPECT_EQ(again.status, 401) << again.body;
  EXPECT_EQ(code_of(again), "challenge_used");
  EXPECT_EQ(snapshot(), before);
}

TEST_F(AuthHostileTest, AccountIsLockedAfterNFailuresAndUnlockedAfterThePeriod) {
  auto wrong = honest(*bank_a_);
  wrong.password = "guess";
  for (std::uint32_t i = 0; i < kMaxFailures; ++i) {
    EXPECT_EQ(code_of(login(wrong)), "bad_password");
  }
  auto before = snapshot();
  // The right password does not help while the lock lasts.
  auto locked = login(honest(*bank_a_));
  EXPECT_EQ(locked.status, 403) << locked.body;
  EXPECT_EQ(code_of(locked), "account_locked");
  EXPECT_EQ(snapshot(), before);
  // Another account is not affected.
  EXPECT_EQ(login(honest(*bank_b_)).status, 200);

  node_.clock_offset_ms += kLockoutMs - 1000;
  EXPECT_EQ(code_of(login(honest(*bank_a_))), "account_locked");
  node_.clock_offset_ms += 1001;
  auto ok = login(honest(*bank_a_));
  EXPECT_EQ(ok.status, 200) << ok.body;
}

TEST_F(AuthHostileTest, RevokedCertificateIsRefused) {
  node_.revoke_certificate(bank_a_->cert_id);

  auto before = snapshot();
  auto r = login(honest(*bank_a_));
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(code_of(r), "certificate_revoked");
  EXPECT_EQ(snapshot(), before);
}

TEST_F(AuthHostileTest, SuspendedAccountIsRefused) {
  node_.suspend_account(bank_a_->account);

  auto before = snapshot();
  auto r = login(honest(*bank_a_));
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(code_of(r), "account_suspended");
  EXPECT_EQ(snapshot(), before);
}

TEST_F(AuthHostileTest, SessionsEndOnExpiryAndLogout) {
  auto token = node_.login(*bank_a_);
  auto ok = node_.get(token, "/v1/auth/session");
  ASSERT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(json::parse(ok->body)["account"], "bank-a-reporting");

  auto none = node_.client().get("/v1/reports?org=bank-a");
  EXPECT_EQ(none->status, 401);
  EXPECT_EQ(code_of(*none), "session_required");
  auto bogus = node_.get(std::string(64, 'a'), "/v1/reports?org=bank-a");
  EXPECT_EQ(code_of(*bogus), "session_invalid");

  node_.clock_offset_ms += node::identity::AuthConfig{}.session_ttl_ms + 1;
  auto expired = node_.get(token, "/v1/reports?org=bank-a");
  EXPECT_EQ(expired->status, 401);
  EXPECT_EQ(code_of(*expired), "session_expired");
  EXPECT_EQ(node_.auth->session_count(), 0u);

  auto t2 = node_.login(*bank_a_);
  auto c = node_.client();
  auto out = c.request("POST", "/v1/auth/logout", "", client::bearer_headers(t2));
  EXPECT_EQ(out->status, 200) << out->body;
  EXPECT_EQ(code_of(*node_.get(t2, "/v1/reports?org=bank-a")), "session_invalid");
}

TEST_F(AuthHostileTest, EveryUseOfASessionRechecksTheCertificate) {
  // A certificate that expires two minutes from now, bound to its own account.
  node_.register_account("bank-a", "bank-a-shortlived", "0105");
  auto key = *crypto::PrivateKey::generate(node_.genesis.suite);
  auto cert = issue(*node_.issuing_cert, *node_.issuing_key, key, "bank-a-shortlived", now_s() - 60,
                    now_s() + 120);
  auto bind = node_.sign(*node_.admin, [&](ledger::pb::TxBody& b) {
    auto* p = b.mutable_bind_certificate();
    p->set_account_id("bank-a-shortlived");
    p->set_certificate_der(to_string(cert.to_der()));
  });
  auto c = node_.client();
  ASSERT_EQ(node_.post_tx_bytes(c, bind)->status, 202);
  node_.seal();
  client::Identity id{
      "",   "bank-a-shortlived",         "bank-a", node_.genesis.chain_id, node_.genesis.suite, key,
      cert, cert.id(node_.genesis.suite)};
  auto token = node_.login(id);
  EXPECT_EQ(node_.get(token, "/v1/reports?org=bank-a")->status, 200);

  node_.clock_offset_ms += 180'000;  // the session (15 min) is still young; the certificate is not
  auto r = node_.get(token, "/v1/reports?org=bank-a");
  EXPECT_EQ(r->status, 403) << r->body;
  EXPECT_EQ(code_of(*r), "certificate_expired");
  EXPECT_EQ(node_.auth->session_count(), 0u) << "the refused session is ended";
  EXPECT_EQ(code_of(*node_.get(token, "/v1/reports?org=bank-a")), "session_invalid");
}

// Revocation and suspension are ledger transactions; a session opened before them ends at its
// next use after they commit, with the reason as its code.
TEST_F(AuthHostileTest, RevocationAndSuspensionCommittedOnTheLedgerEndLiveSessions) {
  auto token_a = node_.login(*bank_a_);
  auto token_b = node_.login(*bank_b_);
  ASSERT_EQ(node_.get(token_a, "/v1/reports?org=bank-a")->status, 200);
  ASSERT_EQ(node_.get(token_b, "/v1/reports?org=bank-b")->status, 200);

  node_.revoke_certificate(bank_a_->cert_id, "key reported lost");
  node_.suspend_account(bank_b_->account, "under investigation");

  auto a = node_.get(token_a, "/v1/reports?org=bank-a");
  EXPECT_EQ(a->status, 403) << a->body;
  EXPECT_EQ(code_of(*a), "certificate_revoked");
  auto b = node_.get(token_b, "/v1/reports?org=bank-b");
  EXPECT_EQ(b->status, 403) << b->body;
  EXPECT_EQ(code_of(*b), "account_suspended");
  EXPECT_EQ(node_.auth->session_count(), 0u) << "both refused sessions are ended";
  EXPECT_EQ(code_of(login(honest(*bank_a_))), "certificate_revoked");
  EXPECT_EQ(code_of(login(honest(*bank_b_))), "account_suspended");
}

// Login trusts the roots the ledger binds under: a root added by governance is trusted at once
// (the genesis root set alone would refuse it as certificate_untrusted).
TEST_F(AuthHostileTest, LoginTrustsRootsAddedByGovernance) {
  // Not a structured binding: clang (the fuzz build) refuses to capture one in a lambda.
  const auto ca = openssl_rogue_ca();
  const auto& root = ca.first;
  const auto& root_key = ca.second;
  auto c = node_.client();
  auto add_root = node_.sign(*node_.admin, [&](ledger::pb::TxBody& b) {
    auto* p = b.mutable_propose();
    p->set_proposal_id("add-second-root");
    p->set_expires_at_height(node_.chain->head().height + 100);
    p->mutable_add_trusted_root()->set_certificate_der(to_string(root.to_der()));
  });
  ASSERT_EQ(node_.post_tx_bytes(c, add_root)->status, 202);
  node_.seal();  // one governing regulator: the proposal executes at once

  node_.register_account("bank-a", "bank-a-second-ca", "0105");
  auto key = *crypto::PrivateKey::generate(node_.genesis.suite);
  auto cert = issue(root, root_key, key, "bank-a-second-ca", now_s() - 60, now_s() + 86400);
  auto bind = node_.sign(*node_.admin, [&](ledger::pb::TxBody& b) {
    auto* p = b.mutable_bind_certificate();
    p->set_account_id("bank-a-second-ca");
    p->set_certificate_der(to_string(cert.to_der()));
  });
  ASSERT_EQ(node_.post_tx_bytes(c, bind)->status, 202);
  node_.seal();
  ASSERT_TRUE(*node_.chain->state_value(
      ledger::keys::certificate(cert.id(node_.genesis.suite))));  // bound on the ledger

  client::Identity id{
      "",   "bank-a-second-ca",          "bank-a", node_.genesis.chain_id, node_.genesis.suite, key,
      cert, cert.id(node_.genesis.suite)};
  auto r = login(honest(id));
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST(AuthLimitsTest, ChallengeAndSessionTablesAreBounded) {
  node::identity::AuthConfig cfg;
  cfg.max_challenges = 2;
  cfg.max_sessions = 1;
  NodeFixture node(cfg);
  auto a = node.enroll_reporter("bank-a", "bank-a-reporting", "0105");
  auto c = node.client();
  auto ask = [&] {
    return *c.post("/v1/auth/challenge", json{{"account", "bank-a-reporting"}}.dump());
  };
  EXPECT_EQ(ask().status, 200);
  EXPECT_EQ(ask().status, 200);
  auto third = ask();
  EXPECT_EQ(third.status, 503) << third.body;
  EXPECT_EQ(json::parse(third.body)["error"]["code"], "too_many_challenges");

  node.clock_offset_ms += node::identity::AuthConfig{}.challenge_ttl_ms + 1;  // they expire
  node.login(a);
  auto second = client::login_over(c, a, NodeFixture::kPassword);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, "too_many_sessions");
  EXPECT_EQ(node.auth->session_count(), 1u);
}

// Reads: output permission and report.data_level <= mapping[reader level], on the direct get
// and in list results alike (organization scope: org_scope_test.cpp).
class ReadPermissionTest : public AuthHostileTest {
 protected:
  std::string submit_report(const client::Identity& who) {
    auto tx = node_.sign_report(who, "capital-adequacy", "2026-Q3");
    auto c = node_.client();
    auto r = node_.post_tx_bytes(c, tx);
    EXPECT_EQ(r->status, 202) << r->body;
    node_.seal();
    return json::parse(r->body)["tx_id"].get<std::string>();
  }
  std::string submit_report() { return submit_report(*bank_a_); }

  std::vector<std::string> listed(const std::string& token) {
    auto r = node_.get(token, "/v1/reports?org=bank-a");
    EXPECT_EQ(r->status, 200) << r->body;
    std::vector<std::string> ids;
    const auto j = json::parse(r->body);
    for (const auto& x : j["reports"]) ids.push_back(x["report_id"]);
    return ids;
  }
};

TEST_F(ReadPermissionTest, InputOnlyAccountCannotRead) {
  auto id = submit_report();
  auto writer = node_.enroll_reporter("bank-a", "bank-a-input", "0005");
  auto token = node_.login(writer);
  auto before = snapshot();
  for (const auto& target :
       std::vector<std::string>{"/v1/reports?org=bank-a", "/v1/reports/" + id}) {
    auto r = node_.get(token, target);
    EXPECT_EQ(r->status, 403) << target << " " << r->body;
    EXPECT_EQ(code_of(*r), "permission_denied") << target;
  }
  EXPECT_EQ(snapshot(), before);
}

TEST_F(ReadPermissionTest, ReaderBelowTheReportsLevelDoesNotSeeIt) {
  auto id = submit_report();
  auto low = node_.enroll_reporter("audit-firm", "junior-auditor", "1100", "auditor");
  auto high = node_.enroll_reporter("audit-firm", "senior-auditor", "1199", "auditor");
  const auto low_token = node_.login(low);
  const auto high_token = node_.login(high);

  auto before = snapshot();
  auto direct = node_.get(low_token, "/v1/reports/" + id);
  EXPECT_EQ(direct->status, 404) << direct->body;
  EXPECT_EQ(code_of(*direct), "report_not_found") << "answered as if it did not exist";
  EXPECT_TRUE(listed(low_token).empty()) << "absent from the list, not only refused";
  for (const auto& target : std::vector<std::string>{"/v1/txs/" + id, "/v1/receipts/" + id}) {
    EXPECT_EQ(code_of(*node_.get(low_token, target)), "tx_not_found") << target;
  }
  EXPECT_EQ(snapshot(), before);

  EXPECT_EQ(node_.get(high_token, "/v1/reports/" + id)->status, 200);
  EXPECT_EQ(listed(high_token), std::vector<std::string>{id});
  EXPECT_EQ(node_.get(high_token, "/v1/receipts/" + id)->status, 200);
}

TEST_F(ReadPermissionTest, ReportingUnitReadsItsOwnTxsAndOthersDoNot) {
  auto writer = node_.enroll_reporter("bank-a", "bank-a-input", "0005");
  auto id = submit_report(writer);
  auto own = node_.login(writer);
  EXPECT_EQ(node_.get(own, "/v1/txs/" + id)->status, 200);
  EXPECT_EQ(node_.get(own, "/v1/receipts/" + id)->status, 200);

  auto tx = node_.get(own, "/v1/txs/" + id);
  auto height = std::to_string(json::parse(tx->body)["height"].get<std::uint64_t>());
  EXPECT_EQ(node_.get(own, "/v1/blocks/" + height)->status, 200);

  // Another bank, even with output permission at a level that clears the report, reads none of it.
  auto other = node_.enroll_reporter("bank-b", "bank-b-reader", "1199");
  auto other_bank = node_.login(other);
  EXPECT_EQ(code_of(*node_.get(other_bank, "/v1/receipts/" + id)), "tx_not_found");
  EXPECT_EQ(code_of(*node_.get(other_bank, "/v1/blocks/" + height)), "block_not_found");
  // The header and its commit certificate stay public, for anyone verifying the chain.
  auto hdr = node_.client().get("/v1/headers/" + height);
  EXPECT_EQ(hdr->status, 200) << hdr->body;
  EXPECT_TRUE(json::parse(hdr->body).contains("commit"));
}

}  // namespace
}  // namespace rl::testing
