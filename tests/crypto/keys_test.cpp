#include "crypto/keys.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "crypto/symmetric.hpp"
#include "test_util.hpp"

namespace rl::crypto {
namespace {

using testing::hex;

class KeysTest : public ::testing::TestWithParam<Suite> {};

INSTANTIATE_TEST_SUITE_P(BothSuites, KeysTest,
                         ::testing::Values(Suite::kP256Sha256, Suite::kSm2Sm3),
                         [](const auto& info) {
                           return info.param == Suite::kP256Sha256 ? "P256" : "Sm2";
                         });

TEST_P(KeysTest, GeneratedKeyHasSuite) {
  const PrivateKey key = PrivateKey::generate(GetParam()).value();
  EXPECT_EQ(key.suite(), GetParam());
  EXPECT_EQ(key.public_key().suite(), GetParam());
}

TEST_P(KeysTest, SignVerifyRoundTrip) {
  const PrivateKey key = PrivateKey::generate(GetParam()).value();
  const PublicKey pub = key.public_key();
  for (const std::string msg : {"", "a", "vote|height=7|round=0|block=abcd"}) {
    const Bytes sig = sign(key, as_bytes(msg)).value();
    EXPECT_LE(sig.size(), 72u);
    EXPECT_TRUE(verify(pub, as_bytes(msg), sig)) << msg;
  }
}

TEST_P(KeysTest, TamperedMessageOrSignatureFails) {
  const PrivateKey key = PrivateKey::generate(GetParam()).value();
  const PublicKey pub = key.public_key();
  const Bytes msg = to_bytes("transfer 100 to account 42");
  const Bytes sig = sign(key, msg).value();
  for (std::size_t i = 0; i < msg.size(); ++i) {
    Bytes m = msg;
    m[i] ^= 0x20;
    EXPECT_FALSE(verify(pub, m, sig));
  }
  for (std::size_t i = 0; i < sig.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes s = sig;
      s[i] ^= static_cast<std::uint8_t>(1u << bit);
      EXPECT_FALSE(verify(pub, msg, s)) << "byte " << i << " bit " << bit;
    }
  }
  Bytes longer = sig;
  longer.push_back(0);
  EXPECT_FALSE(verify(pub, msg, longer));
  EXPECT_FALSE(verify(pub, msg, ByteView(sig).first(sig.size() - 1)));
}

TEST_P(KeysTest, GarbageSignaturesFail) {
  const PublicKey pub = PrivateKey::generate(GetParam()).value().public_key();
  const Bytes msg = to_bytes("m");
  EXPECT_FALSE(verify(pub, msg, {}));
  EXPECT_FALSE(verify(pub, msg, Bytes(1, 0x30)));
  EXPECT_FALSE(verify(pub, msg, Bytes(64, 0xff)));
  EXPECT_FALSE(verify(pub, msg, Bytes(100000, 0x30)));
  EXPECT_FALSE(verify(pub, msg, hex("3006020100020100")));  // r = s = 0
  EXPECT_FALSE(verify(pub, msg, hex("3006020101020101")));  // r = s = 1
  for (int i = 0; i < 200; ++i) EXPECT_FALSE(verify(pub, msg, random_bytes(1 + i % 80)));
}

TEST_P(KeysTest, SignatureFromOtherKeyFails) {
  const PrivateKey a = PrivateKey::generate(GetParam()).value();
  const PrivateKey b = PrivateKey::generate(GetParam()).value();
  const Bytes sig = sign(a, as_bytes("m")).value();
  EXPECT_FALSE(verify(b.public_key(), as_bytes("m"), sig));
}

TEST_P(KeysTest, PemAndDerRoundTrips) {
  const PrivateKey key = PrivateKey::generate(GetParam()).value();
  const std::string priv_pem = key.to_pem();
  EXPECT_NE(priv_pem.find("-----BEGIN PRIVATE KEY-----"), std::string::npos);
  const PrivateKey key2 = PrivateKey::from_pem(priv_pem).value();
  EXPECT_EQ(key2.suite(), GetParam());
  EXPECT_EQ(key2.to_pem(), priv_pem);

  const PublicKey pub = key.public_key();
  const PublicKey from_pem = PublicKey::from_pem(pub.to_pem()).value();
  const PublicKey from_der = PublicKey::from_der(pub.to_der()).value();
  EXPECT_EQ(from_pem.to_der(), pub.to_der());
  EXPECT_EQ(from_der.to_der(), pub.to_der());
  EXPECT_EQ(from_der.suite(), GetParam());

  // A signature by the reloaded private key verifies with the reloaded public key.
  const Bytes sig = sign(key2, as_bytes("m")).value();
  EXPECT_TRUE(verify(from_pem, as_bytes("m"), sig));
}

TEST_P(KeysTest, EcdhAgreesBothWays) {
  const PrivateKey a = PrivateKey::generate(GetParam()).value();
  const PrivateKey b = PrivateKey::generate(GetParam()).value();
  const Bytes ab = ecdh(a, b.public_key()).value();
  const Bytes ba = ecdh(b, a.public_key()).value();
  EXPECT_EQ(ab.size(), 32u);
  EXPECT_EQ(ab, ba);
}

TEST_P(KeysTest, FromRawScalarRebuildsKey) {
  // Scalar 1 gives the generator; check that the key signs and verifies.
  const PrivateKey one = PrivateKey::from_raw_scalar(GetParam(), hex("0001")).value();
  EXPECT_EQ(one.suite(), GetParam());
  const Bytes sig = sign(one, as_bytes("m")).value();
  EXPECT_TRUE(verify(one.public_key(), as_bytes("m"), sig));
  EXPECT_EQ(PrivateKey::from_raw_scalar(GetParam(), {}).error().code, "invalid_private_key");
  EXPECT_EQ(PrivateKey::from_raw_scalar(GetParam(), Bytes(8, 0)).error().code,
            "invalid_private_key");
  EXPECT_EQ(PrivateKey::from_raw_scalar(GetParam(), Bytes(32, 0xff)).error().code,
            "invalid_private_key");
  EXPECT_EQ(PrivateKey::from_raw_scalar(GetParam(), Bytes(33, 0x01)).error().code,
            "invalid_private_key");
}

TEST_P(KeysTest, ConcurrentVerifyOnSharedKey) {
  const PrivateKey key = PrivateKey::generate(GetParam()).value();
  const PublicKey pub = key.public_key();
  const Bytes sig = sign(key, as_bytes("m")).value();
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) {
        if (!verify(pub, as_bytes("m"), sig)) ++failures;
        if (verify(pub, as_bytes("n"), sig)) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(KeysCrossSuiteTest, SignatureOfOneSuiteFailsUnderTheOther) {
  const PrivateKey p256 = PrivateKey::generate(Suite::kP256Sha256).value();
  const PrivateKey sm2 = PrivateKey::generate(Suite::kSm2Sm3).value();
  const Bytes sig_p256 = sign(p256, as_bytes("m")).value();
  const Bytes sig_sm2 = sign(sm2, as_bytes("m")).value();
  EXPECT_FALSE(verify(sm2.public_key(), as_bytes("m"), sig_p256));
  EXPECT_FALSE(verify(p256.public_key(), as_bytes("m"), sig_sm2));
  EXPECT_EQ(ecdh(p256, sm2.public_key()).error().code, "key_mismatch");
}

TEST(KeysErrorTest, RejectsMalformedAndUnsupportedKeys) {
  EXPECT_EQ(PublicKey::from_der({}).error().code, "invalid_public_key");
  EXPECT_EQ(PublicKey::from_der(Bytes(91, 0x30)).error().code, "invalid_public_key");
  EXPECT_EQ(PublicKey::from_pem("not a pem").error().code, "invalid_public_key");
  EXPECT_EQ(PrivateKey::from_pem("").error().code, "invalid_private_key");
  EXPECT_EQ(PrivateKey::from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
                .error()
                .code,
            "invalid_private_key");
  // Ed25519 SubjectPublicKeyInfo (RFC 8410 example key): parses, but is not a supported suite.
  auto ed = PublicKey::from_der(hex(
      "302a300506032b657003210019bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1"));
  ASSERT_FALSE(ed.ok());
  EXPECT_EQ(ed.error().code, "unsupported_key_type");
  // secp384r1 key: EC, but the wrong curve.
  const char* p384_pem =
      "-----BEGIN PUBLIC KEY-----\n"
      "MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAE7YBJlE5kd+a622ocp7zIassjNHNpoY+b\n"
      "zDWk4NxvVX1sR1aYiPIKELmFV4AtWzXPBmv4GG9MA3WsO9kBV7Ey+DKRnSCyH9o8\n"
      "sBnIyJplQjdyb+W0kKQnJg45K6LdcVa5\n"
      "-----END PUBLIC KEY-----\n";
  auto p384 = PublicKey::from_pem(p384_pem);
  ASSERT_FALSE(p384.ok());
  EXPECT_EQ(p384.error().code, "unsupported_key_type") << p384.error().message;
  // Trailing bytes after a valid DER key.
  Bytes der = PrivateKey::generate(Suite::kP256Sha256).value().public_key().to_der();
  der.push_back(0);
  EXPECT_EQ(PublicKey::from_der(der).error().code, "invalid_public_key");
}

}  // namespace
}  // namespace rl::crypto
