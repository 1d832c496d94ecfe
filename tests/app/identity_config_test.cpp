// config.json: what node_config_to_json writes, load_node_config reads back (genesis init writes
// every node's config this way), and bad values, unknown keys in any section and a bad log level
// are refused with bad_config.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/file_io.hpp"
#include "config/node_config.hpp"
#include "tests/app/config_home.hpp"

namespace rl::testing {
namespace {

class IdentityConfigTest : public ConfigHomeTest {};

TEST_F(IdentityConfigTest, RoundTrips) {
  node::NodeConfig c;
  c.read_access = "open";
  c.session_ttl_ms = 1234;
  c.login_max_failures = 7;
  c.ca_cert_file = "ca.pem";
  c.ca_key_file = "ca.key";
  c.operator_dir = "op";
  c.enroll_approval = {{"bank-d", "admin"}, {"bank-a", "auto"}};
  auto back = load(node::node_config_to_json(c));
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(back->read_access, "open");
  EXPECT_EQ(back->session_ttl_ms, 1234);
  EXPECT_EQ(back->login_max_failures, 7u);
  EXPECT_EQ(back->operator_dir, "op");
  EXPECT_EQ(back->enroll_approval, c.enroll_approval);
  // The defaults written by genesis init load too.
  EXPECT_TRUE(load(node::node_config_to_json(node::NodeConfig{})).ok());
}

TEST_F(IdentityConfigTest, BadValuesAreRefused) {
  for (const char* identity :
       {R"({"read_access":"maybe"})", R"({"unknown":1})", R"({"ca_cert":"x"})",
        R"({"operator":"op"})", R"({"enroll_approval":{"bank-a":"sometimes"}})",
        R"({"max_failures":0})", R"({"session_ttl_ms":0})"}) {
    auto r = load(std::string(R"({"identity":)") + identity + "}");
    ASSERT_FALSE(r.ok()) << identity;
    EXPECT_EQ(r.error().code, "bad_config") << identity;
  }
}

// Every section of config.json refuses a key it does not know, naming it (a typo must not leave a
// setting at its default), and refuses a section that is not an object.
TEST_F(IdentityConfigTest, EverySectionRefusesAnUnknownKeyNamingIt) {
  const std::vector<std::pair<std::string, std::string>> sections = {
      {"api", "api"},
      {"mempool", "mempool"},
      {"p2p", "p2p"},
      {"consensus", "consensus"},
      {"identity", "identity"},
      {"offline", "offline"},
      {"storage", "storage"},
      {"backup", "backup"},
      {"protection", "protection"},
      {"key_service", "key_service"},
      {"metrics", "metrics"},
  };
  for (const auto& [section, name] : sections) {
    auto r = load(R"({")" + section + R"(":{"typo_key":1}})");
    ASSERT_FALSE(r.ok()) << section;
    EXPECT_EQ(r.error().code, "bad_config") << section;
    EXPECT_NE(r.error().message.find("'" + name + ".typo_key'"), std::string::npos)
        << section << ": " << r.error().message;
    auto not_object = load(R"({")" + section + R"(":[]})");
    ASSERT_FALSE(not_object.ok()) << section;
    EXPECT_EQ(not_object.error().code, "bad_config") << section;
  }
  auto nested =
      load(R"({"storage":{"pkcs11":{"module":"m","token":"t","pin_file":"p","typo_key":1}}})");
  ASSERT_FALSE(nested.ok());
  EXPECT_NE(nested.error().message.find("'storage.pkcs11.typo_key'"), std::string::npos)
      << nested.error().message;
  auto top = load(R"({"typo_key":1})");
  ASSERT_FALSE(top.ok());
  EXPECT_NE(top.error().message.find("'typo_key'"), std::string::npos) << top.error().message;
  // The same sections with only known keys load.
  EXPECT_TRUE(load(R"({"api":{"threads":2},"mempool":{"max_txs":10},"p2p":{"part_bytes":4096},)"
                   R"("consensus":{"timeout_vote_ms":500}})")
                  .ok());
}

// p2p.peer_addresses (docs/p2p.md "Peer address overrides"): round-trips, and an entry without
// a usable HOST:PORT or naming the node itself is refused.
TEST_F(IdentityConfigTest, PeerAddressOverridesRoundTripAndBadOnesAreRefused) {
  node::NodeConfig c;
  c.name = "node0";
  c.p2p_peer_addresses = {{"node1", "127.0.0.1:40001"}, {"node2", "[::1]:40002"}};
  auto back = load(node::node_config_to_json(c));
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(back->p2p_peer_addresses, c.p2p_peer_addresses);
  for (const char* bad : {R"({"node1":"127.0.0.1"})", R"({"node1":"127.0.0.1:0"})",
                          R"({"node1":":26656"})", R"({"node1":"127.0.0.1:70000"})",
                          R"({"node1":7})", R"({"node0":"127.0.0.1:26656"})", R"(["node1"])"}) {
    auto r = load(std::string(R"({"name":"node0","p2p":{"peer_addresses":)") + bad + "}}");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "bad_config") << bad;
  }
}

// spdlog reads an unknown level name as "off": a typo would silence the node, so it is refused.
TEST_F(IdentityConfigTest, ABadLogLevelIsRefused) {
  for (const char* level : {"trace", "debug", "info", "warn", "error", "critical", "off"}) {
    auto r = load(std::string(R"({"log_level":")") + level + R"("})");
    ASSERT_TRUE(r.ok()) << level << ": " << r.error().to_string();
    EXPECT_EQ(r->log_level, level);
  }
  for (const char* level : {"verbose", "INFO", "", "warning", "info "}) {
    auto r = load(std::string(R"({"log_level":")") + level + R"("})");
    ASSERT_FALSE(r.ok()) << "'" << level << "'";
    EXPECT_EQ(r.error().code, "bad_config");
    EXPECT_NE(r.error().message.find("log_level"), std::string::npos) << r.error().message;
  }
}

// config.json "storage" and "backup" (docs/operations.md): they round-trip, and every bad value
// or unknown key is refused with bad_config naming it.
TEST_F(IdentityConfigTest, StorageAndBackupRoundTrip) {
  node::NodeConfig c;
  c.pkcs11_module = "/usr/lib/softhsm/libsofthsm2.so";
  c.pkcs11_token = "node0-hsm";
  c.pkcs11_pin_file = "hsm.pin";
  c.pkcs11_key_label = "kek-2";
  c.backup_interval_s = 3600;
  c.backup_keep = 24;
  auto back = load(node::node_config_to_json(c));
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_TRUE(back->storage_encrypted());
  EXPECT_EQ(back->pkcs11_token, "node0-hsm");
  EXPECT_EQ(back->pkcs11_key_label, "kek-2");
  EXPECT_EQ(back->backup_interval_s, 3600u);
  EXPECT_EQ(back->backup_keep, 24u);
  node::NodeConfig f;
  f.kek_file = "kek.key";
  auto file_back = load(node::node_config_to_json(f));
  ASSERT_TRUE(file_back.ok()) << file_back.error().to_string();
  EXPECT_EQ(file_back->kek_file, "kek.key");
  EXPECT_TRUE(file_back->pkcs11_module.empty());
}

// config.json "admin_socket" (decision 0069): left out of what genesis init writes while it is
// the default, written and read back when moved, and refused when empty or too long for a Unix
// socket address.
TEST_F(IdentityConfigTest, AdminSocketRoundTripsAndIsWrittenOnlyWhenMoved) {
  EXPECT_EQ(node::node_config_to_json(node::NodeConfig{}).find("admin_socket"), std::string::npos);
  auto defaulted = load(node::node_config_to_json(node::NodeConfig{}));
  ASSERT_TRUE(defaulted.ok()) << defaulted.error().to_string();
  EXPECT_EQ(defaulted->admin_socket, "admin.sock");
  node::NodeConfig c;
  c.admin_socket = "/run/regledger/admin.sock";
  auto back = load(node::node_config_to_json(c));
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(back->admin_socket, "/run/regledger/admin.sock");
  EXPECT_EQ(back->path(back->admin_socket), "/run/regledger/admin.sock");
  for (const std::string& bad : {std::string(), "/" + std::string(107, 's')}) {
    auto r = load(nlohmann::json{{"admin_socket", bad}}.dump());
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "bad_config");
    EXPECT_NE(r.error().message.find("admin_socket"), std::string::npos) << r.error().message;
  }
  EXPECT_TRUE(load(nlohmann::json{{"admin_socket", "/" + std::string(106, 's')}}.dump()).ok());
}

TEST_F(IdentityConfigTest, BadStorageAndBackupValuesAreRefused) {
  for (const char* bad :
       {R"({"storage":[]})", R"({"storage":{"kek":"x"}})",
        R"({"storage":{"kek_file":"k","pkcs11":{"module":"m","token":"t","pin_file":"p"}}})",
        R"({"storage":{"pkcs11":{"module":"m"}}})",
        R"({"storage":{"pkcs11":{"module":"m","token":"t","pin_file":"p","slot":1}}})",
        R"({"backup":{"keep":0}})", R"({"backup":{"keep":1001}})", R"({"backup":{"interval_s":5}})",
        R"({"backup":{"every":60}})", R"({"protection":{"mask":"x"}})"}) {
    auto r = load(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "bad_config") << bad;
  }
}

// config.json "key_service" (docs/sealed.md "Operations"): it round-trips (genesis init writes
// it for every validator), and a section without its name or key, or with an unknown key, is
// refused.
TEST_F(IdentityConfigTest, KeyServiceRoundTripsAndBadValuesAreRefused) {
  node::NodeConfig c;
  c.key_service_name = "ks-node0";
  c.key_service_key_file = "key-service.key";
  c.key_service_previous_key_files = {"key-service-2025.key"};
  auto back = load(node::node_config_to_json(c));
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_TRUE(back->runs_key_service());
  EXPECT_EQ(back->key_service_previous_key_files, c.key_service_previous_key_files);
  c.key_service_enabled = false;
  auto off = load(node::node_config_to_json(c));
  ASSERT_TRUE(off.ok());
  EXPECT_FALSE(off->runs_key_service());
  for (const char* bad : {R"({"key_service":{"name":"ks"}})", R"({"key_service":{"key_file":"k"}})",
                          R"({"key_service":{"name":"ks","key_file":"k","port":1}})"}) {
    auto r = load(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "bad_config") << bad;
  }
}

}  // namespace
}  // namespace rl::testing
