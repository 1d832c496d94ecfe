// ECIES envelopes (crypto/envelope.hpp) for both suites: round trip, and every way a wrong key,
// aad or byte is refused.
#include "crypto/envelope.hpp"

#include <gtest/gtest.h>

#include "crypto/symmetric.hpp"

namespace rl::crypto {
namespace {

class EnvelopeTest : public ::testing::TestWithParam<Suite> {
 protected:
  PrivateKey key_ = PrivateKey::generate(GetParam()).value();
};

TEST_P(EnvelopeTest, RoundTrip) {
  const Bytes secret = random_bytes(32);
  auto env = encrypt_to(key_.public_key(), as_bytes("aad"), secret);
  ASSERT_TRUE(env.ok());
  auto back = decrypt_with(key_, as_bytes("aad"), *env);
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back, secret);
  // Each envelope has its own ephemeral key.
  EXPECT_NE(encrypt_to(key_.public_key(), as_bytes("aad"), secret).value(), *env);
  EXPECT_TRUE(decrypt_with(key_, {}, encrypt_to(key_.public_key(), {}, {}).value()).ok());
}

TEST_P(EnvelopeTest, AnotherKeyOrAadIsRefused) {
  auto env = encrypt_to(key_.public_key(), as_bytes("aad"), Bytes(32, 9)).value();
  auto other = PrivateKey::generate(GetParam()).value();
  EXPECT_EQ(decrypt_with(other, as_bytes("aad"), env).error().code, "aead_auth_failed");
  EXPECT_EQ(decrypt_with(key_, as_bytes("aae"), env).error().code, "aead_auth_failed");
}

TEST_P(EnvelopeTest, EveryFlippedByteIsRefused) {
  auto env = encrypt_to(key_.public_key(), as_bytes("aad"), Bytes(32, 9)).value();
  for (std::size_t i = 0; i < env.size(); ++i) {
    Bytes bad = env;
    bad[i] ^= 0x01;
    EXPECT_FALSE(decrypt_with(key_, as_bytes("aad"), bad).ok()) << i;
  }
}

TEST_P(EnvelopeTest, TruncatedAndOversizedAreRefused) {
  auto env = encrypt_to(key_.public_key(), {}, Bytes(32, 9)).value();
  for (std::size_t n = 0; n < env.size(); ++n) {
    EXPECT_FALSE(decrypt_with(key_, {}, ByteView(env).first(n)).ok()) << n;
  }
  EXPECT_EQ(decrypt_with(key_, {}, Bytes(100000, 0)).error().code, "bad_envelope");
  EXPECT_EQ(encrypt_to(key_.public_key(), {}, Bytes(kMaxEnvelopePlaintext + 1, 0)).error().code,
            "invalid_argument");
}

TEST_P(EnvelopeTest, AnEnvelopeForTheOtherCurveIsRefused) {
  const Suite other = GetParam() == Suite::kP256Sha256 ? Suite::kSm2Sm3 : Suite::kP256Sha256;
  auto foreign = PrivateKey::generate(other).value();
  auto env = encrypt_to(foreign.public_key(), {}, Bytes(32, 9)).value();
  EXPECT_EQ(decrypt_with(key_, {}, env).error().code, "bad_envelope");
}

INSTANTIATE_TEST_SUITE_P(Suites, EnvelopeTest,
                         ::testing::Values(Suite::kP256Sha256, Suite::kSm2Sm3),
                         [](const auto& info) {
                           return info.param == Suite::kP256Sha256 ? "P256" : "SM2";
                         });

}  // namespace
}  // namespace rl::crypto
