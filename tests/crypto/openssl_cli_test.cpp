// Cross-checks against the `openssl` command-line tool (label: tool). Certificates we issue
// must pass `openssl verify`; certificates, CSRs, keys and signatures made by the CLI must be
// accepted by us. Each test works in its own temporary directory.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "crypto/keys.hpp"
#include "crypto/x509.hpp"
#include "pki_fixture.hpp"
#include "tests/support/run_command.hpp"

namespace rl::crypto {
namespace {

namespace fs = std::filesystem;
using testing::kDay;
using testing::kYear;
using testing::options_for;

constexpr std::string_view kSm2Id = "1234567812345678";

class OpensslCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("openssl version > /dev/null 2>&1") != 0) GTEST_SKIP() << "no openssl CLI";
    std::string templ = (fs::temp_directory_path() / "rl-crypto-cli-XXXXXX").string();
    ASSERT_NE(mkdtemp(templ.data()), nullptr);
    dir_ = templ;
    now_ = static_cast<std::int64_t>(std::time(nullptr));
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  void write(const std::string& name, std::string_view content) const {
    std::ofstream(path(name), std::ios::binary) << content;
  }
  std::string read(const std::string& name) const {
    std::ifstream in(path(name), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  // Runs a shell command in the temp dir; returns exit status and combined output.
  std::pair<int, std::string> run(const std::string& command) const {
    return rl::testing::run_command("cd '" + dir_.string() + "' && " + command);
  }
  void expect_ok(const std::string& command) const {
    const auto [rc, out] = run(command);
    EXPECT_EQ(rc, 0) << command << "\n" << out;
  }
  void expect_fail(const std::string& command) const {
    const auto [rc, out] = run(command);
    EXPECT_NE(rc, 0) << command << " unexpectedly succeeded\n" << out;
  }

  fs::path dir_;
  std::int64_t now_ = 0;
};

TEST_F(OpensslCliTest, OurP256ChainPassesOpensslVerify) {
  const auto pki = testing::make_pki(Suite::kP256Sha256, now_ - kDay, now_ + kYear, now_ - kDay);
  write("root.pem", pki.root.to_pem());
  write("inter.pem", pki.inter.to_pem());
  write("leaf.pem", pki.leaf.to_pem());
  write("node.pem", pki.node.to_pem());
  expect_ok("openssl verify -x509_strict -CAfile root.pem -untrusted inter.pem leaf.pem");
  expect_ok("openssl verify -x509_strict -CAfile root.pem -untrusted inter.pem node.pem");
  expect_ok("openssl verify -x509_strict -CAfile root.pem inter.pem");
  expect_ok("openssl verify -purpose sslserver -CAfile root.pem -untrusted inter.pem node.pem");
  expect_ok("openssl verify -purpose sslclient -CAfile root.pem -untrusted inter.pem node.pem");
  expect_ok("openssl verify -purpose sslclient -CAfile root.pem -untrusted inter.pem leaf.pem");
  expect_fail("openssl verify -purpose sslserver -CAfile root.pem -untrusted inter.pem leaf.pem");
  expect_fail("openssl verify -CAfile inter.pem leaf.pem");  // intermediate is not a root

  // The profile's extensions as openssl reads them.
  const auto [rc, text] = run("openssl x509 -noout -text -in node.pem");
  ASSERT_EQ(rc, 0) << text;
  EXPECT_NE(text.find("Version: 3 (0x2)"), std::string::npos);
  EXPECT_NE(text.find("CA:FALSE"), std::string::npos);
  EXPECT_NE(text.find("TLS Web Server Authentication, TLS Web Client Authentication"),
            std::string::npos);
  EXPECT_NE(text.find("DNS:node1.regledger.test"), std::string::npos);
  EXPECT_NE(text.find("IP Address:127.0.0.1"), std::string::npos);
  EXPECT_NE(text.find("IP Address:0:0:0:0:0:0:0:1"), std::string::npos);
  EXPECT_NE(text.find("X509v3 Subject Key Identifier"), std::string::npos);
  EXPECT_NE(text.find("X509v3 Authority Key Identifier"), std::string::npos);
  EXPECT_NE(text.find("ecdsa-with-SHA256"), std::string::npos);
  const auto [rc2, inter_text] = run("openssl x509 -noout -text -in inter.pem");
  EXPECT_NE(inter_text.find("CA:TRUE, pathlen:0"), std::string::npos) << inter_text;
  EXPECT_NE(inter_text.find("Certificate Sign, CRL Sign"), std::string::npos);

  // CRLs we produce are accepted by openssl and revoke as expected.
  const Crl root_crl =
      Crl::create(pki.root, pki.root_key, {}, now_ - kDay, now_ + 30 * kDay).value();
  const Crl inter_crl =
      Crl::create(pki.inter, pki.inter_key, {pki.leaf.serial_hex()}, now_ - kDay, now_ + 30 * kDay)
          .value();
  write("crls.pem", root_crl.to_pem() + inter_crl.to_pem());
  expect_ok(
      "openssl verify -crl_check_all -CRLfile crls.pem -CAfile root.pem "
      "-untrusted inter.pem node.pem");
  const auto [rc3, revoked] =
      run("openssl verify -crl_check_all -CRLfile crls.pem -CAfile root.pem -untrusted inter.pem "
          "leaf.pem");
  EXPECT_NE(rc3, 0);
  EXPECT_NE(revoked.find("certificate revoked"), std::string::npos) << revoked;
}

TEST_F(OpensslCliTest, OurSm2ChainPassesOpensslVerifyWithStandardId) {
  const auto pki = testing::make_pki(Suite::kSm2Sm3, now_ - kDay, now_ + kYear, now_ - kDay);
  write("root.pem", pki.root.to_pem());
  write("inter.pem", pki.inter.to_pem());
  write("leaf.pem", pki.leaf.to_pem());
  write("node.pem", pki.node.to_pem());
  // `openssl verify -vfyopt distid:...` attaches the ID to the target certificate only, not to
  // the -untrusted ones, so the CLI checks an SM2 chain one signature at a time: the
  // intermediate against the root, then each leaf against the intermediate as a partial-chain
  // anchor. (verify_chain attaches the ID to every SM2-signed certificate.)
  const std::string distid = " -vfyopt distid:" + std::string(kSm2Id) + " ";
  expect_ok("openssl verify" + distid + "-CAfile root.pem inter.pem");
  expect_ok("openssl verify" + distid + "-partial_chain -CAfile inter.pem leaf.pem");
  expect_ok("openssl verify" + distid + "-partial_chain -CAfile inter.pem node.pem");
  // The ID really is part of the signature: another ID fails.
  expect_fail("openssl verify -vfyopt distid:0000000000000000 -CAfile root.pem inter.pem");
  expect_fail(
      "openssl verify -vfyopt distid:0000000000000000 -partial_chain -CAfile inter.pem "
      "leaf.pem");
  const auto [rc, text] = run("openssl x509 -noout -text -in leaf.pem");
  EXPECT_NE(text.find("SM2-with-SM3"), std::string::npos) << text;
  // CRLs signed by SM2 CAs (empty ID, see decision 0011) are accepted by openssl too.
  const Crl root_crl =
      Crl::create(pki.root, pki.root_key, {}, now_ - kDay, now_ + 30 * kDay).value();
  const Crl inter_crl =
      Crl::create(pki.inter, pki.inter_key, {pki.leaf.serial_hex()}, now_ - kDay, now_ + 30 * kDay)
          .value();
  write("crls.pem", root_crl.to_pem() + inter_crl.to_pem());
  expect_ok("openssl verify" + distid + "-crl_check -CRLfile crls.pem -CAfile root.pem inter.pem");
  expect_ok("openssl verify" + distid +
            "-partial_chain -crl_check -CRLfile crls.pem -CAfile inter.pem node.pem");
  const auto [rc2, revoked] = run("openssl verify" + distid +
                                  "-partial_chain -crl_check -CRLfile crls.pem -CAfile inter.pem "
                                  "leaf.pem");
  EXPECT_NE(rc2, 0);
  EXPECT_NE(revoked.find("certificate revoked"), std::string::npos) << revoked;
}

TEST_F(OpensslCliTest, OpensslSelfSignedP256CertificateLoadsAndVerifies) {
  expect_ok(
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
      "-keyout key.pem -out cert.pem -days 30 -subj '/C=CN/O=External/CN=ext-root'");
  const auto cert = Certificate::from_pem(read("cert.pem"));
  ASSERT_TRUE(cert.ok()) << cert.error().to_string();
  EXPECT_EQ(cert->subject().common_name, "ext-root");
  EXPECT_EQ(cert->public_key().suite(), Suite::kP256Sha256);
  // At the time openssl made it, not at the fixture's now_: the second may have ticked since,
  // and notBefore is openssl's own clock reading.
  const auto status =
      verify_chain(*cert, {}, {*cert}, {}, static_cast<std::int64_t>(std::time(nullptr)));
  EXPECT_TRUE(status.ok()) << status.error().to_string();
  // The CLI's key (PKCS#8) loads and matches the certificate.
  const auto key = PrivateKey::from_pem(read("key.pem"));
  ASSERT_TRUE(key.ok()) << key.error().to_string();
  EXPECT_EQ(key->public_key().to_der(), cert->public_key().to_der());
}

TEST_F(OpensslCliTest, OpensslCsrIsIssuedAndResultVerifies) {
  const auto pki = testing::make_pki(Suite::kP256Sha256, now_ - kDay, now_ + kYear, now_ - kDay);
  write("root.pem", pki.root.to_pem());
  write("inter.pem", pki.inter.to_pem());
  expect_ok(
      "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
      "-keyout key.pem -out req.pem -subj '/C=CN/O=External Org/OU=Ops/CN=external-node'");
  const auto csr = CertificateRequest::from_pem(read("req.pem"));
  ASSERT_TRUE(csr.ok()) << csr.error().to_string();
  EXPECT_TRUE(csr->verify_signature());
  IssueOptions o = options_for(CertProfile::kTlsServerClient, now_ - kDay, now_ + kYear);
  o.dns_names = {"external.example"};
  const auto cert = issue_certificate(pki.inter, pki.inter_key, *csr, o);
  ASSERT_TRUE(cert.ok()) << cert.error().to_string();
  EXPECT_EQ(cert->subject().organizational_unit, "Ops");
  write("cert.pem", cert->to_pem());
  expect_ok(
      "openssl verify -x509_strict -purpose sslserver -CAfile root.pem -untrusted inter.pem "
      "cert.pem");
  // The issued certificate matches the CLI's private key.
  expect_ok(
      "test \"$(openssl x509 -noout -pubkey -in cert.pem)\" = "
      "\"$(openssl pkey -pubout -in key.pem)\"");
}

TEST_F(OpensslCliTest, OpensslSm2CsrWithStandardIdIsIssued) {
  const auto pki = testing::make_pki(Suite::kSm2Sm3, now_ - kDay, now_ + kYear, now_ - kDay);
  write("root.pem", pki.root.to_pem());
  write("inter.pem", pki.inter.to_pem());
  expect_ok("openssl genpkey -algorithm SM2 -out key.pem");
  expect_ok("openssl req -new -key key.pem -sm3 -sigopt distid:" + std::string(kSm2Id) +
            " -out req.pem -subj '/CN=sm2-device'");
  const auto csr = CertificateRequest::from_pem(read("req.pem"));
  ASSERT_TRUE(csr.ok()) << csr.error().to_string();
  EXPECT_TRUE(csr->verify_signature());
  const auto cert =
      issue_certificate(pki.inter, pki.inter_key, *csr,
                        options_for(CertProfile::kEndEntity, now_ - kDay, now_ + kYear));
  ASSERT_TRUE(cert.ok()) << cert.error().to_string();
  write("cert.pem", cert->to_pem());
  expect_ok("openssl verify -vfyopt distid:" + std::string(kSm2Id) +
            " -partial_chain -CAfile inter.pem cert.pem");
  EXPECT_TRUE(verify_chain(*cert, {pki.inter}, {pki.root}, {}, now_).ok());
  // A CSR signed with a different ID does not prove possession under the standard ID.
  expect_ok(
      "openssl req -new -key key.pem -sm3 -sigopt distid:0000000000000000 -out bad.pem "
      "-subj '/CN=sm2-device'");
  const auto bad = CertificateRequest::from_pem(read("bad.pem"));
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(issue_certificate(pki.inter, pki.inter_key, *bad,
                              options_for(CertProfile::kEndEntity, now_ - kDay, now_ + kYear))
                .error()
                .code,
            "bad_csr_signature");
}

TEST_F(OpensslCliTest, RawSignaturesInteroperate) {
  write("msg.bin", "regledger cross-check message");
  const Bytes msg = to_bytes(read("msg.bin"));
  // Ours -> openssl.
  for (Suite suite : {Suite::kP256Sha256, Suite::kSm2Sm3}) {
    const PrivateKey key = PrivateKey::generate(suite).value();
    write("pub.pem", key.public_key().to_pem());
    const Bytes sig = sign(key, msg).value();
    write("sig.bin", std::string(sig.begin(), sig.end()));
    if (suite == Suite::kP256Sha256) {
      expect_ok("openssl dgst -sha256 -verify pub.pem -signature sig.bin msg.bin");
    } else {
      expect_ok(
          "openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -digest sm3 -in msg.bin "
          "-sigfile sig.bin -pkeyopt distid:" +
          std::string(kSm2Id));
      expect_fail(
          "openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -digest sm3 -in msg.bin "
          "-sigfile sig.bin -pkeyopt distid:0000000000000000");
    }
  }
  // openssl -> ours, including a traditional "EC PRIVATE KEY" PEM.
  expect_ok("openssl ecparam -name prime256v1 -genkey -noout -out ec.pem");
  expect_ok("openssl dgst -sha256 -sign ec.pem -out ec.sig msg.bin");
  const auto ec_key = PrivateKey::from_pem(read("ec.pem"));
  ASSERT_TRUE(ec_key.ok()) << ec_key.error().to_string();
  const std::string ec_sig = read("ec.sig");
  EXPECT_TRUE(verify(ec_key->public_key(), msg, as_bytes(ec_sig)));

  expect_ok("openssl genpkey -algorithm SM2 -out sm2.pem");
  expect_ok(
      "openssl pkeyutl -sign -inkey sm2.pem -rawin -digest sm3 -in msg.bin -out sm2.sig "
      "-pkeyopt distid:" +
      std::string(kSm2Id));
  const auto sm2_key = PrivateKey::from_pem(read("sm2.pem"));
  ASSERT_TRUE(sm2_key.ok()) << sm2_key.error().to_string();
  EXPECT_EQ(sm2_key->suite(), Suite::kSm2Sm3);
  const std::string sm2_sig = read("sm2.sig");
  EXPECT_TRUE(verify(sm2_key->public_key(), msg, as_bytes(sm2_sig)));
}

}  // namespace
}  // namespace rl::crypto
