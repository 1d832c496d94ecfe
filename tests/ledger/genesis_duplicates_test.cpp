// Genesis refuses every duplicate id, naming it (issue #19): a second organization, account,
// template or node with an id already used, a certificate bound to two accounts, or a JSON key
// given twice in one object would otherwise silently replace the first.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/file_io.hpp"
#include "genesis/network_init.hpp"
#include "tests/ledger/ledger_fixture.hpp"

namespace rl::ledger::testing {
namespace {

using nlohmann::json;

class GenesisDuplicates : public ::testing::Test {
 protected:
  void SetUp() override { base_ = json::parse(genesis_to_json(make_genesis(shared_pki()))); }

  // The text is refused as bad_genesis and the message names `id`.
  static void expect_duplicate(const std::string& text, const std::string& id) {
    auto r = parse_genesis(text);
    ASSERT_FALSE(r.ok()) << "a genesis with '" << id << "' twice parsed";
    EXPECT_EQ(r.error().code, "bad_genesis");
    EXPECT_NE(r.error().message.find("duplicate"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("'" + id + "'"), std::string::npos) << r.error().message;
  }

  json base_;
};

TEST_F(GenesisDuplicates, BaseHasNoDuplicates) {
  ASSERT_TRUE(parse_genesis(base_.dump()).ok());
}

TEST_F(GenesisDuplicates, OrganizationIdTwiceIsRefusedAndNamed) {
  json j = base_;
  json twin = j["organizations"][0];
  twin["name"] = "Another regulator with the same id";
  j["organizations"].push_back(twin);
  expect_duplicate(j.dump(), twin["id"].get<std::string>());
}

TEST_F(GenesisDuplicates, AccountIdTwiceIsRefusedAndNamed) {
  json j = base_;
  json twin = j["accounts"][0];
  twin["permission_code"] = "0001";
  twin["certificates"] = json::array();  // not the certificate rule: only the id repeats
  j["accounts"].push_back(twin);
  expect_duplicate(j.dump(), twin["id"].get<std::string>());
}

TEST_F(GenesisDuplicates, TemplateIdTwiceIsRefusedAndNamed) {
  json j = base_;
  json twin = j["templates"][1];
  twin["id"] = j["templates"][0]["id"];
  j["templates"].push_back(twin);
  expect_duplicate(j.dump(), twin["id"].get<std::string>());
}

TEST_F(GenesisDuplicates, NodeNameTwiceIsRefusedAndNamed) {
  json j = base_;
  json twin = j["validators"][0];
  twin["p2p"] = "127.0.0.1:26657";
  j["validators"].push_back(twin);
  expect_duplicate(j.dump(), twin["name"].get<std::string>());
}

TEST_F(GenesisDuplicates, CertificateBoundToTwoAccountsIsRefusedAndBothNamed) {
  json j = base_;
  json other = j["accounts"][0];
  other["id"] = "second-admin";
  j["accounts"].push_back(other);
  auto r = parse_genesis(j.dump());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "bad_genesis");
  EXPECT_NE(r.error().message.find("'" + j["accounts"][0]["id"].get<std::string>() + "'"),
            std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find("'second-admin'"), std::string::npos) << r.error().message;
}

TEST_F(GenesisDuplicates, JsonKeyTwiceInOneObjectIsRefusedAndNamed) {
  // nlohmann keeps the last value; the text must be built by hand to hold the key twice.
  std::string top = base_.dump();
  ASSERT_EQ(top.back(), '}');
  top.insert(top.size() - 1, R"(,"chain_id":"another-chain")");
  expect_duplicate(top, "chain_id");

  json j = base_;
  j["organizations"][0]["kind"] = "KIND";
  std::string nested = j.dump();
  auto at = nested.find(R"("kind":"KIND")");
  ASSERT_NE(at, std::string::npos);
  nested.replace(at, 13, R"("kind":"institution","kind":"regulator")");
  expect_duplicate(nested, "kind");

  // The same key in two different objects is not a duplicate.
  EXPECT_TRUE(parse_genesis(base_.dump()).ok());
}

class NetworkDefinitionDuplicates : public LedgerFixture {};

TEST_F(NetworkDefinitionDuplicates, DuplicateKeysAndTemplatesAreRefusedAndNamed) {
  const std::string path = make_temp_dir() + "/network.json";
  ASSERT_TRUE(write_file(path, R"({"validators": 1, "validators": 4})").ok());
  auto d = genesis::load_definition(path);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().message.find("duplicate key 'validators'"), std::string::npos)
      << d.error().message;

  json t = {{"id", "t1"}, {"name", "T"}, {"required_fields", json::array({"a"})}};
  ASSERT_TRUE(write_file(path, json({{"templates", json::array({t, t})}}).dump()).ok());
  d = genesis::load_definition(path);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().message.find("duplicate template id 't1'"), std::string::npos)
      << d.error().message;
}

// One key, one vote: a second validator with another name but the first one's certificate
// (so its signing key) is refused with both names.
TEST_F(GenesisDuplicates, ValidatorKeyTwiceIsRefusedAndBothNamed) {
  json j = base_;
  json twin = j["validators"][0];
  twin["name"] = "twin-validator";
  twin["p2p"] = "127.0.0.1:26699";
  j["validators"].push_back(twin);
  auto g = parse_genesis(j.dump());
  ASSERT_TRUE(g.ok()) << g.error().to_string();  // the names differ: parsing is not the rule
  auto a = make_trust_anchor(*g);
  ASSERT_FALSE(a.ok()) << "two validators with one key made a trust anchor";
  EXPECT_EQ(a.error().code, "bad_genesis");
  EXPECT_NE(a.error().message.find("duplicate validator key"), std::string::npos)
      << a.error().message;
  EXPECT_NE(a.error().message.find("'twin-validator'"), std::string::npos) << a.error().message;
  EXPECT_NE(a.error().message.find("'" + j["validators"][0]["name"].get<std::string>() + "'"),
            std::string::npos)
      << a.error().message;
}

}  // namespace
}  // namespace rl::ledger::testing
