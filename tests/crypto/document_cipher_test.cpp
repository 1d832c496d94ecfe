// The payload cipher of sealed reports (crypto/document_cipher.hpp) for both suites.
#include "crypto/document_cipher.hpp"

#include <gtest/gtest.h>

#include "crypto/symmetric.hpp"

namespace rl::crypto {
namespace {

class DocumentCipherTest : public ::testing::TestWithParam<Suite> {
 protected:
  Bytes key_ = random_bytes(32);
};

TEST_P(DocumentCipherTest, RoundTripAtEverySize) {
  for (std::size_t n :
       {std::size_t{0}, std::size_t{1}, std::size_t{64 * 1024 + 1}, std::size_t{1} << 20}) {
    const Bytes plain = random_bytes(n);
    auto sealed = seal_document(GetParam(), key_, as_bytes("doc"), plain);
    ASSERT_TRUE(sealed.ok()) << n;
    EXPECT_LE(sealed->size(), n + 64);
    auto back = open_document(GetParam(), key_, as_bytes("doc"), *sealed);
    ASSERT_TRUE(back.ok()) << n;
    EXPECT_EQ(*back, plain);
  }
}

TEST_P(DocumentCipherTest, WrongKeyAadOrByteIsRefused) {
  auto sealed = seal_document(GetParam(), key_, as_bytes("doc"), Bytes(1000, 5)).value();
  EXPECT_EQ(open_document(GetParam(), random_bytes(32), as_bytes("doc"), sealed).error().code,
            "aead_auth_failed");
  EXPECT_EQ(open_document(GetParam(), key_, as_bytes("dod"), sealed).error().code,
            "aead_auth_failed");
  for (std::size_t i = 1; i < sealed.size(); i += 97) {
    Bytes bad = sealed;
    bad[i] ^= 0x80;
    EXPECT_EQ(open_document(GetParam(), key_, as_bytes("doc"), bad).error().code,
              "aead_auth_failed")
        << i;
  }
  EXPECT_EQ(open_document(GetParam(), key_, as_bytes("doc"), Bytes(3, 0)).error().code,
            "bad_sealed_value");
}

TEST_P(DocumentCipherTest, LimitsAreEnforced) {
  EXPECT_EQ(seal_document(GetParam(), key_, {}, Bytes(kMaxDocumentBytes + 1, 0)).error().code,
            "invalid_argument");
  EXPECT_EQ(seal_document(GetParam(), Bytes(16, 0), {}, Bytes(1, 0)).error().code,
            "invalid_key_length");
  EXPECT_EQ(open_document(GetParam(), key_, {}, Bytes(kMaxDocumentBytes + 100, 0)).error().code,
            "bad_sealed_value");
}

INSTANTIATE_TEST_SUITE_P(Suites, DocumentCipherTest,
                         ::testing::Values(Suite::kP256Sha256, Suite::kSm2Sm3),
                         [](const auto& info) {
                           return info.param == Suite::kP256Sha256 ? "P256" : "SM2";
                         });

}  // namespace
}  // namespace rl::crypto
