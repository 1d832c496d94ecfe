// GET /v1/crl: a CRL signed by the node's issuing CA that lists exactly the certificates the
// ledger records as revoked, with the height it reflects; `openssl crl -verify` accepts it.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "common/file_io.hpp"
#include "ledger/state_keys.hpp"
#include "node/app/identity/crl.hpp"
#include "node/http/json_error.hpp"
#include "tests/app/node_fixture.hpp"

namespace rl::testing {
namespace {

class CrlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("openssl version > /dev/null 2>&1") != 0) GTEST_SKIP() << "no openssl CLI";
    reporter_ = node_.enroll_reporter("bank-a", "bank-a-reporting", "0105");
  }

  http::HttpResponse fetch() {
    auto r = node_.client().get("/v1/crl");
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r->status, 200) << r->body;
    return *r;
  }

  static std::string header(const http::HttpResponse& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return "";
  }

  // Runs `openssl crl` on `pem`; returns (exit status, combined output).
  std::pair<int, std::string> openssl_crl(const std::string& pem, const std::string& args) {
    auto crl = (node_.dir / "node.crl").string();
    EXPECT_TRUE(write_file(crl, pem).ok());
    auto issuing = (node_.dir / "ca/issuing.pem").string();
    std::string cmd = "openssl crl -in " + crl + " -CAfile " + issuing + " " + args + " 2>&1";
    FILE* pipe = popen(cmd.c_str(), "r");
    std::string out;
    char buf[4096];
    while (pipe && fgets(buf, sizeof buf, pipe)) out += buf;
    int status = pipe ? pclose(pipe) : -1;
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
  }

  NodeFixture node_;
  std::optional<client::Identity> reporter_;
};

TEST_F(CrlTest, EmptyCrlVerifiesWithOpenssl) {
  auto r = fetch();
  EXPECT_EQ(header(r, "x-regledger-revoked"), "0");
  EXPECT_EQ(header(r, "x-regledger-height"), std::to_string(node_.chain->head().height));
  auto [rc, out] = openssl_crl(r.body, "-noout -verify");
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("verify OK"), std::string::npos) << out;
}

TEST_F(CrlTest, RevokedCertificateOnTheLedgerIsListed) {
  // One CRL per height is served from a cache: the same bytes twice, and a new one as soon as a
  // revocation commits.
  auto before = fetch();
  EXPECT_EQ(header(before, "x-regledger-revoked"), "0");
  EXPECT_EQ(fetch().body, before.body);
  node_.revoke_certificate(reporter_->cert_id);

  auto r = fetch();
  EXPECT_EQ(header(r, "x-regledger-revoked"), "1");
  auto crl = crypto::Crl::from_pem(r.body);
  ASSERT_TRUE(crl.ok());
  EXPECT_TRUE(crl->is_revoked(reporter_->cert));
  EXPECT_FALSE(crl->is_revoked(node_.admin->cert));
  auto [rc, out] = openssl_crl(r.body, "-noout -verify -text");
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("verify OK"), std::string::npos) << out;
  // openssl prints serials in upper-case hex.
  std::string serial = reporter_->cert.serial_hex();
  for (auto& ch : serial) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  EXPECT_NE(out.find(serial), std::string::npos) << out;
}

// More revocations than the node lists in one CRL is the node's limit, not a fault of the
// request (which has no body): crl_too_large is answered 500. The bound is lowered to 0 here; the
// node's is kMaxCrlRevoked.
TEST_F(CrlTest, TooManyRevocationsIsTheNodesError) {
  node_.revoke_certificate(reporter_->cert_id);
  node::identity::IssuingCa ca{*node_.issuing_cert, *node_.issuing_key};
  auto built = node::identity::build_crl(*node_.chain, ca, 1'800'000'000, 3600, 0);
  ASSERT_FALSE(built.ok());
  EXPECT_EQ(built.error().code, "crl_too_large");
  EXPECT_EQ(http::json_error(built.error()).status, 500);
  // At the bound it is built.
  EXPECT_TRUE(node::identity::build_crl(*node_.chain, ca, 1'800'000'000, 3600, 1).ok());
}

}  // namespace
}  // namespace rl::testing
