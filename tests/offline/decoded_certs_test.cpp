// What the cold path of the settlement check shares between chains: intermediates decoded once
// (offline/decoded_certs.hpp), and the validity window of a chain, computed where the chain is
// verified, which the verification memo trusts instead of decoding the chain again. A window
// narrower than the leaf's (an issuing CA that expires first) must bound the memo's answers.

#include <gtest/gtest.h>

#include "fixture.hpp"
#include "offline/decoded_certs.hpp"
#include "offline/verify_memo.hpp"

namespace rl::offline::testing {
namespace {

// Root valid for years; issuing CA only for 30 days; the device certificate for a year.
struct ShortCaChain {
  crypto::Certificate root, inter, leaf;

  static ShortCaChain make(Suite s) {
    using crypto::testing::options_for;
    auto root_key = must(crypto::PrivateKey::generate(s));
    auto root = must(crypto::create_root_certificate(
        root_key, {"Window Root", "RegLedger Test", "", "CN"},
        options_for(crypto::CertProfile::kRootCa, kT0 - kDay, kT0 + 20 * kYear)));
    auto inter_key = must(crypto::PrivateKey::generate(s));
    auto inter = crypto::testing::issue_from_new_csr(
        root, root_key, inter_key, "Short-lived Issuing CA",
        options_for(crypto::CertProfile::kIntermediateCa, kT0 - kDay, kT0 + 30 * kDay));
    auto key = must(crypto::PrivateKey::generate(s));
    auto leaf = crypto::testing::issue_from_new_csr(
        inter, inter_key, key, "device-w",
        options_for(crypto::CertProfile::kEndEntity, kT0 - 2 * kDay, kT0 + kYear));
    return {std::move(root), std::move(inter), std::move(leaf)};
  }
};

class ChainWindowTest : public ::testing::TestWithParam<Suite> {
 protected:
  ChainWindowTest()
      : certs(ShortCaChain::make(GetParam())), chain(encode_chain(certs.leaf, {certs.inter})) {
    trust.roots = {certs.root};
  }

  ShortCaChain certs;
  crypto::Certificate& leaf = certs.leaf;
  crypto::Certificate& inter = certs.inter;
  pb::CertChain chain;
  TrustAnchors trust;
  Limits limits;
};

TEST_P(ChainWindowTest, TheWindowIsWhereEveryChainCertificateIsValid) {
  auto v = verify_device_chain(GetParam(), trust, chain, "device-w", kT0, limits);
  ASSERT_TRUE(v.ok()) << v.error().to_string();
  EXPECT_EQ(v->valid_after,
            leaf.not_before() > inter.not_before() ? leaf.not_before() : inter.not_before());
  EXPECT_EQ(v->valid_before, inter.not_after());  // the issuing CA expires first
  EXPECT_LT(v->valid_before, leaf.not_after());
}

TEST_P(ChainWindowTest, AWarmMemoRefusesOutsideTheIssuingCasValidityLikeACheckWithout) {
  VerifyMemo memo;
  ASSERT_TRUE(memo.device_chain(GetParam(), trust, chain, "device-w", kT0, limits).ok());
  ASSERT_TRUE(memo.device_chain(GetParam(), trust, chain, "device-w", kT0 + kDay, limits).ok());
  EXPECT_EQ(memo.stats().chain_hits, 1u);
  // Inside the leaf's validity, past the issuing CA's: refused, from memory or not.
  const std::int64_t later = kT0 + 60 * kDay;
  auto cold = verify_device_chain(GetParam(), trust, chain, "device-w", later, limits);
  auto warm = memo.device_chain(GetParam(), trust, chain, "device-w", later, limits);
  ASSERT_FALSE(cold.ok());
  ASSERT_FALSE(warm.ok());
  EXPECT_EQ(cold.error().code, std::string(err::kCertificateExpired));
  EXPECT_EQ(warm.error().code, cold.error().code);
}

INSTANTIATE_TEST_SUITE_P(BothSuites, ChainWindowTest,
                         ::testing::Values(Suite::kP256Sha256, Suite::kSm2Sm3), suite_label);

TEST(DecodedCerts, SameBytesSameCertificateAndGarbageIsRefusedEveryTime) {
  const auto a = Authority::make(Suite::kP256Sha256, "Decode");
  const std::string der = to_string(a.inter.to_der());
  DecodedCerts cache(/*max_entries=*/2);
  for (int i = 0; i < 3; ++i) {
    auto c = cache.decode(der);
    ASSERT_TRUE(c.ok()) << c.error().to_string();
    EXPECT_EQ(c->to_der(), a.inter.to_der());
    EXPECT_EQ(c->subject().common_name, a.inter.subject().common_name);
  }
  std::string bad = der;
  bad[bad.size() / 2] ^= 0x40;
  for (int i = 0; i < 2; ++i) {
    auto c = cache.decode(bad);
    if (c.ok()) {
      EXPECT_NE(c->to_der(), a.inter.to_der());  // never the cached one
    }
  }
  EXPECT_FALSE(cache.decode("not a certificate").ok());
  EXPECT_FALSE(cache.decode("not a certificate").ok());
  // A full table is dropped, not wrong: every certificate still decodes to itself.
  const auto b = Authority::make(Suite::kP256Sha256, "Other");
  for (const auto* c : {&a.root, &a.inter, &b.root, &b.inter, &a.root}) {
    auto got = cache.decode(to_string(c->to_der()));
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->to_der(), c->to_der());
  }
}

}  // namespace
}  // namespace rl::offline::testing
