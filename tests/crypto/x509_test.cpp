#include "crypto/x509.hpp"

#include <gtest/gtest.h>

#include <string>

#include "crypto/hash.hpp"
#include "pki_fixture.hpp"
#include "test_util.hpp"

namespace rl::crypto {
namespace {

using testing::kDay;
using testing::kT0;
using testing::kYear;
using testing::make_pki;
using testing::options_for;
using testing::Pki;

// PEM -> DER -> PEM helpers so tests can corrupt encodings without touching OpenSSL.
Bytes pem_body(const std::string& pem) {
  std::string b64;
  std::size_t start = pem.find('\n') + 1;
  std::size_t end = pem.find("-----END");
  for (std::size_t i = start; i < end; ++i) {
    if (pem[i] != '\n') b64 += pem[i];
  }
  return from_base64(b64).value();
}
std::string to_pem(const std::string& label, ByteView der) {
  const std::string b64 = to_base64(der);
  std::string out = "-----BEGIN " + label + "-----\n";
  for (std::size_t i = 0; i < b64.size(); i += 64) out += b64.substr(i, 64) + "\n";
  return out + "-----END " + label + "-----\n";
}

class X509Test : public ::testing::TestWithParam<Suite> {
 protected:
  static void SetUpTestSuite() {}
};

INSTANTIATE_TEST_SUITE_P(BothSuites, X509Test,
                         ::testing::Values(Suite::kP256Sha256, Suite::kSm2Sm3),
                         [](const auto& info) {
                           return info.param == Suite::kP256Sha256 ? "P256" : "Sm2";
                         });

TEST_P(X509Test, ChainVerifies) {
  const Pki pki = make_pki(GetParam());
  EXPECT_TRUE(verify_chain(pki.leaf, {pki.inter}, {pki.root}, {}, kT0 + kDay).ok());
  EXPECT_TRUE(verify_chain(pki.node, {pki.inter}, {pki.root}, {}, kT0 + kDay).ok());
  EXPECT_TRUE(verify_chain(pki.inter, {}, {pki.root}, {}, kT0 + kDay).ok());
  EXPECT_TRUE(verify_chain(pki.root, {}, {pki.root}, {}, kT0 + kDay).ok());
  // Unrelated extra intermediates and roots do not disturb path building.
  const Pki other = make_pki(GetParam());
  EXPECT_TRUE(
      verify_chain(pki.leaf, {other.inter, pki.inter}, {other.root, pki.root}, {}, kT0 + kDay)
          .ok());
}

TEST_P(X509Test, Accessors) {
  const Pki pki = make_pki(GetParam());
  const Subject s = pki.leaf.subject();
  EXPECT_EQ(s.common_name, "account-0001");
  EXPECT_EQ(s.organization, "RegLedger Test");
  EXPECT_EQ(s.organizational_unit, "Unit");
  EXPECT_EQ(s.country, "CN");
  EXPECT_EQ(pki.leaf.subject_string(), "CN=account-0001,OU=Unit,O=RegLedger Test,C=CN");
  EXPECT_EQ(pki.leaf.issuer_string(), "CN=Test Issuing CA,OU=Unit,O=RegLedger Test,C=CN");
  EXPECT_EQ(pki.root.subject_string(), pki.root.issuer_string());
  EXPECT_EQ(pki.leaf.not_before(), kT0);
  EXPECT_EQ(pki.leaf.not_after(), kT0 + kYear);
  EXPECT_TRUE(pki.root.is_ca());
  EXPECT_TRUE(pki.inter.is_ca());
  EXPECT_FALSE(pki.leaf.is_ca());
  EXPECT_FALSE(pki.node.is_ca());
  EXPECT_EQ(pki.leaf.public_key().to_der(), pki.leaf_key.public_key().to_der());
  EXPECT_EQ(pki.leaf.public_key().suite(), GetParam());
  EXPECT_EQ(pki.leaf.id(GetParam()), hash(GetParam(), pki.leaf.to_der()));
  EXPECT_NE(pki.leaf.id(Suite::kP256Sha256), pki.leaf.id(Suite::kSm2Sm3));
  // Random serials: non-empty, no leading zeros, distinct.
  EXPECT_FALSE(pki.leaf.serial_hex().empty());
  EXPECT_NE(pki.leaf.serial_hex()[0], '0');
  EXPECT_NE(pki.leaf.serial_hex(), pki.node.serial_hex());
  // The certified key signs; the certificate's key verifies.
  const Bytes sig = sign(pki.leaf_key, as_bytes("challenge")).value();
  EXPECT_TRUE(verify(pki.leaf.public_key(), as_bytes("challenge"), sig));
}

TEST_P(X509Test, ExplicitSerialAndYear2050Times) {
  const Pki pki = make_pki(GetParam());
  const std::int64_t y2060 = 2840140800;  // 2060-01-01, GeneralizedTime territory
  IssueOptions o = options_for(CertProfile::kEndEntity, kT0, y2060);
  o.serial = 0x0123456789abcdefULL;
  const Certificate cert = testing::issue_from_new_csr(
      pki.inter, pki.inter_key, PrivateKey::generate(GetParam()).value(), "explicit", o);
  EXPECT_EQ(cert.serial_hex(), "123456789abcdef");
  EXPECT_EQ(cert.not_after(), y2060);
  o.serial = 0xffffffffffffffffULL;
  const Certificate max_serial = testing::issue_from_new_csr(
      pki.inter, pki.inter_key, PrivateKey::generate(GetParam()).value(), "max", o);
  EXPECT_EQ(max_serial.serial_hex(), "ffffffffffffffff");
}

TEST_P(X509Test, EncodingRoundTrips) {
  const Pki pki = make_pki(GetParam());
  const Certificate from_pem = Certificate::from_pem(pki.leaf.to_pem()).value();
  const Certificate from_der = Certificate::from_der(pki.leaf.to_der()).value();
  EXPECT_EQ(from_pem.to_der(), pki.leaf.to_der());
  EXPECT_EQ(from_der.to_der(), pki.leaf.to_der());
  EXPECT_EQ(pem_body(pki.leaf.to_pem()), pki.leaf.to_der());
  // Reloaded certificates still verify (the SM2 ID is re-attached on load).
  const Certificate inter = Certificate::from_pem(pki.inter.to_pem()).value();
  const Certificate root = Certificate::from_der(pki.root.to_der()).value();
  EXPECT_TRUE(verify_chain(from_der, {inter}, {root}, {}, kT0 + kDay).ok());

  const auto bundle =
      Certificate::bundle_from_pem(pki.leaf.to_pem() + pki.inter.to_pem() + pki.root.to_pem())
          .value();
  ASSERT_EQ(bundle.size(), 3u);
  EXPECT_EQ(bundle[0].to_der(), pki.leaf.to_der());
  EXPECT_EQ(bundle[2].to_der(), pki.root.to_der());
  EXPECT_EQ(Certificate::bundle_from_pem("").error().code, "invalid_certificate");
  EXPECT_EQ(Certificate::bundle_from_pem(pki.leaf.to_pem() + "-----BEGIN CERTIFICATE-----\nAA\n")
                .error()
                .code,
            "invalid_certificate");

  const PrivateKey key = PrivateKey::generate(GetParam()).value();
  const CertificateRequest csr = CertificateRequest::create(key, {"csr", "", "", ""}).value();
  const CertificateRequest csr2 = CertificateRequest::from_pem(csr.to_pem()).value();
  EXPECT_EQ(csr2.to_pem(), csr.to_pem());
  EXPECT_TRUE(csr2.verify_signature());
  EXPECT_EQ(csr2.subject().common_name, "csr");
  EXPECT_EQ(csr2.public_key().to_der(), key.public_key().to_der());

  const Crl crl =
      Crl::create(pki.inter, pki.inter_key, {pki.leaf.serial_hex()}, kT0, kT0 + 30 * kDay).value();
  const Crl crl2 = Crl::from_pem(crl.to_pem()).value();
  EXPECT_EQ(crl2.to_pem(), crl.to_pem());
  EXPECT_TRUE(crl2.is_revoked(pki.leaf));
  EXPECT_FALSE(crl2.is_revoked(pki.node));
}

TEST_P(X509Test, ExpiredAndNotYetValid) {
  const Pki pki = make_pki(GetParam());
  const auto expired = verify_chain(pki.leaf, {pki.inter}, {pki.root}, {}, kT0 + 2 * kYear);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code, "cert_expired") << expired.error().message;
  const auto early = verify_chain(pki.leaf, {pki.inter}, {pki.root}, {}, kT0 - kDay / 2);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().code, "cert_not_yet_valid") << early.error().message;

  // A leaf whose validity lies wholly in the past / future of the verification time.
  const Pki past = make_pki(GetParam(), kT0 - 2 * kYear, kT0 - kYear);
  EXPECT_EQ(verify_chain(past.leaf, {past.inter}, {past.root}, {}, kT0).error().code,
            "cert_expired");
  const Pki future = make_pki(GetParam(), kT0 + kYear, kT0 + 2 * kYear);
  EXPECT_EQ(verify_chain(future.leaf, {future.inter}, {future.root}, {}, kT0).error().code,
            "cert_not_yet_valid");
}

TEST_P(X509Test, UntrustedRootOrMissingIntermediate) {
  const Pki pki = make_pki(GetParam());
  const Pki other = make_pki(GetParam());
  const auto wrong_root = verify_chain(pki.leaf, {pki.inter}, {other.root}, {}, kT0 + kDay);
  ASSERT_FALSE(wrong_root.ok());
  EXPECT_EQ(wrong_root.error().code, "cert_untrusted") << wrong_root.error().message;
  EXPECT_EQ(verify_chain(pki.leaf, {}, {pki.root}, {}, kT0 + kDay).error().code, "cert_untrusted");
  EXPECT_EQ(verify_chain(pki.leaf, {pki.inter}, {}, {}, kT0 + kDay).error().code, "cert_untrusted");
  // A self-signed certificate that is not among the roots.
  EXPECT_EQ(verify_chain(other.root, {}, {pki.root}, {}, kT0 + kDay).error().code,
            "cert_untrusted");
  // An intermediate cannot be passed off as a leaf's issuer when it is someone else's.
  EXPECT_EQ(
      verify_chain(pki.leaf, {other.inter}, {pki.root, other.root}, {}, kT0 + kDay).error().code,
      "cert_untrusted");
}

TEST_P(X509Test, RevokedViaCrl) {
  const Pki pki = make_pki(GetParam());
  const Crl root_crl = Crl::create(pki.root, pki.root_key, {}, kT0, kT0 + 30 * kDay).value();
  const Crl inter_crl_clean =
      Crl::create(pki.inter, pki.inter_key, {"01"}, kT0, kT0 + 30 * kDay).value();
  const Crl inter_crl_revoking =
      Crl::create(pki.inter, pki.inter_key, {pki.leaf.serial_hex()}, kT0, kT0 + 30 * kDay).value();
  const auto ok =
      verify_chain(pki.leaf, {pki.inter}, {pki.root}, {root_crl, inter_crl_clean}, kT0 + kDay);
  EXPECT_TRUE(ok.ok()) << ok.error().to_string();
  const auto revoked =
      verify_chain(pki.leaf, {pki.inter}, {pki.root}, {root_crl, inter_crl_revoking}, kT0 + kDay);
  ASSERT_FALSE(revoked.ok());
  EXPECT_EQ(revoked.error().code, "cert_revoked") << revoked.error().message;
  // The node certificate from the same CA is unaffected.
  EXPECT_TRUE(
      verify_chain(pki.node, {pki.inter}, {pki.root}, {root_crl, inter_crl_revoking}, kT0 + kDay)
          .ok());
  // Revoking the intermediate (in the root's CRL) invalidates everything below it.
  const Crl root_crl_revoking =
      Crl::create(pki.root, pki.root_key, {pki.inter.serial_hex()}, kT0, kT0 + 30 * kDay).value();
  EXPECT_EQ(verify_chain(pki.node, {pki.inter}, {pki.root}, {root_crl_revoking, inter_crl_clean},
                         kT0 + kDay)
                .error()
                .code,
            "cert_revoked");
  // With CRL checking on, a CA without a CRL is an error, not a pass.
  EXPECT_EQ(
      verify_chain(pki.leaf, {pki.inter}, {pki.root}, {inter_crl_clean}, kT0 + kDay).error().code,
      "cert_invalid");
  // An expired CRL is an error too.
  EXPECT_EQ(
      verify_chain(pki.leaf, {pki.inter}, {pki.root}, {root_crl, inter_crl_clean}, kT0 + 60 * kDay)
          .error()
          .code,
      "cert_invalid");
  // A CRL signed by the wrong key is not accepted as the intermediate's CRL.
  const Pki other = make_pki(GetParam());
  const Crl forged = Crl::create(other.inter, other.inter_key, {}, kT0, kT0 + 30 * kDay).value();
  EXPECT_FALSE(
      verify_chain(pki.leaf, {pki.inter}, {pki.root}, {root_crl, forged}, kT0 + kDay).ok());
}

TEST_P(X509Test, CsrWithBadSignatureRejected) {
  const Pki pki = make_pki(GetParam());
  const PrivateKey key = PrivateKey::generate(GetParam()).value();
  const CertificateRequest csr = CertificateRequest::create(key, {"victim", "", "", ""}).value();
  Bytes der = pem_body(csr.to_pem());
  der.back() ^= 0x01;  // last byte of the signature's s value
  const CertificateRequest bad =
      CertificateRequest::from_pem(to_pem("CERTIFICATE REQUEST", der)).value();
  EXPECT_FALSE(bad.verify_signature());
  const auto issued = issue_certificate(pki.inter, pki.inter_key, bad,
                                        options_for(CertProfile::kEndEntity, kT0, kT0 + kYear));
  ASSERT_FALSE(issued.ok());
  EXPECT_EQ(issued.error().code, "bad_csr_signature");
}

TEST_P(X509Test, IssuanceArgumentErrors) {
  const Pki pki = make_pki(GetParam());
  const CertificateRequest csr =
      CertificateRequest::create(PrivateKey::generate(GetParam()).value(), {"x", "", "", ""})
          .value();
  const IssueOptions good = options_for(CertProfile::kEndEntity, kT0, kT0 + kYear);
  EXPECT_EQ(issue_certificate(pki.leaf, pki.leaf_key, csr, good).error().code, "issuer_not_ca");
  EXPECT_EQ(issue_certificate(pki.inter, pki.root_key, csr, good).error().code,
            "issuer_key_mismatch");
  EXPECT_EQ(issue_certificate(pki.inter, pki.inter_key, csr, IssueOptions{}).error().code,
            "invalid_validity");
  EXPECT_EQ(issue_certificate(pki.inter, pki.inter_key, csr,
                              options_for(CertProfile::kEndEntity, kT0, kT0))
                .error()
                .code,
            "invalid_validity");
  IssueOptions bad_ip = good;
  bad_ip.ip_addresses = {"300.1.1.1"};
  EXPECT_EQ(issue_certificate(pki.inter, pki.inter_key, csr, bad_ip).error().code, "invalid_san");
  IssueOptions bad_dns = good;
  bad_dns.dns_names = {"a.example,IP:1.2.3.4"};
  EXPECT_EQ(issue_certificate(pki.inter, pki.inter_key, csr, bad_dns).error().code, "invalid_san");
  const PrivateKey key = PrivateKey::generate(GetParam()).value();
  EXPECT_EQ(CertificateRequest::create(key, {"", "", "", ""}).error().code, "invalid_subject");
  EXPECT_EQ(CertificateRequest::create(key, {"x", "", "", "CHN"}).error().code, "invalid_subject");
  EXPECT_EQ(CertificateRequest::create(key, {std::string(65, 'a'), "", "", ""}).error().code,
            "invalid_subject");
  EXPECT_EQ(Crl::create(pki.inter, pki.inter_key, {"xyz"}, kT0, kT0 + kDay).error().code,
            "invalid_serial");
  EXPECT_EQ(Crl::create(pki.inter, pki.root_key, {}, kT0, kT0 + kDay).error().code,
            "issuer_key_mismatch");
}

TEST_P(X509Test, IntermediatePathLengthZeroIsEnforced) {
  const Pki pki = make_pki(GetParam());
  // The intermediate (pathlen:0) issues another CA: that sub-CA's leaves must not verify.
  const PrivateKey sub_key = PrivateKey::generate(GetParam()).value();
  const Certificate sub =
      testing::issue_from_new_csr(pki.inter, pki.inter_key, sub_key, "Sub CA",
                                  options_for(CertProfile::kIntermediateCa, kT0, kT0 + kYear));
  const Certificate leaf =
      testing::issue_from_new_csr(sub, sub_key, PrivateKey::generate(GetParam()).value(), "deep",
                                  options_for(CertProfile::kEndEntity, kT0, kT0 + kYear));
  EXPECT_EQ(verify_chain(leaf, {sub, pki.inter}, {pki.root}, {}, kT0 + kDay).error().code,
            "cert_invalid");
  // An end-entity certificate cannot act as an issuer either.
  EXPECT_EQ(issue_certificate(pki.leaf, pki.leaf_key,
                              CertificateRequest::create(sub_key, {"x", "", "", ""}).value(),
                              options_for(CertProfile::kEndEntity, kT0, kT0 + kYear))
                .error()
                .code,
            "issuer_not_ca");
}

TEST_P(X509Test, TamperedCertificateSignatureFails) {
  const Pki pki = make_pki(GetParam());
  Bytes der = pki.leaf.to_der();
  der.back() ^= 0x01;
  const auto tampered = Certificate::from_der(der);
  ASSERT_TRUE(tampered.ok());
  EXPECT_EQ(verify_chain(*tampered, {pki.inter}, {pki.root}, {}, kT0 + kDay).error().code,
            "cert_invalid");
}

TEST(X509MixedSuiteTest, P256RootCanCertifySm2Key) {
  const Pki pki = make_pki(Suite::kP256Sha256);
  const PrivateKey sm2 = PrivateKey::generate(Suite::kSm2Sm3).value();
  const Certificate cert =
      testing::issue_from_new_csr(pki.inter, pki.inter_key, sm2, "sm2 holder",
                                  options_for(CertProfile::kEndEntity, kT0, kT0 + kYear));
  EXPECT_EQ(cert.public_key().suite(), Suite::kSm2Sm3);
  EXPECT_TRUE(verify_chain(cert, {pki.inter}, {pki.root}, {}, kT0 + kDay).ok());
}

TEST(X509MalformedTest, GarbageNeverCrashes) {
  const Pki pki = make_pki(Suite::kSm2Sm3);
  const Bytes der = pki.leaf.to_der();
  // Every truncation of a valid certificate is rejected cleanly.
  for (std::size_t len = 0; len < der.size(); ++len) {
    EXPECT_FALSE(Certificate::from_der(ByteView(der).first(len)).ok()) << len;
  }
  Bytes trailing = der;
  trailing.push_back(0);
  EXPECT_EQ(Certificate::from_der(trailing).error().code, "invalid_certificate");
  // Single-byte corruptions: parse or fail, but never crash; parsed ones never verify.
  for (std::size_t i = 0; i < der.size(); i += 3) {
    Bytes corrupt = der;
    corrupt[i] ^= 0x5a;
    auto cert = Certificate::from_der(corrupt);
    if (cert.ok()) {
      EXPECT_FALSE(verify_chain(*cert, {pki.inter}, {pki.root}, {}, kT0 + kDay).ok()) << i;
      (void)cert->subject_string();
      (void)cert->serial_hex();
      (void)cert->not_after();
    }
  }
  EXPECT_FALSE(Certificate::from_pem("").ok());
  EXPECT_FALSE(
      Certificate::from_pem("-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n").ok());
  EXPECT_FALSE(CertificateRequest::from_pem(pki.leaf.to_pem()).ok());
  EXPECT_FALSE(Crl::from_pem("garbage").ok());
  EXPECT_EQ(CertificateRequest::from_pem("").error().code, "invalid_csr");
}

}  // namespace
}  // namespace rl::crypto
