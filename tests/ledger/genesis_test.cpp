// Genesis file format: strict parsing, lossless round trip, stable trust anchor.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "crypto/hash.hpp"
#include "tests/ledger/ledger_fixture.hpp"

namespace rl::ledger::testing {
namespace {

using nlohmann::json;

// A genesis using every field, with non-default values wherever there is a default.
Genesis rich_genesis() {
  const Pki& pki = shared_pki();
  Genesis g = make_genesis(pki);
  g.validators[0].power = 7;
  GenesisValidator v2 = g.validators[0];
  v2.name = "validator-1";
  v2.certificate_pem = pki.issuing.to_pem();  // another key: one key may vote only once
  v2.power = 3;
  v2.p2p_address = "10.0.0.2:26656";
  v2.api_url = "https://10.0.0.2:8443";
  v2.tls_certificate_pem = pki.root.to_pem();  // any certificate: only its key matters
  g.validators.push_back(v2);
  g.observers.push_back(
      {"observer-0", pki.root.to_pem(), "10.0.0.9:26656", "https://10.0.0.9:8443"});
  g.organizations.push_back({"bank-a", "Bank A", "institution"});
  g.organizations.push_back({"audit-1", "Auditor One", "auditor"});
  GenesisAccount reporter;
  reporter.id = "bank-a.reporter_1";
  reporter.org = "bank-a";
  reporter.role = "reporter";
  reporter.permission_code = "0042";
  reporter.credential = pki.admin_credential;
  reporter.credential.r = 4;
  reporter.credential.p = 2;
  g.accounts.push_back(reporter);
  g.templates[1].max_payload_bytes = 12345;
  g.block.block_interval_ms = 250;
  g.block.max_block_txs = 777;
  g.governance_threshold = 1;
  return g;
}

void expect_same_genesis(const Genesis& a, const Genesis& b) {
  EXPECT_EQ(a.chain_id, b.chain_id);
  EXPECT_EQ(a.suite, b.suite);
  EXPECT_EQ(a.genesis_time_ms, b.genesis_time_ms);
  EXPECT_EQ(a.root_pems, b.root_pems);
  EXPECT_EQ(a.intermediate_pems, b.intermediate_pems);
  ASSERT_EQ(a.validators.size(), b.validators.size());
  for (std::size_t i = 0; i < a.validators.size(); ++i) {
    EXPECT_EQ(a.validators[i].name, b.validators[i].name);
    EXPECT_EQ(a.validators[i].certificate_pem, b.validators[i].certificate_pem);
    EXPECT_EQ(a.validators[i].power, b.validators[i].power);
    EXPECT_EQ(a.validators[i].p2p_address, b.validators[i].p2p_address);
    EXPECT_EQ(a.validators[i].api_url, b.validators[i].api_url);
    EXPECT_EQ(a.validators[i].tls_certificate_pem, b.validators[i].tls_certificate_pem);
  }
  ASSERT_EQ(a.observers.size(), b.observers.size());
  for (std::size_t i = 0; i < a.observers.size(); ++i) {
    EXPECT_EQ(a.observers[i].name, b.observers[i].name);
    EXPECT_EQ(a.observers[i].certificate_pem, b.observers[i].certificate_pem);
    EXPECT_EQ(a.observers[i].p2p_address, b.observers[i].p2p_address);
    EXPECT_EQ(a.observers[i].api_url, b.observers[i].api_url);
  }
  ASSERT_EQ(a.organizations.size(), b.organizations.size());
  for (std::size_t i = 0; i < a.organizations.size(); ++i) {
    EXPECT_EQ(a.organizations[i].id, b.organizations[i].id);
    EXPECT_EQ(a.organizations[i].name, b.organizations[i].name);
    EXPECT_EQ(a.organizations[i].kind, b.organizations[i].kind);
  }
  ASSERT_EQ(a.accounts.size(), b.accounts.size());
  for (std::size_t i = 0; i < a.accounts.size(); ++i) {
    const auto& x = a.accounts[i];
    const auto& y = b.accounts[i];
    EXPECT_EQ(x.id, y.id);
    EXPECT_EQ(x.org, y.org);
    EXPECT_EQ(x.role, y.role);
    EXPECT_EQ(x.permission_code, y.permission_code);
    EXPECT_EQ(x.credential.salt, y.credential.salt);
    EXPECT_EQ(x.credential.hash, y.credential.hash);
    EXPECT_EQ(x.credential.n, y.credential.n);
    EXPECT_EQ(x.credential.r, y.credential.r);
    EXPECT_EQ(x.credential.p, y.credential.p);
    EXPECT_EQ(x.certificate_pems, y.certificate_pems);
  }
  EXPECT_EQ(a.permission_mapping, b.permission_mapping);
  ASSERT_EQ(a.templates.size(), b.templates.size());
  for (std::size_t i = 0; i < a.templates.size(); ++i) {
    EXPECT_EQ(a.templates[i].id, b.templates[i].id);
    EXPECT_EQ(a.templates[i].name, b.templates[i].name);
    EXPECT_EQ(a.templates[i].data_level_floor, b.templates[i].data_level_floor);
    EXPECT_EQ(a.templates[i].required_fields, b.templates[i].required_fields);
    EXPECT_EQ(a.templates[i].max_payload_bytes, b.templates[i].max_payload_bytes);
  }
  EXPECT_EQ(a.block.block_interval_ms, b.block.block_interval_ms);
  EXPECT_EQ(a.block.max_block_txs, b.block.max_block_txs);
  EXPECT_EQ(a.governance_threshold, b.governance_threshold);
}

TEST(Genesis, RoundTripKeepsEverything) {
  for (const Genesis& g : {make_genesis(shared_pki()), rich_genesis()}) {
    const std::string text = genesis_to_json(g);
    auto parsed = parse_genesis(text);
    ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
    expect_same_genesis(g, *parsed);
    EXPECT_EQ(genesis_to_json(*parsed), text);
  }
}

TEST(Genesis, TrustAnchorIsStableAcrossRoundTrip) {
  const Genesis g = rich_genesis();
  auto a = make_trust_anchor(g).value();
  auto b = make_trust_anchor(parse_genesis(genesis_to_json(g)).value()).value();
  EXPECT_EQ(a.genesis_hash, b.genesis_hash);
  EXPECT_EQ(a.genesis_keys.hash, b.genesis_keys.hash);
  EXPECT_EQ(a.genesis_keys.set.total_power(), 10u);
  ASSERT_EQ(a.genesis_keys.set.size(), 2u);
  EXPECT_EQ(a.genesis_keys.set.at(0).power, 7u);
  EXPECT_EQ(a.genesis_keys.set.at(1).power, 3u);
  EXPECT_EQ(a.chain_id, g.chain_id);
  EXPECT_EQ(a.roots.size(), 1u);
  EXPECT_EQ(a.intermediates.size(), 1u);
  EXPECT_EQ(a.genesis_hash, crypto::hash(g.suite, as_bytes(genesis_to_json(g))));
  // Re-serializing the parsed JSON with other whitespace / key order does not matter either:
  // the hash is over the canonical form.
  auto reordered = json::parse(genesis_to_json(g)).dump();
  auto c = make_trust_anchor(parse_genesis(reordered).value()).value();
  EXPECT_EQ(c.genesis_hash, a.genesis_hash);
}

TEST(Genesis, HashCoversEveryPart) {
  const Genesis base = rich_genesis();
  const Bytes h = make_trust_anchor(base).value().genesis_hash;
  std::vector<std::pair<std::string, std::function<void(Genesis&)>>> edits = {
      {"chain_id", [](Genesis& g) { g.chain_id += "x"; }},
      {"time", [](Genesis& g) { g.genesis_time_ms += 1; }},
      {"validator power", [](Genesis& g) { g.validators[1].power += 1; }},
      {"validator address", [](Genesis& g) { g.validators[1].p2p_address = "x:1"; }},
      {"validator tls cert", [](Genesis& g) { g.validators[1].tls_certificate_pem = ""; }},
      {"observer", [](Genesis& g) { g.observers[0].name = "observer-x"; }},
      {"org name", [](Genesis& g) { g.organizations[1].name += "!"; }},
      {"account code", [](Genesis& g) { g.accounts[1].permission_code = "0043"; }},
      {"credential", [](Genesis& g) { g.accounts[1].credential.r = 5; }},
      {"mapping", [](Genesis& g) { g.permission_mapping[99] = 0; }},
      {"template floor", [](Genesis& g) { g.templates[0].data_level_floor += 1; }},
      {"template field", [](Genesis& g) { g.templates[0].required_fields.push_back("x"); }},
      {"block", [](Genesis& g) { g.block.max_block_txs += 1; }},
      {"governance", [](Genesis& g) { g.governance_threshold.reset(); }},
  };
  for (const auto& [what, edit] : edits) {
    Genesis g = base;
    edit(g);
    EXPECT_NE(make_trust_anchor(g).value().genesis_hash, h) << what;
  }
}

class GenesisParse : public ::testing::Test {
 protected:
  void SetUp() override { base_ = json::parse(genesis_to_json(make_genesis(shared_pki()))); }
  void expect_bad(const json& j, const std::string& what) { expect_bad_text(j.dump(), what); }
  void expect_bad_text(const std::string& text, const std::string& what) {
    auto r = parse_genesis(text);
    ASSERT_FALSE(r.ok()) << what << " parsed";
    EXPECT_EQ(r.error().code, "bad_genesis") << what << ": " << r.error().to_string();
  }
  json base_;
};

TEST_F(GenesisParse, BaseParses) {
  EXPECT_TRUE(parse_genesis(base_.dump()).ok());
}

TEST_F(GenesisParse, UnknownTopLevelKeysAreRejected) {
  for (const char* key : {"chainid", "Chain_id", "extra", "validator", "_comment", ""}) {
    json j = base_;
    j[key] = 1;
    expect_bad(j, std::string("key '") + key + "'");
  }
}

TEST_F(GenesisParse, Suite) {
  for (json suite : {json("rsa-sha1"), json("P256-SHA256"), json(""), json(1), json(nullptr)}) {
    json j = base_;
    j["suite"] = suite;
    expect_bad(j, "suite " + suite.dump());
  }
  json j = base_;
  j.erase("suite");
  expect_bad(j, "no suite");
  j = base_;
  j["suite"] = "sm2-sm3";
  auto g = parse_genesis(j.dump());
  ASSERT_TRUE(g.ok()) << g.error().to_string();
  EXPECT_EQ(g->suite, crypto::Suite::kSm2Sm3);
  // Parsing accepts it, but P-256 validator keys do not match the suite.
  auto a = make_trust_anchor(*g);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, "bad_genesis");
}

TEST_F(GenesisParse, Validators) {
  json j = base_;
  j["validators"] = json::array();
  expect_bad(j, "empty validators");
  j.erase("validators");
  expect_bad(j, "no validators");
  j = base_;
  j["validators"] = json::object();
  expect_bad(j, "validators object");
  j = base_;
  j["validators"] = json::array({"v"});
  expect_bad(j, "validator string");
  j = base_;
  j["validators"][0]["power"] = 0;
  expect_bad(j, "power 0");
  j = base_;
  j["validators"][0]["power"] = -1;
  expect_bad(j, "power negative");
  j = base_;
  j["validators"][0]["power"] = (1ull << 40) + 1;
  expect_bad(j, "power too large");
  j = base_;
  j["validators"][0].erase("certificate");
  expect_bad(j, "no certificate");
}

TEST_F(GenesisParse, ObserversAndNodeNames) {
  json j = base_;
  j["observers"] = json::object();
  expect_bad(j, "observers object");
  j["observers"] = json::array({"o"});
  expect_bad(j, "observer string");
  j["observers"] = json::array({{{"name", "o1"}}});
  expect_bad(j, "observer without certificate");
  // Node names are identities on the P2P layer: a validator and an observer cannot share one.
  j["observers"] = json::array(
      {{{"name", j["validators"][0]["name"]}, {"certificate", j["validators"][0]["certificate"]}}});
  expect_bad(j, "observer named like a validator");
  j = base_;
  j["validators"].push_back(j["validators"][0]);
  expect_bad(j, "two validators with one name");
  j = base_;
  j["observers"] =
      json::array({{{"name", "o1"}, {"certificate", j["validators"][0]["certificate"]}}});
  EXPECT_TRUE(parse_genesis(j.dump()).ok());
}

TEST_F(GenesisParse, PermissionMappingKeysAndValues) {
  for (const char* key : {"1", "100", "ab", "1a", "+1", " 1", "", "001"}) {
    json j = base_;
    j["permission_mapping"][key] = 1;
    expect_bad(j, std::string("mapping key '") + key + "'");
  }
  for (json value : {json(100), json(-1), json("5"), json(1.5), json(nullptr)}) {
    json j = base_;
    j["permission_mapping"]["05"] = value;
    expect_bad(j, "mapping value " + value.dump());
  }
  json j = base_;
  j["permission_mapping"] = json::array({1, 2});
  expect_bad(j, "mapping array");
  // Levels not listed map to 0.
  j = base_;
  j["permission_mapping"] = {{"07", 42}};
  auto g = parse_genesis(j.dump()).value();
  EXPECT_EQ(g.permission_mapping[7], 42u);
  EXPECT_EQ(g.permission_mapping[8], 0u);
}

TEST_F(GenesisParse, OtherFieldRules) {
  auto bad_with = [&](const char* what, const std::function<void(json&)>& edit) {
    json j = base_;
    edit(j);
    expect_bad(j, what);
  };
  bad_with("chain_id with space", [](json& j) { j["chain_id"] = "my chain"; });
  bad_with("chain_id empty", [](json& j) { j["chain_id"] = ""; });
  bad_with("chain_id too long", [](json& j) { j["chain_id"] = std::string(65, 'c'); });
  bad_with("no chain_id", [](json& j) { j.erase("chain_id"); });
  bad_with("no genesis_time_ms", [](json& j) { j.erase("genesis_time_ms"); });
  bad_with("negative genesis_time_ms", [](json& j) { j["genesis_time_ms"] = -1; });
  bad_with("no roots", [](json& j) { j["root_certificates"] = json::array(); });
  bad_with("roots not strings", [](json& j) { j["root_certificates"] = json::array({1}); });
  bad_with("org id", [](json& j) { j["organizations"][0]["id"] = "a/b"; });
  bad_with("org missing kind", [](json& j) { j["organizations"][0].erase("kind"); });
  bad_with("account id", [](json& j) { j["accounts"][0]["id"] = "a b"; });
  bad_with("credential salt not hex",
           [](json& j) { j["accounts"][0]["credential"]["salt"] = "xyz"; });
  bad_with("template floor", [](json& j) { j["templates"][0]["data_level_floor"] = 100; });
  bad_with("template payload limit",
           [](json& j) { j["templates"][0]["max_payload_bytes"] = 256 * 1024 + 1; });
  bad_with("template id", [](json& j) { j["templates"][0]["id"] = ""; });
  bad_with("block interval 0", [](json& j) { j["block"]["interval_ms"] = 0; });
  bad_with("block max_txs 0", [](json& j) { j["block"]["max_txs"] = 0; });
  bad_with("block max_txs over limit", [](json& j) { j["block"]["max_txs"] = 20001; });
  expect_bad_text("", "empty");
  expect_bad_text("[]", "array");
  expect_bad_text("{", "truncated");
  expect_bad_text(base_.dump() + std::string(4 * 1024 * 1024, ' '), "oversized");
}

TEST(GenesisAnchor, BadCertificatesAreBadGenesis) {
  Genesis g = make_genesis(shared_pki());
  g.root_pems = {"-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n"};
  auto a = make_trust_anchor(g);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, "bad_genesis");
  g = make_genesis(shared_pki());
  g.validators[0].certificate_pem = "junk";
  a = make_trust_anchor(g);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, "bad_genesis");
}

class GenesisChain : public LedgerFixture {};

TEST_F(GenesisChain, InvalidGenesisStateIsRefusedAtOpen) {
  {
    Genesis g = genesis_;
    g.accounts[0].permission_code = "9999";
    auto c = Chain::open(make_temp_dir(), g);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.error().code, "bad_genesis");
  }
  {
    // An account certificate that does not chain to the genesis roots.
    const Pki other = make_pki();
    Genesis g = genesis_;
    g.accounts[0].certificate_pems = {other.admin_cert.to_pem()};
    auto c = Chain::open(make_temp_dir(), g);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.error().code, "bad_genesis");
  }
  {
    // A certificate whose CN is not the account id.
    Genesis g = genesis_;
    g.accounts[0].id = "someone-else";
    auto c = Chain::open(make_temp_dir(), g);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.error().code, "bad_genesis");
  }
}

TEST_F(GenesisChain, GenesisStateIsUsable) {
  // The admin account and certificate from genesis can act at once; templates and mapping are
  // in force (checked in detail in execution_rules_test).
  commit_txs({sign_as(admin_, register_org("bank-a"))});
  EXPECT_EQ(chain_->head().height, 1u);
  EXPECT_EQ(chain_->genesis().chain_id, kChainId);
  EXPECT_EQ(chain_->anchor().genesis_hash, make_trust_anchor(genesis_).value().genesis_hash);
}

}  // namespace
}  // namespace rl::ledger::testing
