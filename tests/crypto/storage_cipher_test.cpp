#include "crypto/storage_cipher.hpp"

#include <gtest/gtest.h>

#include "crypto/symmetric.hpp"
#include "test_util.hpp"

namespace rl::crypto {
namespace {

using testing::hex;

// NIST SP 800-38A F.5.5 (CTR-AES256.Encrypt): its initial counter's low bytes overflow into the
// next byte between blocks, so the first two blocks also check the counter's carry.
TEST(StorageCipherTest, Aes256CtrMatchesNistSp800_38a) {
  const Bytes key = hex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
  const Bytes iv = hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
  Bytes data =
      hex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
          "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710");
  ASSERT_TRUE(ctr_xor(StorageCipher::kAes256Ctr, key, iv, 0, data.data(), data.size()).ok());
  EXPECT_EQ(to_hex(data),
            "601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5"
            "2b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6");
}

// GB/T 32907-2016 appendix A: SM4(0123...3210, 0123...3210) = 681edf34...4246. The first CTR
// keystream block is the cipher applied to the IV, so XOR over zeros shows it.
TEST(StorageCipherTest, Sm4CtrFirstBlockIsTheGbT32907Vector) {
  const Bytes key = hex("0123456789abcdeffedcba9876543210");
  Bytes data(16, 0);
  ASSERT_TRUE(ctr_xor(StorageCipher::kSm4Ctr, key, key, 0, data.data(), data.size()).ok());
  EXPECT_EQ(to_hex(data), "681edf34d206965e86b3e94f536e4246");
}

// RocksDB reads and writes files at arbitrary offsets: any split of a stream must give the same
// bytes as one pass over it.
TEST(StorageCipherTest, AnyOffsetGivesTheSameKeystreamAsOnePass) {
  for (auto c : {StorageCipher::kAes256Ctr, StorageCipher::kSm4Ctr}) {
    const Bytes key = random_bytes(storage_key_size(c));
    const Bytes iv = random_bytes(kCtrIvSize);
    Bytes whole(1000, 0);
    ASSERT_TRUE(ctr_xor(c, key, iv, 0, whole.data(), whole.size()).ok());
    for (std::size_t start : {0u, 1u, 15u, 16u, 17u, 255u, 512u, 999u}) {
      for (std::size_t len : {1u, 7u, 16u, 33u}) {
        if (start + len > whole.size()) continue;
        Bytes part(len, 0);
        ASSERT_TRUE(ctr_xor(c, key, iv, start, part.data(), part.size()).ok());
        EXPECT_EQ(part, Bytes(whole.begin() + static_cast<long>(start),
                              whole.begin() + static_cast<long>(start + len)))
            << storage_cipher_name(c) << " start=" << start << " len=" << len;
      }
    }
  }
}

// The counter is a 128-bit number: block 1 of IV ...00ffffffffffffffff is block 0 of IV
// ...010000000000000000 (the carry crosses the 64-bit halves).
TEST(StorageCipherTest, CounterCarriesAcrossSixtyFourBits) {
  const Bytes key(32, 7);
  const Bytes iv = hex("0000000000000000ffffffffffffffff");
  const Bytes next = hex("00000000000000010000000000000000");
  Bytes a(16, 0);
  Bytes b(16, 0);
  ASSERT_TRUE(ctr_xor(StorageCipher::kAes256Ctr, key, iv, 16, a.data(), a.size()).ok());
  ASSERT_TRUE(ctr_xor(StorageCipher::kAes256Ctr, key, next, 0, b.data(), b.size()).ok());
  EXPECT_EQ(a, b);
}

TEST(StorageCipherTest, RefusesWrongKeyAndIvSizes) {
  Bytes data(4, 0);
  EXPECT_EQ(
      ctr_xor(StorageCipher::kSm4Ctr, Bytes(32, 1), Bytes(16, 0), 0, data.data(), 4).error().code,
      "invalid_key_length");
  EXPECT_EQ(ctr_xor(StorageCipher::kAes256Ctr, Bytes(16, 1), Bytes(16, 0), 0, data.data(), 4)
                .error()
                .code,
            "invalid_key_length");
  EXPECT_EQ(ctr_xor(StorageCipher::kAes256Ctr, Bytes(32, 1), Bytes(12, 0), 0, data.data(), 4)
                .error()
                .code,
            "invalid_iv_length");
}

TEST(StorageCipherTest, NamesAndSuites) {
  EXPECT_EQ(storage_cipher_name(StorageCipher::kAes256Ctr), "aes-256-ctr");
  EXPECT_EQ(storage_cipher_name(StorageCipher::kSm4Ctr), "sm4-ctr");
  EXPECT_EQ(storage_cipher_for(Suite::kSm2Sm3), StorageCipher::kSm4Ctr);
  EXPECT_EQ(storage_cipher_for(Suite::kP256Sha256), StorageCipher::kAes256Ctr);
}

class SealedValueTest : public ::testing::TestWithParam<StorageCipher> {};

TEST_P(SealedValueTest, RoundTripsAndEachSealIsFresh) {
  const Bytes key = random_bytes(kValueKeySize);
  const Bytes secret = to_bytes("a data key, say");
  auto a = seal_value(GetParam(), key, as_bytes("aad"), secret);
  auto b = seal_value(GetParam(), key, as_bytes("aad"), secret);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_EQ(open_value(GetParam(), key, as_bytes("aad"), *a).value(), secret);
  EXPECT_EQ(open_value(GetParam(), key, as_bytes("aad"), *b).value(), secret);
}

TEST_P(SealedValueTest, AnotherKeyOrAadOrAnyFlippedByteFailsAuthentication) {
  const Bytes key = random_bytes(kValueKeySize);
  const Bytes sealed = seal_value(GetParam(), key, as_bytes("aad"), to_bytes("secret")).value();
  EXPECT_EQ(
      open_value(GetParam(), random_bytes(kValueKeySize), as_bytes("aad"), sealed).error().code,
      "aead_auth_failed");
  EXPECT_EQ(open_value(GetParam(), key, as_bytes("aae"), sealed).error().code, "aead_auth_failed");
  for (std::size_t i = 1; i < sealed.size(); ++i) {
    Bytes bad = sealed;
    bad[i] ^= 0x01;
    EXPECT_EQ(open_value(GetParam(), key, as_bytes("aad"), bad).error().code, "aead_auth_failed")
        << "byte " << i;
  }
}

TEST_P(SealedValueTest, MalformedInputIsRefusedAsSuch) {
  const Bytes key = random_bytes(kValueKeySize);
  const Bytes sealed = seal_value(GetParam(), key, {}, to_bytes("secret")).value();
  Bytes wrong_version = sealed;
  wrong_version[0] ^= 0x03;
  EXPECT_EQ(open_value(GetParam(), key, {}, wrong_version).error().code, "bad_sealed_value");
  EXPECT_EQ(open_value(GetParam(), key, {}, ByteView(sealed).first(10)).error().code,
            "bad_sealed_value");
  EXPECT_EQ(open_value(GetParam(), key, {}, Bytes(70'000, 1)).error().code, "bad_sealed_value");
  EXPECT_EQ(seal_value(GetParam(), Bytes(16, 1), {}, sealed).error().code, "invalid_key_length");
}

INSTANTIATE_TEST_SUITE_P(BothCiphers, SealedValueTest,
                         ::testing::Values(StorageCipher::kAes256Ctr, StorageCipher::kSm4Ctr));

TEST(SealedValueTest, OneCiphersSealIsNotTheOthers) {
  const Bytes key = random_bytes(kValueKeySize);
  const Bytes aes = seal_value(StorageCipher::kAes256Ctr, key, {}, to_bytes("x")).value();
  EXPECT_FALSE(open_value(StorageCipher::kSm4Ctr, key, {}, aes).ok());
}

}  // namespace
}  // namespace rl::crypto
