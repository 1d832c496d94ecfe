// crypto/signature_form: strict DER and low-s P-256 signatures (decision 0045).

#include "crypto/signature_form.hpp"

#include <gtest/gtest.h>

#include "crypto/keys.hpp"

namespace rl::crypto {
namespace {

Bytes der_sig(const std::string& r_hex, const std::string& s_hex) {
  auto integer = [](const std::string& h) {
    Bytes v = from_hex(h).value();
    if (v[0] & 0x80) v.insert(v.begin(), 0x00);
    Bytes out{0x02, static_cast<std::uint8_t>(v.size())};
    out.insert(out.end(), v.begin(), v.end());
    return out;
  };
  Bytes body = integer(r_hex);
  Bytes s = integer(s_hex);
  body.insert(body.end(), s.begin(), s.end());
  Bytes out{0x30, static_cast<std::uint8_t>(body.size())};
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

// n/2 of P-256 (n = ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551), and
// one above it.
constexpr const char* kHalfN = "7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8";
constexpr const char* kHalfNPlus1 =
    "7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a9";

TEST(SignatureForm, LowSBoundaryIsHalfTheOrder) {
  EXPECT_EQ(signature_form(Suite::kP256Sha256, der_sig("01", kHalfN)), SignatureForm::kCanonical);
  EXPECT_EQ(signature_form(Suite::kP256Sha256, der_sig("01", kHalfNPlus1)), SignatureForm::kHighS);
  // SM2 has no mirror: s is not restricted.
  EXPECT_EQ(signature_form(Suite::kSm2Sm3, der_sig("01", kHalfNPlus1)), SignatureForm::kCanonical);
}

TEST(SignatureForm, OnlyStrictDerIsCanonical) {
  const Bytes good = der_sig("01", "01");
  ASSERT_EQ(signature_form(Suite::kP256Sha256, good), SignatureForm::kCanonical);
  for (Suite suite : {Suite::kP256Sha256, Suite::kSm2Sm3}) {
    for (const auto& [what, bad] : std::vector<std::pair<const char*, std::string>>{
             {"long-form length", "308106020101020101"},
             {"padded integer", "300702020001020101"},
             {"negative r", "3006020181020101"},
             {"trailing byte", "300602010102010100"},
             {"three integers", "3009020101020101020101"},
             {"empty", ""}}) {
      EXPECT_EQ(signature_form(suite, from_hex(bad).value()), SignatureForm::kNotDer) << what;
    }
  }
}

TEST(SignatureForm, SignProducesLowSAndTheMirrorVerifiesToo) {
  const auto key = PrivateKey::generate(Suite::kP256Sha256).value();
  int mirrors_checked = 0;
  for (int i = 0; i < 64; ++i) {
    const Bytes msg = to_bytes("message " + std::to_string(i));
    const Bytes sig = sign(key, msg).value();
    ASSERT_EQ(signature_form(Suite::kP256Sha256, sig), SignatureForm::kCanonical) << i;
    // The mirror is the malleated twin the rule exists for: it verifies, and it is high-s.
    const Bytes twin = mirror_ecdsa_signature(Suite::kP256Sha256, sig).value();
    EXPECT_EQ(signature_form(Suite::kP256Sha256, twin), SignatureForm::kHighS);
    EXPECT_TRUE(verify(key.public_key(), msg, twin));
    EXPECT_EQ(mirror_ecdsa_signature(Suite::kP256Sha256, twin).value(), sig);
    ++mirrors_checked;
  }
  EXPECT_EQ(mirrors_checked, 64);
}

TEST(SignatureForm, Sm2SignaturesAreStrictDerAndHaveNoMirror) {
  const auto key = PrivateKey::generate(Suite::kSm2Sm3).value();
  const Bytes sig = sign(key, to_bytes("m")).value();
  EXPECT_EQ(signature_form(Suite::kSm2Sm3, sig), SignatureForm::kCanonical);
  EXPECT_FALSE(mirror_ecdsa_signature(Suite::kSm2Sm3, sig).ok());
}

}  // namespace
}  // namespace rl::crypto
