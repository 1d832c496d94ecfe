#include "crypto/symmetric.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "crypto/offline_kdf.hpp"
#include "test_util.hpp"

namespace rl::crypto {
namespace {

using testing::counting;
using testing::hex;
using testing::repeat;

// RFC 4231 section 4: HMAC-SHA-256 test cases with full-length output.
TEST(HmacSha256Test, Rfc4231) {
  struct Case {
    Bytes key;
    Bytes data;
    const char* mac;
  };
  const std::string big_key_msg = "Test Using Larger Than Block-Size Key - Hash Key First";
  const std::string big_data_msg =
      "This is a test using a larger than block-size key and a larger than block-size data. "
      "The key needs to be hashed before being used by the HMAC algorithm.";
  const Case cases[] = {
      {repeat(0x0b, 20), to_bytes("Hi There"),
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {to_bytes("Jefe"), to_bytes("what do ya want for nothing?"),
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {repeat(0xaa, 20), repeat(0xdd, 50),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      {counting(0x01, 0x19), repeat(0xcd, 50),
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
      {repeat(0xaa, 131), to_bytes(big_key_msg),
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {repeat(0xaa, 131), to_bytes(big_data_msg),
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
  };
  for (const Case& c : cases) EXPECT_EQ(to_hex(hmac_sha256(c.key, c.data)), c.mac);
  // Case 5 is truncated to 128 bits: compare the prefix.
  const Bytes truncated = hmac_sha256(repeat(0x0c, 20), to_bytes("Test With Truncation"));
  EXPECT_EQ(to_hex(ByteView(truncated).first(16)), "a3b6167473100ee06e0c796c2955552b");
}

TEST(HmacSha256Test, EmptyKeyAndMessage) {
  // Well-known value of HMAC-SHA256("", "").
  EXPECT_EQ(to_hex(hmac_sha256({}, {})),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

// RFC 4493 section 4: AES-128 CMAC examples 1-4.
// suite_hmac (third-party tokens, decision 0060): HMAC-SHA256 in P-256 networks (RFC 4231 case
// 2), HMAC-SM3 in SM2 networks (the same case, value from `openssl dgst -sm3 -hmac Jefe`).
TEST(SuiteHmacTest, Sha256AndSm3) {
  const auto data = as_bytes(std::string_view("what do ya want for nothing?"));
  EXPECT_EQ(
      to_hex(suite_hmac(Suite::kP256Sha256, as_bytes(std::string_view("Jefe")), data).value()),
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(to_hex(suite_hmac(Suite::kSm2Sm3, as_bytes(std::string_view("Jefe")), data).value()),
            "2e87f1d16862e6d964b50a5200bf2b10b764faa9680a296a2405f24bec39f882");
  EXPECT_EQ(suite_hmac(Suite::kP256Sha256, {}, data).error().code, "invalid_key_length");
  EXPECT_EQ(hmac("MD5", as_bytes(std::string_view("k")), data).error().code, "invalid_argument");
}

TEST(AesCmacTest, Rfc4493) {
  const Bytes key = hex("2b7e151628aed2a6abf7158809cf4f3c");
  const std::string msg64 =
      "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
      "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
  EXPECT_EQ(to_hex(aes_cmac(key, {}).value()), "bb1d6929e95937287fa37d129b756746");
  EXPECT_EQ(to_hex(aes_cmac(key, hex(msg64.substr(0, 32))).value()),
            "070a16b46b4d4144f79bdd9dd04a287c");
  EXPECT_EQ(to_hex(aes_cmac(key, hex(msg64.substr(0, 80))).value()),
            "dfa66747de9ae63030ca32611497c827");
  EXPECT_EQ(to_hex(aes_cmac(key, hex(msg64)).value()), "51f0bebf7e3b9d92fc49741779363cfe");
}

TEST(AesCmacTest, RejectsBadKeyLength) {
  for (std::size_t len : {0u, 1u, 15u, 17u, 33u}) {
    auto r = aes_cmac(Bytes(len, 1), as_bytes("x"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "invalid_key_length");
  }
  EXPECT_TRUE(aes_cmac(Bytes(24, 1), as_bytes("x")).ok());
  EXPECT_TRUE(aes_cmac(Bytes(32, 1), as_bytes("x")).ok());
}

// RFC 5869 appendix A, test cases 1-3 (SHA-256).
TEST(HkdfSha256Test, Rfc5869) {
  EXPECT_EQ(
      to_hex(hkdf_sha256(repeat(0x0b, 22), counting(0x00, 0x0c), counting(0xf0, 0xf9), 42).value()),
      "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
  EXPECT_EQ(to_hex(hkdf_sha256(counting(0x00, 0x4f), counting(0x60, 0xaf), counting(0xb0, 0xff), 82)
                       .value()),
            "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
            "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
            "cc30c58179ec3e87c14c01d5c1f3434f1d87");
  EXPECT_EQ(to_hex(hkdf_sha256(repeat(0x0b, 22), {}, {}, 42).value()),
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
}

TEST(HkdfSha256Test, RejectsBadLength) {
  EXPECT_EQ(hkdf_sha256(as_bytes("k"), {}, {}, 0).error().code, "invalid_length");
  EXPECT_EQ(hkdf_sha256(as_bytes("k"), {}, {}, 255 * 32 + 1).error().code, "invalid_length");
  EXPECT_EQ(hkdf_sha256(as_bytes("k"), {}, {}, 255 * 32).value().size(), 255u * 32);
}

// RFC 7914 section 12 (the two small vectors).
TEST(ScryptTest, Rfc7914) {
  EXPECT_EQ(to_hex(scrypt({}, {}, 16, 1, 1, 64).value()),
            "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
            "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906");
  EXPECT_EQ(to_hex(scrypt(as_bytes("password"), as_bytes("NaCl"), 1024, 8, 16, 64).value()),
            "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
            "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640");
}

TEST(ScryptTest, RejectsBadParameters) {
  EXPECT_EQ(scrypt(as_bytes("p"), as_bytes("s"), 0, 1, 1, 32).error().code, "invalid_argument");
  EXPECT_EQ(scrypt(as_bytes("p"), as_bytes("s"), 1, 1, 1, 32).error().code, "invalid_argument");
  EXPECT_EQ(scrypt(as_bytes("p"), as_bytes("s"), 1000, 1, 1, 32).error().code, "invalid_argument");
  EXPECT_EQ(scrypt(as_bytes("p"), as_bytes("s"), 16, 0, 1, 32).error().code, "invalid_argument");
  EXPECT_EQ(scrypt(as_bytes("p"), as_bytes("s"), 16, 1, 0, 32).error().code, "invalid_argument");
  EXPECT_EQ(scrypt(as_bytes("p"), as_bytes("s"), 16, 1, 1, 0).error().code, "invalid_argument");
  // Far beyond the memory cap: an error, not an allocation attempt.
  auto huge = scrypt(as_bytes("p"), as_bytes("s"), 1ull << 40, 8, 1, 32);
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.error().code, "kdf_failed");
}

TEST(AesGcmTest, RoundTripAllKeySizesIvAndTagLengths) {
  for (std::size_t key_len : {16u, 24u, 32u}) {
    for (std::size_t iv_len : {1u, 8u, 12u, 16u, 64u}) {
      for (std::size_t tag_len : {12u, 13u, 14u, 15u, 16u}) {
        const Bytes key = random_bytes(key_len);
        const Bytes iv = random_bytes(iv_len);
        const Bytes aad = to_bytes("report-id|policy-hash");
        const Bytes pt = to_bytes("sealed payload of a regulatory report");
        const Bytes sealed = aes_gcm_seal(key, iv, aad, pt, tag_len).value();
        ASSERT_EQ(sealed.size(), pt.size() + tag_len);
        EXPECT_EQ(aes_gcm_open(key, iv, aad, sealed, tag_len).value(), pt);
        // Any single flipped bit (ciphertext or tag) fails authentication.
        for (std::size_t i = 0; i < sealed.size(); i += 7) {
          Bytes tampered = sealed;
          tampered[i] ^= 0x01;
          auto r = aes_gcm_open(key, iv, aad, tampered, tag_len);
          ASSERT_FALSE(r.ok());
          EXPECT_EQ(r.error().code, "aead_auth_failed");
        }
        EXPECT_EQ(aes_gcm_open(key, iv, as_bytes("other aad"), sealed, tag_len).error().code,
                  "aead_auth_failed");
      }
    }
  }
}

TEST(AesGcmTest, EmptyPlaintextAndArgumentErrors) {
  const Bytes key(16, 7), iv(12, 9);
  const Bytes sealed = aes_gcm_seal(key, iv, {}, {}).value();
  EXPECT_EQ(sealed.size(), 16u);
  EXPECT_TRUE(aes_gcm_open(key, iv, {}, sealed).value().empty());
  EXPECT_EQ(aes_gcm_seal(Bytes(15, 0), iv, {}, {}).error().code, "invalid_key_length");
  EXPECT_EQ(aes_gcm_seal(key, {}, {}, {}).error().code, "invalid_iv_length");
  EXPECT_EQ(aes_gcm_seal(key, iv, {}, {}, 11).error().code, "invalid_tag_length");
  EXPECT_EQ(aes_gcm_seal(key, iv, {}, {}, 17).error().code, "invalid_tag_length");
  EXPECT_EQ(aes_gcm_open(key, iv, {}, Bytes(15, 0)).error().code, "aead_auth_failed");
}

TEST(RandomTest, ProducesDistinctBytes) {
  EXPECT_TRUE(random_bytes(0).empty());
  std::set<Bytes> seen;
  for (int i = 0; i < 100; ++i) seen.insert(random_bytes(16));
  EXPECT_EQ(seen.size(), 100u);
}

TEST(EqualCtTest, ComparesContentsAndLengths) {
  EXPECT_TRUE(equal_ct({}, {}));
  EXPECT_TRUE(equal_ct(as_bytes("abc"), as_bytes("abc")));
  EXPECT_FALSE(equal_ct(as_bytes("abc"), as_bytes("abd")));
  EXPECT_FALSE(equal_ct(as_bytes("abc"), as_bytes("abcd")));
  EXPECT_FALSE(equal_ct(as_bytes(""), as_bytes("a")));
}

}  // namespace
}  // namespace rl::crypto
