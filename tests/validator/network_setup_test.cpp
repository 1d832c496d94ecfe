// Who may connect and whom a node dials, derived from genesis: validators and observers by the
// key of their transport certificate; a node not in genesis under its name and role refuses to
// start.
#include "node/validator/network_setup.hpp"

#include <gtest/gtest.h>

#include "common/wall_clock.hpp"
#include "tests/ledger/ledger_fixture.hpp"

namespace rl::node {
namespace {

using ledger::testing::shared_pki;

struct Net {
  ledger::Genesis g;
  std::vector<crypto::Certificate> certs;  // validators then observer
};

Net three_validators_and_an_observer() {
  const auto& pki = shared_pki();
  Net n{ledger::testing::make_genesis(pki), {}};
  n.g.validators.clear();
  for (int i = 0; i < 4; ++i) {
    auto key = crypto::PrivateKey::generate(crypto::Suite::kP256Sha256).value();
    std::string index = std::to_string(i);
    auto cert = ledger::testing::issue_cert(pki.root, pki.root_key, key, "cn" + index,
                                            rl::wall_now_s() - 60, rl::wall_now_s() + 86400,
                                            crypto::CertProfile::kTlsServerClient);
    n.certs.push_back(cert);
    if (i < 3) {
      ledger::GenesisValidator v;
      v.name = "node" + index;
      v.certificate_pem = cert.to_pem();
      v.p2p_address = "127.0.0.1:2600" + index;
      n.g.validators.push_back(v);
    } else {
      n.g.observers.push_back({"observer0", cert.to_pem(), "127.0.0.1:26003", ""});
    }
  }
  return n;
}

TEST(NetworkSetup, ValidatorDialsOtherValidatorsAndAdmitsEveryMemberByKey) {
  auto n = three_validators_and_an_observer();
  NodeConfig c;
  c.name = "node1";
  c.validator_index = 1;
  auto pc = make_p2p_config(n.g, c, {}, "ca");
  ASSERT_TRUE(pc.ok()) << pc.error().to_string();
  ASSERT_EQ(pc->members.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(pc->members[i].tls_spki_der, n.certs[i].public_key().to_der());
  }
  ASSERT_EQ(pc->dial.size(), 2u);  // the other validators, not itself, not the observer
  EXPECT_EQ(pc->dial[0].name, "node0");
  EXPECT_EQ(pc->dial[0].port, 26000);
  EXPECT_EQ(pc->dial[1].name, "node2");
  EXPECT_EQ(pc->chain_id, n.g.chain_id);
  EXPECT_TRUE(uses_validator_network(n.g, c));
}

TEST(NetworkSetup, ObserverAndMisconfiguredNodes) {
  auto n = three_validators_and_an_observer();
  NodeConfig obs;
  obs.name = "observer0";
  obs.observer = true;
  auto pc = make_p2p_config(n.g, obs, {}, "ca");
  ASSERT_TRUE(pc.ok()) << pc.error().to_string();
  EXPECT_EQ(pc->dial.size(), 3u);

  NodeConfig stranger;
  stranger.name = "node9";
  EXPECT_EQ(make_p2p_config(n.g, stranger, {}, "ca").error().code, "bad_config");
  NodeConfig wrong_index;
  wrong_index.name = "node2";
  wrong_index.validator_index = 0;
  EXPECT_EQ(make_p2p_config(n.g, wrong_index, {}, "ca").error().code, "bad_config");
  NodeConfig observer_claiming_vote = obs;
  observer_claiming_vote.observer = false;
  EXPECT_EQ(make_p2p_config(n.g, observer_claiming_vote, {}, "ca").error().code, "bad_config");
  NodeConfig validator_as_observer;
  validator_as_observer.name = "node0";
  validator_as_observer.observer = true;
  EXPECT_EQ(make_p2p_config(n.g, validator_as_observer, {}, "ca").error().code, "bad_config");
  n.g.validators[2].p2p_address = "no-port";
  NodeConfig c;
  c.name = "node0";
  EXPECT_EQ(make_p2p_config(n.g, c, {}, "ca").error().code, "bad_config");
}

// p2p.peer_addresses changes where a peer is dialled, never who it is: the member list (and so
// the key a peer must present) is the same with and without the override.
TEST(NetworkSetup, PeerAddressOverrideChangesOnlyTheDialledAddress) {
  auto n = three_validators_and_an_observer();
  NodeConfig c;
  c.name = "node1";
  c.validator_index = 1;
  auto plain = make_p2p_config(n.g, c, {}, "ca");
  c.p2p_peer_addresses = {{"node2", "127.0.0.1:40002"}};
  auto pc = make_p2p_config(n.g, c, {}, "ca");
  ASSERT_TRUE(plain.ok() && pc.ok());
  ASSERT_EQ(pc->dial.size(), 2u);
  EXPECT_EQ(pc->dial[0].port, 26000);  // node0: genesis address
  EXPECT_EQ(pc->dial[1].name, "node2");
  EXPECT_EQ(pc->dial[1].host, "127.0.0.1");
  EXPECT_EQ(pc->dial[1].port, 40002);
  ASSERT_EQ(pc->members.size(), plain->members.size());
  for (std::size_t i = 0; i < pc->members.size(); ++i) {
    EXPECT_EQ(pc->members[i].tls_spki_der, plain->members[i].tls_spki_der);
  }
  // The ledger's sets (after governance) take the same override.
  ledger::pb::ValidatorInfo v2;
  v2.set_name("node2");
  v2.set_certificate_der(to_string(n.certs[2].to_der()));
  v2.set_power(1);
  v2.set_p2p_address("127.0.0.1:26002");
  auto m = p2p_membership(n.g, {v2}, "node1", c.p2p_peer_addresses);
  ASSERT_TRUE(m.ok()) << m.error().to_string();
  ASSERT_EQ(m->dial.size(), 1u);
  EXPECT_EQ(m->dial[0].port, 40002);
}

TEST(NetworkSetup, TransportCertificateTakesPrecedenceOnSm2Networks) {
  auto n = three_validators_and_an_observer();
  n.g.validators[0].tls_certificate_pem = n.certs[3].to_pem();
  NodeConfig c;
  c.name = "node1";
  c.validator_index = 1;
  auto pc = make_p2p_config(n.g, c, {}, "ca");
  ASSERT_TRUE(pc.ok());
  EXPECT_EQ(pc->members[0].tls_spki_der, n.certs[3].public_key().to_der());
}

TEST(NetworkSetup, LoneValidatorUsesTheSealer) {
  const auto& pki = shared_pki();
  auto g = ledger::testing::make_genesis(pki);
  NodeConfig c;
  EXPECT_FALSE(uses_validator_network(g, c));
  c.observer = true;
  EXPECT_TRUE(uses_validator_network(g, c));
}

ledger::pb::ValidatorInfo info_of(const std::string& name, const crypto::Certificate& cert,
                                  const std::string& p2p) {
  ledger::pb::ValidatorInfo v;
  v.set_name(name);
  v.set_certificate_der(to_string(cert.to_der()));
  v.set_power(1);
  v.set_p2p_address(p2p);
  return v;
}

// After validator-set governance (decision 0041) the members come from the ledger's sets: a
// validator governance added is a member and dialled; one it removed is neither; a node that is
// in no set yet still gets a config (it follows until it is added).
TEST(NetworkSetup, MembersFollowTheLedgersValidatorSets) {
  auto n = three_validators_and_an_observer();
  auto key = crypto::PrivateKey::generate(crypto::Suite::kP256Sha256).value();
  auto joiner = ledger::testing::issue_cert(shared_pki().root, shared_pki().root_key, key, "cn9",
                                            rl::wall_now_s() - 60, rl::wall_now_s() + 86400,
                                            crypto::CertProfile::kTlsServerClient);
  // node2 removed, node9 added.
  std::vector<ledger::pb::ValidatorInfo> sets = {info_of("node0", n.certs[0], "127.0.0.1:26000"),
                                                 info_of("node1", n.certs[1], "127.0.0.1:26001"),
                                                 info_of("node9", joiner, "127.0.0.1:26009")};
  NodeConfig c;
  c.name = "node1";
  c.validator_index = 1;
  auto pc = make_p2p_config(n.g, c, {}, "ca", sets);
  ASSERT_TRUE(pc.ok()) << pc.error().to_string();
  std::vector<std::string> names;
  for (const auto& m : pc->members) names.push_back(m.name);
  EXPECT_EQ(names, (std::vector<std::string>{"node0", "node1", "node9", "observer0"}));
  ASSERT_EQ(pc->dial.size(), 2u);
  EXPECT_EQ(pc->dial[1].name, "node9");
  EXPECT_EQ(pc->dial[1].port, 26009);

  NodeConfig newcomer;
  newcomer.name = "node7";
  newcomer.validator_index = 7;
  auto follower = make_p2p_config(n.g, newcomer, {}, "ca", sets);
  ASSERT_TRUE(follower.ok()) << follower.error().to_string();
  EXPECT_EQ(follower->dial.size(), 3u);

  NodeConfig observer_as_validator;
  observer_as_validator.name = "observer0";
  EXPECT_EQ(make_p2p_config(n.g, observer_as_validator, {}, "ca", sets).error().code, "bad_config");
}

}  // namespace
}  // namespace rl::node
