#include "crypto/symmetric.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "crypto/offline_kdf.hpp"
#include "test_util.hpp"

namespace rl::crypto {
namespace {

using testing::counting;
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
