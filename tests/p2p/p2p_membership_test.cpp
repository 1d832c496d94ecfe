// P2P membership that changes at run time (validator-set governance, decision 0041):
// P2pNetwork::set_members admits a new member from the next handshake on, and closes and then
// refuses a member that left.

#include <gtest/gtest.h>

#include "tests/p2p/p2p_test_support.hpp"

namespace rl::p2p {
namespace {

using test::RawPeer;
using test::RunningNode;

Member outsider_member() {
  return Member{"outsider", test::pki().outsider.spki_der};
}

// A raw client with `identity` that completes TLS and Hello as `name`: true when the node
// accepts it (sends its Hello and reports the peer connected).
bool raw_member_accepted(RunningNode& n, const crypto::TlsIdentity& identity,
                         const std::string& name) {
  RawPeer peer(n.network->port());
  if (!peer.tcp_connected()) return false;
  if (!peer.handshake(test::pki().ca_pem, &identity).empty()) return false;
  auto hello = peer.read_frame(std::chrono::milliseconds(3000));
  if (!hello || hello->channel != Channel::kHello) return false;
  if (!peer.send_hello(name)) return false;
  return n.recorder->wait_peer_event(name, true, std::chrono::milliseconds(3000));
}

TEST(P2pMembership, AddedMemberIsAdmittedAtItsNextHandshake) {
  RunningNode n0 = test::start_node(test::make_config(test::node(0)));
  const std::size_t mark = test::log_mark();
  EXPECT_FALSE(raw_member_accepted(n0, test::pki().outsider.identity, "outsider"));
  EXPECT_TRUE(test::wait_log_containing_since(
      mark, {"p2p handshake refused", "application verification failure"}));

  auto members = test::default_members();
  members.push_back(outsider_member());
  ASSERT_TRUE(n0.network->set_members(members, {}).ok());
  ASSERT_TRUE(test::wait_log_containing_since(mark, {"p2p member added", "peer=outsider"}));
  EXPECT_TRUE(raw_member_accepted(n0, test::pki().outsider.identity, "outsider"));
}

TEST(P2pMembership, RemovedMemberIsDisconnectedAndRefused) {
  RunningNode n0 = test::start_node(test::make_config(test::node(0)));
  P2pConfig c1 = test::make_config(test::node(1));
  c1.dial.push_back(DialTarget{"node0", "127.0.0.1", n0.network->port()});
  RunningNode n1 = test::start_node(c1);
  ASSERT_TRUE(n0.recorder->wait_peer_event("node1", true));

  std::vector<Member> without;
  for (const auto& m : test::default_members()) {
    if (m.name != "node1") without.push_back(m);
  }
  const std::size_t mark = test::log_mark();
  ASSERT_TRUE(n0.network->set_members(without, {}).ok());
  EXPECT_TRUE(n0.recorder->wait_peer_event("node1", false));
  EXPECT_TRUE(test::wait_log_containing_since(mark, {"p2p member removed", "peer=node1"}));
  EXPECT_FALSE(n0.network->send("node1", Channel::kTx, test::shared("x")));
  // node1 keeps redialling; node0 refuses it in the handshake.
  EXPECT_TRUE(test::wait_log_containing_since(
      mark, {"p2p handshake refused", "direction=inbound", "application verification failure"}));
  EXPECT_EQ(n0.recorder->count_peer_events("node1", true), 1u);
  for (const auto& p : n0.network->peers()) EXPECT_NE(p.name, "node1");

  // Added back, it is admitted again.
  ASSERT_TRUE(n0.network->set_members(test::default_members(), {}).ok());
  EXPECT_TRUE(test::wait_until([&] { return n0.recorder->count_peer_events("node1", true) >= 2; }));
}

TEST(P2pMembership, BadMemberListsAreRefused) {
  RunningNode n0 = test::start_node(test::make_config(test::node(0)));
  auto dup = test::default_members();
  dup.push_back(dup[1]);
  EXPECT_EQ(n0.network->set_members(dup, {}).error().code, "bad_config");
  EXPECT_EQ(
      n0.network->set_members(test::default_members(), {DialTarget{"stranger", "127.0.0.1", 1}})
          .error()
          .code,
      "bad_config");
}

}  // namespace
}  // namespace rl::p2p
