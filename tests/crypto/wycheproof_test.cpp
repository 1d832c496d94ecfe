// Project Wycheproof vectors (tests/data/wycheproof, Apache-2.0, see LICENSE there).
// For each file: every "valid" case must be accepted / produce the expected output, every
// "invalid" case must be refused, "acceptable" cases may go either way but must not crash.

#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "crypto/keys.hpp"
#include "crypto/offline_kdf.hpp"
#include "crypto/symmetric.hpp"
#include "test_util.hpp"

namespace rl::crypto {
namespace {

using Json = nlohmann::json;
using testing::hex;

Json load_vectors(const std::string& name) {
  std::ifstream in(testing::data_path("wycheproof/" + name));
  if (!in) throw std::runtime_error("cannot open " + name);
  return Json::parse(in);
}

// Tally per outcome; printed and asserted non-empty so an empty or truncated file can't pass.
struct Counts {
  int valid = 0;
  int invalid = 0;
  int acceptable_accepted = 0;
  int acceptable_refused = 0;
  int unsupported = 0;  // valid cases outside documented API limits (checked separately)
  int mismatches = 0;
  int total() const {
    return valid + invalid + acceptable_accepted + acceptable_refused + unsupported;
  }
};

// Checks one case's verdict against its expected result and counts it.
void record(Counts& counts, const Json& test, bool accepted) {
  const std::string result = test.at("result");
  const std::string where = "tcId " + std::to_string(test.at("tcId").get<int>()) + " (" +
                            test.value("comment", std::string()) + ")";
  if (result == "valid") {
    EXPECT_TRUE(accepted) << where << " should be accepted";
    ++counts.valid;
    if (!accepted) ++counts.mismatches;
  } else if (result == "invalid") {
    EXPECT_FALSE(accepted) << where << " should be refused";
    ++counts.invalid;
    if (accepted) ++counts.mismatches;
  } else {
    ASSERT_EQ(result, "acceptable") << where;
    ++(accepted ? counts.acceptable_accepted : counts.acceptable_refused);
  }
}

void report(const std::string& file, const Json& doc, const Counts& counts) {
  std::cout << "[wycheproof] " << file << ": " << counts.total() << " cases: " << counts.valid
            << " valid, " << counts.invalid << " invalid, "
            << counts.acceptable_accepted + counts.acceptable_refused << " acceptable ("
            << counts.acceptable_accepted << " accepted, " << counts.acceptable_refused
            << " refused), " << counts.unsupported << " unsupported-by-API, " << counts.mismatches
            << " mismatches" << std::endl;
  EXPECT_GT(counts.total(), 0);
  EXPECT_GT(counts.valid, 0);
  EXPECT_EQ(counts.mismatches, 0);
  EXPECT_EQ(counts.total(), doc.at("numberOfTests").get<int>());
}

// The AES CBC cipher cmac() takes for a key of `size` bytes; a key of any other size is tried
// with AES-128, whose key length check must refuse it.
std::string_view aes_cbc_for_key(std::size_t size) {
  if (size == 24) return "AES-192-CBC";
  if (size == 32) return "AES-256-CBC";
  return "AES-128-CBC";
}

bool tag_matches(ByteView computed, const Bytes& expected, std::size_t tag_bytes) {
  if (computed.size() < tag_bytes) return false;
  return equal_ct(computed.first(tag_bytes), expected);
}

TEST(WycheproofTest, EcdsaSecp256r1Sha256) {
  const std::string file = "ecdsa_secp256r1_sha256_test.json";
  const Json doc = load_vectors(file);
  Counts counts;
  for (const Json& group : doc.at("testGroups")) {
    auto key = PublicKey::from_der(hex(group.at("publicKeyDer").get<std::string>()));
    ASSERT_TRUE(key.ok()) << key.error().to_string();
    ASSERT_EQ(key->suite(), Suite::kP256Sha256);
    ASSERT_EQ(group.at("sha"), "SHA-256");
    for (const Json& test : group.at("tests")) {
      const bool ok = verify(*key, hex(test.at("msg").get<std::string>()),
                             hex(test.at("sig").get<std::string>()));
      record(counts, test, ok);
    }
  }
  report(file, doc, counts);
}

TEST(WycheproofTest, HmacSha256) {
  const std::string file = "hmac_sha256_test.json";
  const Json doc = load_vectors(file);
  Counts counts;
  for (const Json& group : doc.at("testGroups")) {
    const std::size_t tag_bytes = group.at("tagSize").get<std::size_t>() / 8;
    for (const Json& test : group.at("tests")) {
      const Bytes mac = hmac_sha256(hex(test.at("key").get<std::string>()),
                                    hex(test.at("msg").get<std::string>()));
      record(counts, test, tag_matches(mac, hex(test.at("tag").get<std::string>()), tag_bytes));
    }
  }
  report(file, doc, counts);
}

TEST(WycheproofTest, AesCmac) {
  const std::string file = "aes_cmac_test.json";
  const Json doc = load_vectors(file);
  Counts counts;
  for (const Json& group : doc.at("testGroups")) {
    const std::size_t tag_bytes = group.at("tagSize").get<std::size_t>() / 8;
    for (const Json& test : group.at("tests")) {
      // AES-CMAC is cmac() with the AES cipher of the key's size (offline_kdf.hpp); Wycheproof's
      // other key sizes must be refused by each cipher's key length check, which counts as
      // rejection.
      const Bytes key = hex(test.at("key").get<std::string>());
      auto mac = cmac(aes_cbc_for_key(key.size()), key, hex(test.at("msg").get<std::string>()));
      const bool ok =
          mac.ok() && tag_matches(*mac, hex(test.at("tag").get<std::string>()), tag_bytes);
      record(counts, test, ok);
    }
  }
  report(file, doc, counts);
}

TEST(WycheproofTest, HkdfSha256) {
  const std::string file = "hkdf_sha256_test.json";
  const Json doc = load_vectors(file);
  Counts counts;
  for (const Json& group : doc.at("testGroups")) {
    for (const Json& test : group.at("tests")) {
      auto okm = hkdf("SHA2-256", hex(test.at("ikm").get<std::string>()),
                      hex(test.at("salt").get<std::string>()),
                      hex(test.at("info").get<std::string>()), test.at("size").get<std::size_t>());
      record(counts, test, okm.ok() && *okm == hex(test.at("okm").get<std::string>()));
    }
  }
  report(file, doc, counts);
}

TEST(WycheproofTest, AesGcm) {
  const std::string file = "aes_gcm_test.json";
  const Json doc = load_vectors(file);
  Counts counts;
  for (const Json& group : doc.at("testGroups")) {
    const std::size_t tag_len = group.at("tagSize").get<std::size_t>() / 8;
    for (const Json& test : group.at("tests")) {
      const Bytes key = hex(test.at("key").get<std::string>());
      const Bytes iv = hex(test.at("iv").get<std::string>());
      const Bytes aad = hex(test.at("aad").get<std::string>());
      const Bytes msg = hex(test.at("msg").get<std::string>());
      Bytes ct_and_tag = hex(test.at("ct").get<std::string>());
      const Bytes tag = hex(test.at("tag").get<std::string>());
      ct_and_tag.insert(ct_and_tag.end(), tag.begin(), tag.end());

      if (iv.size() > 128) {
        // Documented limit (symmetric.hpp): OpenSSL 3.0 refuses GCM IVs over 128 bytes. Such
        // cases must be refused cleanly, never mis-decrypted.
        EXPECT_EQ(aes_gcm_open(key, iv, aad, ct_and_tag, tag_len).error().code,
                  "invalid_iv_length");
        EXPECT_EQ(aes_gcm_seal(key, iv, aad, msg, tag_len).error().code, "invalid_iv_length");
        ++counts.unsupported;
        continue;
      }
      auto opened = aes_gcm_open(key, iv, aad, ct_and_tag, tag_len);
      bool accepted = opened.ok() && *opened == msg;
      if (test.at("result") == "valid") {
        // Sealing must reproduce the exact ciphertext and tag too.
        auto sealed = aes_gcm_seal(key, iv, aad, msg, tag_len);
        accepted = accepted && sealed.ok() && *sealed == ct_and_tag;
      } else if (!opened.ok()) {
        const std::string code = opened.error().code;
        EXPECT_TRUE(code == "aead_auth_failed" || code == "invalid_iv_length") << code;
      }
      record(counts, test, accepted);
    }
  }
  report(file, doc, counts);
}

TEST(WycheproofTest, EcdhSecp256r1) {
  const std::string file = "ecdh_secp256r1_test.json";
  const Json doc = load_vectors(file);
  Counts counts;
  for (const Json& group : doc.at("testGroups")) {
    ASSERT_EQ(group.at("encoding"), "asn");
    for (const Json& test : group.at("tests")) {
      bool accepted = false;
      auto peer = PublicKey::from_der(hex(test.at("public").get<std::string>()));
      auto ours = PrivateKey::from_raw_scalar(Suite::kP256Sha256,
                                              hex(test.at("private").get<std::string>()));
      if (test.at("result") == "valid") {
        ASSERT_TRUE(ours.ok()) << ours.error().to_string();
      }
      if (peer.ok() && ours.ok()) {
        auto shared = ecdh(*ours, *peer);
        accepted = shared.ok() && *shared == hex(test.at("shared").get<std::string>());
      }
      record(counts, test, accepted);
    }
  }
  report(file, doc, counts);
}

}  // namespace
}  // namespace rl::crypto
