// The generic cmac() and hkdf() of crypto/offline_kdf.hpp against the Project Wycheproof AES-CMAC
// and HKDF-SHA256 vectors already in tests/data/wycheproof (Apache-2.0, see LICENSE there):
// every "valid" case must match, every "invalid" case must not.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "crypto/offline_kdf.hpp"
#include "tests/crypto/test_util.hpp"

namespace rl::crypto {
namespace {

using Json = nlohmann::json;
using testing::hex;

Json load(const std::string& name) {
  std::ifstream in(testing::data_path("wycheproof/" + name));
  if (!in) throw std::runtime_error("cannot open " + name);
  return Json::parse(in);
}

const char* aes_cbc(std::size_t key_bytes) {
  switch (key_bytes) {
    case 16:
      return "AES-128-CBC";
    case 24:
      return "AES-192-CBC";
    case 32:
      return "AES-256-CBC";
    default:
      return "AES-unsupported";  // refused by cmac(): counts as rejection
  }
}

TEST(WycheproofReuse, GenericCmacMatchesAesCmacVectors) {
  int valid = 0, invalid = 0;
  const Json doc = load("aes_cmac_test.json");  // named: a range-for does not extend it
  for (const Json& group : doc.at("testGroups")) {
    const std::size_t tag_bytes = group.at("tagSize").get<std::size_t>() / 8;
    for (const Json& t : group.at("tests")) {
      const Bytes key = hex(t.at("key").get<std::string>());
      auto mac = cmac(aes_cbc(key.size()), key, hex(t.at("msg").get<std::string>()));
      const Bytes tag = hex(t.at("tag").get<std::string>());
      const bool match = mac.ok() && mac->size() >= tag_bytes && tag.size() == tag_bytes &&
                         Bytes(mac->begin(), mac->begin() + static_cast<long>(tag_bytes)) == tag;
      const std::string result = t.at("result");
      if (result == "valid") {
        EXPECT_TRUE(match) << "tcId " << t.at("tcId");
        ++valid;
      } else if (result == "invalid") {
        EXPECT_FALSE(match) << "tcId " << t.at("tcId");
        ++invalid;
      }
    }
  }
  EXPECT_GT(valid, 50);
  EXPECT_GT(invalid, 10);
}

TEST(WycheproofReuse, GenericHkdfMatchesHkdfSha256Vectors) {
  int valid = 0;
  const Json doc = load("hkdf_sha256_test.json");
  for (const Json& group : doc.at("testGroups")) {
    for (const Json& t : group.at("tests")) {
      auto okm = hkdf("SHA2-256", hex(t.at("ikm").get<std::string>()),
                      hex(t.at("salt").get<std::string>()), hex(t.at("info").get<std::string>()),
                      t.at("size").get<std::size_t>());
      const bool match = okm.ok() && *okm == hex(t.at("okm").get<std::string>());
      if (t.at("result") == "valid") {
        EXPECT_TRUE(match) << "tcId " << t.at("tcId");
        ++valid;
      } else {
        EXPECT_FALSE(match) << "tcId " << t.at("tcId");
      }
    }
  }
  EXPECT_GT(valid, 50);
}

}  // namespace
}  // namespace rl::crypto
