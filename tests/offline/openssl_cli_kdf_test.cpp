// Cross-checks of the offline key hierarchy against the `openssl` command line (label: tool),
// with fresh random inputs each run: device-key diversification against `openssl kdf ... KBKDF`,
// the session key against `openssl kdf ... HKDF`, and the suite CMAC against `openssl mac`.
// The unit KATs (kdf_kat_test.cpp) pin fixed vectors; this shows the agreement is not an
// accident of the chosen inputs.

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "crypto/offline_kdf.hpp"
#include "crypto/symmetric.hpp"
#include "offline/key_hierarchy.hpp"

namespace rl::offline {
namespace {

using crypto::Suite;

// Runs a command; its output's hex digits, lower-cased (the CLI prints "AB:CD:..." or "ABCD").
std::string run_hex(const std::string& command) {
  FILE* pipe = popen((command + " 2>/dev/null").c_str(), "r");
  if (pipe == nullptr) return "popen failed";
  std::string out;
  char buf[1024];
  while (std::size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  pclose(pipe);
  std::string hex;
  for (char c : out) {
    if (std::isxdigit(static_cast<unsigned char>(c))) {
      hex.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  return hex;
}

class OpensslCliKdfTest : public ::testing::TestWithParam<Suite> {
 protected:
  void SetUp() override {
    if (std::system("openssl version > /dev/null 2>&1") != 0) GTEST_SKIP() << "no openssl CLI";
  }
  Suite suite() const { return GetParam(); }
  std::string cipher() const { return std::string(crypto::suite_cmac_cipher(suite())); }
  std::string digest() const { return suite() == Suite::kSm2Sm3 ? "SM3" : "SHA2-256"; }
};

TEST_P(OpensslCliKdfTest, DiversificationMatchesKbkdf) {
  for (int i = 0; i < 5; ++i) {
    const Bytes master = crypto::random_bytes(mac_key_size(suite()));
    const std::string id = "device-" + to_hex(crypto::random_bytes(4));
    const std::string cli =
        run_hex("openssl kdf -keylen " + std::to_string(mac_key_size(suite())) +
                " -kdfopt mode:COUNTER -kdfopt mac:CMAC -kdfopt cipher:" + cipher() +
                " -kdfopt hexkey:" + to_hex(master) +
                " -kdfopt salt:" + std::string(kDeviceKeyLabel) + " -kdfopt info:" + id + " KBKDF");
    EXPECT_EQ(to_hex(diversify_device_key(suite(), master, id).value()), cli) << id;
  }
}

TEST_P(OpensslCliKdfTest, SessionKeyMatchesHkdf) {
  for (int i = 0; i < 5; ++i) {
    const Bytes secret = crypto::random_bytes(32);
    const Bytes ra = crypto::random_bytes(32);
    const Bytes rb = crypto::random_bytes(32);
    const std::string df = "device-" + to_hex(crypto::random_bytes(4));
    Bytes info = to_bytes(kSessionKeyLabel);
    info.push_back(0);
    info.insert(info.end(), df.begin(), df.end());
    const std::string cli =
        run_hex("openssl kdf -keylen " + std::to_string(mac_key_size(suite())) +
                " -kdfopt digest:" + digest() + " -kdfopt hexkey:" + to_hex(secret) +
                " -kdfopt hexsalt:" + to_hex(ra) + to_hex(rb) + " -kdfopt hexinfo:" + to_hex(info) +
                " HKDF");
    EXPECT_EQ(to_hex(derive_session_key(suite(), secret, ra, rb, df).value()), cli);
  }
}

TEST_P(OpensslCliKdfTest, SuiteCmacMatchesMac) {
  for (std::size_t len : {0u, 1u, 16u, 33u}) {
    const Bytes key = crypto::random_bytes(mac_key_size(suite()));
    const Bytes msg = crypto::random_bytes(len);
    const std::string cli =
        run_hex("printf '" +
                [&] {
                  std::string esc;
                  for (std::uint8_t b : msg) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\%03o", b);
                    esc += buf;
                  }
                  return esc;
                }() +
                "' | openssl mac -cipher " + cipher() + " -macopt hexkey:" + to_hex(key) + " CMAC");
    EXPECT_EQ(to_hex(crypto::suite_cmac(suite(), key, msg).value()), cli) << len;
  }
}

INSTANTIATE_TEST_SUITE_P(Suites, OpensslCliKdfTest,
                         ::testing::Values(Suite::kP256Sha256, Suite::kSm2Sm3),
                         [](const auto& info) {
                           return info.param == Suite::kP256Sha256 ? "P256" : "Sm2";
                         });

}  // namespace
}  // namespace rl::offline
