// Governance in genesis: the "governance" threshold (parse rules, defaults, what it writes to
// state), and `genesis init` definitions with several regulators.

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "client/lib/identity.hpp"
#include "common/file_io.hpp"
#include "genesis/network_init.hpp"
#include "ledger/committed_record.hpp"
#include "ledger/state_keys.hpp"
#include "tests/ledger/governance_fixture.hpp"

namespace rl::ledger::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

json with_regulators(int n) {
  json j = json::parse(genesis_to_json(make_genesis(shared_pki())));
  for (int i = 1; i < n; ++i) {
    j["organizations"].push_back({{"id", std::string("reg-") + std::to_string(i)},
                                  {"name", "Regulator"},
                                  {"kind", "regulator"}});
  }
  return j;
}

Result<Genesis> parse(const json& j) {
  return parse_genesis(j.dump());
}

TEST(GenesisGovernance, ThresholdDefaultsToOneWithOneRegulator) {
  json j = with_regulators(1);
  ASSERT_FALSE(j.contains("governance")) << "absent unless declared, so old files keep their hash";
  auto g = parse(j);
  ASSERT_TRUE(g.ok()) << g.error().to_string();
  EXPECT_FALSE(g->governance_threshold.has_value());
  EXPECT_EQ(effective_governance_threshold(*g).value(), 1u);
}

TEST(GenesisGovernance, ThresholdMustBeBetweenOneAndTheNumberOfRegulators) {
  for (std::uint32_t m : {1u, 2u, 3u}) {
    json j = with_regulators(3);
    j["governance"] = {{"threshold", m}};
    auto g = parse(j);
    ASSERT_TRUE(g.ok()) << m << ": " << g.error().to_string();
    EXPECT_EQ(g->governance_threshold, m);
    EXPECT_EQ(genesis_to_json(*g), genesis_to_json(parse_genesis(genesis_to_json(*g)).value()));
  }
  std::vector<std::pair<std::string, json>> bad = {
      {"zero", {{"threshold", 0}}},
      {"above N", {{"threshold", 4}}},
      {"negative", {{"threshold", -1}}},
      {"string", {{"threshold", "2"}}},
      {"missing", json::object()},
      {"unknown key", {{"threshold", 2}, {"validators", 1}}},
      {"not an object", 2},
  };
  for (const auto& [what, gov] : bad) {
    json j = with_regulators(3);
    j["governance"] = gov;
    auto g = parse(j);
    ASSERT_FALSE(g.ok()) << what;
    EXPECT_EQ(g.error().code, "bad_genesis") << what;
  }
  // Several regulators and no threshold: the file must say how many must agree.
  auto g = parse(with_regulators(2));
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().code, "bad_genesis");
  // Non-regulator organizations do not count towards N.
  json j = with_regulators(1);
  j["organizations"].push_back({{"id", "bank"}, {"name", "Bank"}, {"kind", "institution"}});
  j["governance"] = {{"threshold", 2}};
  EXPECT_FALSE(parse(j).ok());
}

class GenesisGovernanceState : public GovernedLedger {};

TEST_F(GenesisGovernanceState, GenesisWritesTheGoverningSet) {
  auto gov = load_committed<pb::GovernanceRecord>(*chain_, keys::governance()).value();
  ASSERT_TRUE(gov.has_value());
  EXPECT_EQ(gov->threshold(), 2u);
  ASSERT_EQ(gov->regulator_orgs_size(), 3);
  EXPECT_EQ(gov->regulator_orgs(0), kRegulatorOrg);
  EXPECT_EQ(gov->regulator_orgs(1), kRegulatorB);
  EXPECT_EQ(gov->regulator_orgs(2), kRegulatorC);
}

TEST_F(GenesisGovernanceState, ThresholdOutOfRangeIsRefusedAtOpen) {
  Genesis g = make_governed_genesis(pki_, 4);
  auto c = Chain::open(make_temp_dir(), g);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, "bad_genesis");
}

// ---------------------------------------------------------------- genesis init

class NetworkInit : public LedgerFixture {
 protected:
  std::string write_definition(const json& j) {
    std::string dir = make_temp_dir();
    std::string path = dir + "/network.json";
    EXPECT_TRUE(write_file(path, j.dump(2)).ok());
    return path;
  }
};

TEST_F(NetworkInit, SeveralRegulatorsEachGetAnAdminAndGovernTogether) {
  json def = {{"chain_id", "gov-net"},
              {"validators", 1},
              {"regulators",
               json::array({{{"org", "fin-reg"}, {"name", "Financial"}, {"admin", "fin-admin"}},
                            {{"org", "sec-reg"}, {"name", "Securities"}, {"admin", "sec-admin"}},
                            {{"org", "ins-reg"}, {"name", "Insurance"}, {"admin", "ins-admin"}}})},
              {"governance", {{"threshold", 2}}}};
  auto d = genesis::load_definition(write_definition(def));
  ASSERT_TRUE(d.ok()) << d.error().to_string();
  ASSERT_EQ(d->regulators.size(), 3u);
  EXPECT_EQ(d->governance_threshold, 2u);
  d->scrypt_n = kScryptN;
  std::string out = make_temp_dir() + "/net";
  auto init = genesis::init_network(*d, out);
  ASSERT_TRUE(init.ok()) << init.error().to_string();
  ASSERT_EQ(init->admin_dirs.size(), 3u);
  EXPECT_EQ(init->admin_dir, init->admin_dirs[0]);

  auto g = parse_genesis(read_file(init->genesis_path, 4 << 20).value()).value();
  EXPECT_EQ(g.governance_threshold, 2u);
  EXPECT_EQ(effective_governance_threshold(g).value(), 2u);
  ASSERT_EQ(g.organizations.size(), 3u);
  ASSERT_EQ(g.accounts.size(), 3u);

  // Every admin is usable at once, and two of them together change the mapping.
  auto chain = open_chain(make_temp_dir(), g);
  std::vector<client::Identity> admins;
  for (const auto& dir : init->admin_dirs) admins.push_back(client::load_identity(dir).value());
  EXPECT_EQ(admins[1].account, "sec-admin");
  EXPECT_EQ(admins[1].org, "sec-reg");
  auto now_ms = [&] { return chain->head().time_ms + 1000; };
  auto run = [&](const Bytes& tx) {
    std::vector<DroppedTx> dropped;
    auto b = chain->build_block(decode_all({tx}), now_ms(), 0, &dropped).value();
    ASSERT_TRUE(dropped.empty()) << dropped[0].error.to_string();
    ASSERT_TRUE(
        chain->check_block(b.block_bytes).ok());  // (commit needs the network's validator key)
  };
  run(sign_as(admins[1], propose("p", 100, set_mapping([](auto l) { return l; }))));
  run(sign_as(admins[2], register_org("bank-z")));
}

TEST_F(NetworkInit, SingleRegulatorKeyKeepsWorking) {
  json def = {{"validators", 1},
              {"regulator", {{"org", "the-reg"}, {"name", "The Regulator"}, {"admin", "boss"}}}};
  auto d = genesis::load_definition(write_definition(def));
  ASSERT_TRUE(d.ok()) << d.error().to_string();
  ASSERT_EQ(d->regulators.size(), 1u);
  EXPECT_EQ(d->regulators[0].admin, "boss");
  EXPECT_FALSE(d->governance_threshold.has_value());
  d->scrypt_n = kScryptN;
  auto init = genesis::init_network(*d, make_temp_dir() + "/net");
  ASSERT_TRUE(init.ok()) << init.error().to_string();
  EXPECT_TRUE(fs::exists(fs::path(init->admin_dir) / "key.pem"));
  auto text = read_file(init->genesis_path, 4 << 20).value();
  EXPECT_FALSE(json::parse(text).contains("governance"));
  // The repository's demo definition still loads.
  auto local = genesis::load_definition(std::string(RL_SOURCE_DIR) + "/genesis/local/network.json");
  ASSERT_TRUE(local.ok()) << local.error().to_string();
}

TEST_F(NetworkInit, BadRegulatorDefinitions) {
  std::vector<std::pair<std::string, json>> bad = {
      {"both keys",
       {{"regulator", {{"org", "a"}}},
        {"regulators", json::array({{{"org", "b"}, {"admin", "b"}}})}}},
      {"empty list", {{"regulators", json::array()}}},
      {"same org twice",
       {{"regulators",
         json::array({{{"org", "r"}, {"admin", "a1"}}, {{"org", "r"}, {"admin", "a2"}}})},
        {"governance", {{"threshold", 1}}}}},
      {"same admin twice",
       {{"regulators",
         json::array({{{"org", "r1"}, {"admin", "a"}}, {{"org", "r2"}, {"admin", "a"}}})},
        {"governance", {{"threshold", 1}}}}},
      {"two regulators, no threshold",
       {{"regulators",
         json::array({{{"org", "r1"}, {"admin", "a1"}}, {{"org", "r2"}, {"admin", "a2"}}})}}},
      {"threshold above N",
       {{"regulators", json::array({{{"org", "r1"}, {"admin", "a1"}}})},
        {"governance", {{"threshold", 2}}}}},
      {"bad admin id", {{"regulators", json::array({{{"org", "r1"}, {"admin", "a b"}}})}}},
  };
  for (const auto& [what, def] : bad) {
    auto d = genesis::load_definition(write_definition(def));
    EXPECT_FALSE(d.ok()) << what;
  }
}

}  // namespace
}  // namespace rl::ledger::testing
