// The PKCS#11 KEK (crypto/key_wrap.hpp) against SoftHSM2: wrap/unwrap, what each failure is
// reported as, and that the key the token generates cannot be read out of it.
//
// A PKCS#11 module is initialized once per process and crypto/pkcs11_kek.cpp keeps it loaded
// for the life of the process, and SoftHSM reads SOFTHSM2_CONF (and finds its tokens) when it is
// initialized. So the token directory, the configuration and every token the tests use are made
// once per test binary, by a gtest Environment, before any test loads the module. Tokens and key
// objects persist across the tests of one process: each test uses key labels of its own.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "crypto/key_wrap.hpp"
#include "crypto/symmetric.hpp"
#include "tests/support/run_command.hpp"

#include "crypto/internal_pkcs11.hpp"  // last: see the header

namespace rl::crypto {
namespace {

namespace fs = std::filesystem;

constexpr char kModule[] = "/usr/lib/softhsm/libsofthsm2.so";
constexpr char kTokenA[] = "rl-node0";
constexpr char kTokenB[] = "rl-node1";
constexpr char kPin[] = "31415926";
constexpr char kSoPin[] = "27182818";

using rl::testing::run_command;

class SoftHsmEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    if (!fs::exists(kModule)) {
      error_ = std::string(kModule) + " is missing: install softhsm2 (scripts/install-deps.sh)";
      return;
    }
    std::string templ = (fs::temp_directory_path() / "rl-pkcs11-XXXXXX").string();
    if (mkdtemp(templ.data()) == nullptr) {
      error_ = "mkdtemp failed";
      return;
    }
    dir_ = templ;
    fs::create_directories(dir_ / "tokens");
    const fs::path conf = dir_ / "softhsm2.conf";
    std::ofstream(conf) << "directories.tokendir = " << (dir_ / "tokens").string() << "\n"
                        << "objectstore.backend = file\n"
                        << "log.level = ERROR\n";
    // Before the module is first loaded (nothing in this binary loads it before the tests run).
    // softhsm2-util, run below, inherits it too.
    setenv("SOFTHSM2_CONF", conf.c_str(), 1);
    for (const char* label : {kTokenA, kTokenB}) {
      const auto [rc, out] = run_command(std::string("softhsm2-util --init-token --free --label ") +
                                         label + " --pin " + kPin + " --so-pin " + kSoPin);
      if (rc != 0) {
        error_ = "softhsm2-util --init-token failed (" + std::to_string(rc) + "): " + out;
        return;
      }
    }
    write_pin("pin", std::string(kPin) + "\n", 0600);
    write_pin("pin-no-newline", kPin, 0400);
    write_pin("wrong-pin", "00000000\n", 0600);
    write_pin("loose-pin", std::string(kPin) + "\n", 0644);
    write_pin("group-pin", std::string(kPin) + "\n", 0640);
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  const std::string& error() const { return error_; }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

 private:
  void write_pin(const std::string& name, const std::string& content, mode_t mode) {
    std::ofstream(path(name)) << content;
    if (::chmod(path(name).c_str(), mode) != 0) error_ = "chmod " + path(name) + " failed";
  }

  fs::path dir_;
  std::string error_;
};

// gtest owns the environment.
SoftHsmEnvironment* const softhsm =
    static_cast<SoftHsmEnvironment*>(::testing::AddGlobalTestEnvironment(new SoftHsmEnvironment));

class Pkcs11KekTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(softhsm->error(), ""); }

  static Pkcs11KekConfig config(const std::string& key_label, const std::string& token = kTokenA,
                                const std::string& pin_file = "pin") {
    return Pkcs11KekConfig{kModule, token, softhsm->path(pin_file), key_label};
  }
  // Creates the key object and opens it.
  static std::unique_ptr<KeyEncryptionKey> create_and_open(const Pkcs11KekConfig& c) {
    const Status created = create_pkcs11_kek(c);
    EXPECT_TRUE(created.ok()) << created.error().to_string();
    auto kek = open_pkcs11_kek(c);
    EXPECT_TRUE(kek.ok()) << kek.error().to_string();
    return kek.ok() ? std::move(kek).value() : nullptr;
  }
  static std::string code(const Status& s) { return s.ok() ? "ok" : s.error().code; }
  template <typename T>
  static std::string code(const Result<T>& r) {
    return r.ok() ? "ok" : r.error().code;
  }
};

const Bytes kAad = to_bytes("key=ledger-data-0;purpose=rocksdb");

TEST_F(Pkcs11KekTest, WrapThenUnwrapRoundTrips) {
  auto kek = create_and_open(config("round-trip"));
  ASSERT_NE(kek, nullptr);
  const Bytes key = random_bytes(32);
  auto wrapped = kek->wrap(key, kAad);
  ASSERT_TRUE(wrapped.ok()) << wrapped.error().to_string();
  // version || IV || ciphertext || tag
  ASSERT_EQ(wrapped->size(), 1 + 12 + key.size() + 16);
  EXPECT_EQ((*wrapped)[0], 0x01);
  auto back = kek->unwrap(*wrapped, kAad);
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back, key);
  // Another length, and an empty aad.
  const Bytes small = random_bytes(16);
  auto w2 = kek->wrap(small, {});
  ASSERT_TRUE(w2.ok()) << w2.error().to_string();
  auto b2 = kek->unwrap(*w2, {});
  ASSERT_TRUE(b2.ok()) << b2.error().to_string();
  EXPECT_EQ(*b2, small);
}

TEST_F(Pkcs11KekTest, TheWrappedFormIsSelfContained) {
  // Wrapped by one KEK object, unwrapped by another opened later on the same key object.
  const Bytes key = random_bytes(32);
  Bytes wrapped;
  {
    auto kek = create_and_open(config("self-contained"));
    ASSERT_NE(kek, nullptr);
    auto w = kek->wrap(key, kAad);
    ASSERT_TRUE(w.ok()) << w.error().to_string();
    wrapped = *w;
  }
  auto again = open_pkcs11_kek(config("self-contained", kTokenA, "pin-no-newline"));
  ASSERT_TRUE(again.ok()) << again.error().to_string();
  auto back = (*again)->unwrap(wrapped, kAad);
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back, key);
}

TEST_F(Pkcs11KekTest, TwoWrapsOfOneKeyDiffer) {
  auto kek = create_and_open(config("fresh-iv"));
  ASSERT_NE(kek, nullptr);
  const Bytes key = random_bytes(32);
  auto a = kek->wrap(key, kAad);
  auto b = kek->wrap(key, kAad);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_NE(Bytes(a->begin() + 1, a->begin() + 13), Bytes(b->begin() + 1, b->begin() + 13))
      << "the IVs repeat";
  EXPECT_EQ(kek->unwrap(*a, kAad).value(), key);
  EXPECT_EQ(kek->unwrap(*b, kAad).value(), key);
}

TEST_F(Pkcs11KekTest, OtherAadIsKekMismatch) {
  auto kek = create_and_open(config("aad"));
  ASSERT_NE(kek, nullptr);
  auto wrapped = kek->wrap(random_bytes(32), kAad);
  ASSERT_TRUE(wrapped.ok());
  EXPECT_EQ(code(kek->unwrap(*wrapped, to_bytes("key=ledger-data-1;purpose=rocksdb"))),
            "kek_mismatch");
  EXPECT_EQ(code(kek->unwrap(*wrapped, {})), "kek_mismatch");
}

TEST_F(Pkcs11KekTest, AnyFlippedByteIsKekMismatch) {
  auto kek = create_and_open(config("flip"));
  ASSERT_NE(kek, nullptr);
  auto wrapped = kek->wrap(random_bytes(32), kAad);
  ASSERT_TRUE(wrapped.ok());
  // Every byte after the version: the IV (1..12), the ciphertext (13..44) and the tag (45..60).
  for (std::size_t i = 1; i < wrapped->size(); ++i) {
    Bytes altered = *wrapped;
    altered[i] ^= 0x01;
    EXPECT_EQ(code(kek->unwrap(altered, kAad)), "kek_mismatch") << "byte " << i;
  }
  // The KEK still works after all those failures (no operation left active in the session).
  EXPECT_TRUE(kek->unwrap(*wrapped, kAad).ok());
}

TEST_F(Pkcs11KekTest, MalformedIsBadWrappedKey) {
  auto kek = create_and_open(config("malformed"));
  ASSERT_NE(kek, nullptr);
  auto wrapped = kek->wrap(random_bytes(32), kAad);
  ASSERT_TRUE(wrapped.ok());
  EXPECT_EQ(code(kek->unwrap({}, kAad)), "bad_wrapped_key");
  // Shorter than version || IV || one byte || tag.
  EXPECT_EQ(code(kek->unwrap(ByteView(*wrapped).first(29), kAad)), "bad_wrapped_key");
  EXPECT_EQ(code(kek->unwrap(ByteView(*wrapped).first(13), kAad)), "bad_wrapped_key");
  Bytes version = *wrapped;
  version[0] = 0x02;
  EXPECT_EQ(code(kek->unwrap(version, kAad)), "bad_wrapped_key");
  version[0] = 0x00;
  EXPECT_EQ(code(kek->unwrap(version, kAad)), "bad_wrapped_key");
  Bytes huge = *wrapped;
  huge.resize(4097);
  EXPECT_EQ(code(kek->unwrap(huge, kAad)), "bad_wrapped_key");
  // Cut short but still long enough to parse: GCM has no length field, so the tag fails.
  EXPECT_EQ(code(kek->unwrap(ByteView(*wrapped).first(wrapped->size() - 1), kAad)), "kek_mismatch");
}

TEST_F(Pkcs11KekTest, SameLabelInOtherTokenIsKekMismatch) {
  auto a = create_and_open(config("same-label", kTokenA));
  auto b = create_and_open(config("same-label", kTokenB));
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  const Bytes key = random_bytes(32);
  auto wrapped = a->wrap(key, kAad);
  ASSERT_TRUE(wrapped.ok());
  EXPECT_EQ(code(b->unwrap(*wrapped, kAad)), "kek_mismatch");
  EXPECT_EQ(a->unwrap(*wrapped, kAad).value(), key);
}

TEST_F(Pkcs11KekTest, WrongPinIsPkcs11Login) {
  ASSERT_TRUE(create_pkcs11_kek(config("wrong-pin")).ok());
  EXPECT_EQ(code(open_pkcs11_kek(config("wrong-pin", kTokenA, "wrong-pin"))), "pkcs11_login");
  EXPECT_EQ(code(create_pkcs11_kek(config("wrong-pin-2", kTokenA, "wrong-pin"))), "pkcs11_login");
  EXPECT_EQ(code(open_pkcs11_kek(config("wrong-pin", kTokenA, "no-such-pin-file"))),
            "pkcs11_login");
  EXPECT_TRUE(open_pkcs11_kek(config("wrong-pin")).ok());
}

TEST_F(Pkcs11KekTest, WrongPinWhileTheTokenIsLoggedInIsPkcs11Login) {
  // The token is logged in for the whole process while `kek` is open, and C_Login would answer
  // CKR_USER_ALREADY_LOGGED_IN to any PIN: the second PIN is still checked.
  auto kek = create_and_open(config("logged-in"));
  ASSERT_NE(kek, nullptr);
  EXPECT_EQ(code(open_pkcs11_kek(config("logged-in", kTokenA, "wrong-pin"))), "pkcs11_login");
  EXPECT_TRUE(open_pkcs11_kek(config("logged-in")).ok());
}

TEST_F(Pkcs11KekTest, OneKekGoingAwayLeavesAnotherOnTheTokenLoggedIn) {
  auto first = create_and_open(config("login-shared-1"));
  ASSERT_NE(first, nullptr);
  const Bytes key = random_bytes(32);
  auto wrapped = first->wrap(key, kAad);
  ASSERT_TRUE(wrapped.ok());
  // Another KEK on the same token opened and closed, and a create: neither logs `first` out.
  {
    auto second = create_and_open(config("login-shared-2"));
    ASSERT_NE(second, nullptr);
  }
  ASSERT_TRUE(create_pkcs11_kek(config("login-shared-3")).ok());
  auto back = first->unwrap(*wrapped, kAad);
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back, key);
  EXPECT_TRUE(first->wrap(key, kAad).ok());
}

TEST_F(Pkcs11KekTest, UnknownTokenIsPkcs11Token) {
  EXPECT_EQ(code(open_pkcs11_kek(config("any", "no-such-token"))), "pkcs11_token");
  EXPECT_EQ(code(create_pkcs11_kek(config("any", "no-such-token"))), "pkcs11_token");
  // A prefix of a token's label is not its label.
  EXPECT_EQ(code(open_pkcs11_kek(config("any", "rl-node"))), "pkcs11_token");
  EXPECT_EQ(code(open_pkcs11_kek(config("any", std::string(33, 'x')))), "pkcs11_token");
  // SoftHSM's free slot holds an uninitialized token with a blank label: not a match either.
  EXPECT_EQ(code(open_pkcs11_kek(config("any", " "))), "pkcs11_token");
}

TEST_F(Pkcs11KekTest, NoKeyObjectIsKekMissing) {
  EXPECT_EQ(code(open_pkcs11_kek(config("never-created"))), "kek_missing");
}

TEST_F(Pkcs11KekTest, BadModulePathIsPkcs11Module) {
  Pkcs11KekConfig c = config("any");
  c.module = "/nonexistent/libpkcs11.so";
  EXPECT_EQ(code(open_pkcs11_kek(c)), "pkcs11_module");
  EXPECT_EQ(code(create_pkcs11_kek(c)), "pkcs11_module");
  c.module = "libm.so.6";  // a shared library, but not a PKCS#11 module
  EXPECT_EQ(code(open_pkcs11_kek(c)), "pkcs11_module");
  c.module = "";
  EXPECT_EQ(code(open_pkcs11_kek(c)), "pkcs11_module");
}

TEST_F(Pkcs11KekTest, PinFileOthersMayReadIsKekFileMode) {
  ASSERT_TRUE(create_pkcs11_kek(config("pin-mode")).ok());
  EXPECT_EQ(code(open_pkcs11_kek(config("pin-mode", kTokenA, "loose-pin"))), "kek_file_mode");
  EXPECT_EQ(code(open_pkcs11_kek(config("pin-mode", kTokenA, "group-pin"))), "kek_file_mode");
  EXPECT_EQ(code(create_pkcs11_kek(config("pin-mode-2", kTokenA, "loose-pin"))), "kek_file_mode");
  EXPECT_TRUE(open_pkcs11_kek(config("pin-mode")).ok());
}

TEST_F(Pkcs11KekTest, CreateTwiceIsKekExists) {
  ASSERT_TRUE(create_pkcs11_kek(config("twice")).ok());
  EXPECT_EQ(code(create_pkcs11_kek(config("twice"))), "kek_exists");
  // The same label in the other token is another key.
  EXPECT_TRUE(create_pkcs11_kek(config("twice", kTokenB)).ok());
}

TEST_F(Pkcs11KekTest, GeneratedKeyIsNotExtractable) {
  auto kek = create_and_open(config("sealed"));
  ASSERT_NE(kek, nullptr);
  Bytes value;
  EXPECT_EQ(internal::pkcs11_kek_attribute(*kek, CKA_VALUE, value), CKR_ATTRIBUTE_SENSITIVE);
  const auto flag = [&](CK_ATTRIBUTE_TYPE type) {
    Bytes out;
    const CK_RV rv = internal::pkcs11_kek_attribute(*kek, type, out);
    EXPECT_EQ(rv, CKR_OK) << "attribute 0x" << std::hex << type;
    return out.size() == 1 ? static_cast<int>(out[0]) : -1;
  };
  EXPECT_EQ(flag(CKA_EXTRACTABLE), CK_FALSE);
  EXPECT_EQ(flag(CKA_NEVER_EXTRACTABLE), CK_TRUE);
  EXPECT_EQ(flag(CKA_SENSITIVE), CK_TRUE);
  EXPECT_EQ(flag(CKA_ALWAYS_SENSITIVE), CK_TRUE);
  EXPECT_EQ(flag(CKA_TOKEN), CK_TRUE);
  EXPECT_EQ(flag(CKA_PRIVATE), CK_TRUE);
  EXPECT_EQ(flag(CKA_ENCRYPT), CK_TRUE);
  EXPECT_EQ(flag(CKA_DECRYPT), CK_TRUE);
  EXPECT_EQ(flag(CKA_WRAP), CK_FALSE);
  EXPECT_EQ(flag(CKA_UNWRAP), CK_FALSE);
  Bytes len;
  ASSERT_EQ(internal::pkcs11_kek_attribute(*kek, CKA_VALUE_LEN, len), CKR_OK);
  ASSERT_EQ(len.size(), sizeof(CK_ULONG));
  CK_ULONG value_len = 0;
  std::memcpy(&value_len, len.data(), sizeof value_len);
  EXPECT_EQ(value_len, 32u);
}

TEST_F(Pkcs11KekTest, DescribeNamesTokenAndObject) {
  auto kek = create_and_open(config("regledger-kek"));
  ASSERT_NE(kek, nullptr);
  EXPECT_EQ(kek->describe(), "pkcs11:token=rl-node0;object=regledger-kek");
}

TEST_F(Pkcs11KekTest, ConcurrentWrapAndUnwrapOnOneKek) {
  auto kek = create_and_open(config("threads"));
  ASSERT_NE(kek, nullptr);
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (std::size_t t = 0; t < failures.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        const Bytes key = random_bytes(32);
        auto w = kek->wrap(key, kAad);
        auto b = w.ok() ? kek->unwrap(*w, kAad) : Result<Bytes>(w.error());
        if (!b.ok() || *b != key) ++failures[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (std::size_t t = 0; t < failures.size(); ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;
}

}  // namespace
}  // namespace rl::crypto
