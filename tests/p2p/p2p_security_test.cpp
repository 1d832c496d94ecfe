// Who may talk to a node, and what a connected member may not do: certificate and membership
// checks at the TLS handshake (both directions), Hello checks, and hostile bytes on one
// connection leaving the others alone.

#include <gtest/gtest.h>

#include "tests/p2p/p2p_test_support.hpp"

namespace rl::p2p {
namespace {

using test::Delivered;
using test::RawPeer;
using test::RunningNode;

// node0 listening, node1 dialing it; both connected.
struct Pair {
  RunningNode n0;
  RunningNode n1;
};

Pair start_pair(std::size_t max_frame_bytes = std::size_t{24} << 20) {
  Pair p;
  P2pConfig c0 = test::make_config(test::node(0));
  c0.max_frame_bytes = max_frame_bytes;
  p.n0 = test::start_node(c0);
  P2pConfig c1 = test::make_config(test::node(1));
  c1.dial.push_back(DialTarget{"node0", "127.0.0.1", p.n0.network->port()});
  p.n1 = test::start_node(c1);
  return p;
}

// node0 and node1 still exchange frames in both directions.
void expect_pair_works(Pair& p, const std::string& tag) {
  // Each side counts as connected once it has the other's Hello; wait for both.
  ASSERT_TRUE(p.n0.recorder->wait_peer_event("node1", true));
  ASSERT_TRUE(p.n1.recorder->wait_peer_event("node0", true));
  EXPECT_TRUE(p.n0.network->send("node1", Channel::kTx, test::shared("0->1 " + tag)));
  EXPECT_TRUE(p.n1.network->send("node0", Channel::kTx, test::shared("1->0 " + tag)));
  EXPECT_TRUE(p.n1.recorder->wait_frame("node0", Channel::kTx, to_bytes("0->1 " + tag))) << tag;
  EXPECT_TRUE(p.n0.recorder->wait_frame("node1", Channel::kTx, to_bytes("1->0 " + tag))) << tag;
  EXPECT_EQ(p.n0.recorder->count_peer_events("node1", false), 0u) << tag;
}

// A raw client with `identity` is refused during the TLS handshake by `port`'s node: the node
// never sends it a single application byte (not even its Hello) and closes.
void expect_refused_at_handshake(std::uint16_t port, const crypto::TlsIdentity& identity) {
  RawPeer peer(port);
  ASSERT_TRUE(peer.tcp_connected());
  // The client may complete its side first (TLS 1.3 verifies the client after the server
  // Finished); the refusal then arrives as an alert on the first read.
  std::string hs = peer.handshake(test::pki().ca_pem, &identity);
  if (hs.empty()) {
    auto r = peer.read_until_closed();
    EXPECT_TRUE(r.closed);
    EXPECT_TRUE(r.data.empty()) << "received " << r.data.size() << " bytes after TLS";
    EXPECT_FALSE(r.error.empty());
  }
}

TEST(P2pSecurity, MemberRawClientGetsHelloAndIsAccepted) {
  // The positive control for the refusal tests below: same client code, member certificate.
  RunningNode n0 = test::start_node(test::make_config(test::node(0)));
  RawPeer peer(n0.network->port());
  ASSERT_EQ(peer.handshake(test::pki().ca_pem, &test::pki().probe.identity), "");
  auto hello = peer.read_frame();
  ASSERT_TRUE(hello);
  EXPECT_EQ(hello->channel, Channel::kHello);
  auto msg = decode_control(hello->payload);
  ASSERT_TRUE(msg.ok());
  EXPECT_EQ(std::get<Hello>(*msg).name, "node0");
  EXPECT_EQ(std::get<Hello>(*msg).chain_id, test::kChainId);
  ASSERT_TRUE(peer.send_hello("probe"));
  EXPECT_TRUE(n0.recorder->wait_peer_event("probe", true));
  ASSERT_TRUE(peer.send_frame(Channel::kStatus, to_bytes("hi")));
  EXPECT_TRUE(n0.recorder->wait_frame("probe", Channel::kStatus, to_bytes("hi")));
}

TEST(P2pSecurity, ForeignCaCertificateIsRefusedByTheAcceptingSide) {
  RunningNode n0 = test::start_node(test::make_config(test::node(0)));
  const std::size_t mark = test::log_mark();
  expect_refused_at_handshake(n0.network->port(), test::pki().foreign.identity);
  EXPECT_TRUE(
      test::wait_log_containing_since(mark, {"p2p handshake refused", "direction=inbound"}));
  EXPECT_TRUE(n0.recorder->peer_events().empty());
}

TEST(P2pSecurity, NonMemberCertificateFromTheRightCaIsRefusedByTheAcceptingSide) {
  RunningNode n0 = test::start_node(test::make_config(test::node(0)));
  const std::size_t mark = test::log_mark();
  expect_refused_at_handshake(n0.network->port(), test::pki().outsider.identity);
  EXPECT_TRUE(test::wait_log_containing_since(
      mark, {"p2p handshake refused", "direction=inbound", "application verification failure"}));
  EXPECT_TRUE(n0.recorder->peer_events().empty());
}

TEST(P2pSecurity, ForeignCaServerIsRefusedByTheDialingSide) {
  // "mallory" runs a network with a certificate from another root. Its key is even listed as
  // a member by node0, so only the chain check can stop node0 from talking to it.
  P2pConfig mc = test::make_config(test::pki().foreign);
  mc.members.push_back(Member{"mallory", test::pki().foreign.spki_der});
  RunningNode mallory = test::start_node(mc);

  const std::size_t mark = test::log_mark();
  P2pConfig c0 = test::make_config(test::node(0));
  c0.members.push_back(Member{"mallory", test::pki().foreign.spki_der});
  c0.dial.push_back(DialTarget{"mallory", "127.0.0.1", mallory.network->port()});
  RunningNode n0 = test::start_node(c0);
  EXPECT_TRUE(test::wait_log_containing_since(mark, {"p2p handshake refused", "direction=outbound",
                                                     "peer=mallory", "certificate verify failed"}));
  EXPECT_TRUE(n0.recorder->peer_events().empty());
  EXPECT_TRUE(mallory.recorder->peer_events().empty());
}

TEST(P2pSecurity, NonMemberServerIsRefusedByTheDialingSide) {
  // Someone with a valid certificate from our CA, but no member key, sits at node1's address.
  P2pConfig oc = test::make_config(test::pki().outsider);
  oc.members.push_back(Member{"outsider", test::pki().outsider.spki_der});
  RunningNode outsider = test::start_node(oc);

  const std::size_t mark = test::log_mark();
  P2pConfig c0 = test::make_config(test::node(0));
  c0.dial.push_back(DialTarget{"node1", "127.0.0.1", outsider.network->port()});
  RunningNode n0 = test::start_node(c0);
  EXPECT_TRUE(
      test::wait_log_containing_since(mark, {"p2p handshake refused", "direction=outbound",
                                             "peer=node1", "application verification failure"}));
  EXPECT_TRUE(n0.recorder->peer_events().empty());
  EXPECT_TRUE(outsider.recorder->peer_events().empty());
}

TEST(P2pSecurity, MemberAtTheWrongAddressIsRefusedByTheDialingSide) {
  // node0 dials "node1" but node2 answers: a member, just not the one we meant.
  RunningNode n2 = test::start_node(test::make_config(test::node(2)));
  const std::size_t mark = test::log_mark();
  P2pConfig c0 = test::make_config(test::node(0));
  c0.dial.push_back(DialTarget{"node1", "127.0.0.1", n2.network->port()});
  RunningNode n0 = test::start_node(c0);
  EXPECT_TRUE(test::wait_log_containing_since(
      mark, {"p2p handshake refused", "peer=node1", "certificate belongs to node2"}));
  EXPECT_EQ(n0.recorder->count_peer_events("node2", true), 0u);
}

TEST(P2pSecurity, WrongChainIdInHelloIsRefusedByBothSides) {
  Pair p;
  P2pConfig c0 = test::make_config(test::node(0));
  p.n0 = test::start_node(c0);
  const std::size_t mark = test::log_mark();
  P2pConfig c1 = test::make_config(test::node(1));
  c1.chain_id = "another-chain";
  c1.dial.push_back(DialTarget{"node0", "127.0.0.1", p.n0.network->port()});
  p.n1 = test::start_node(c1);
  EXPECT_TRUE(test::wait_log_containing_since(
      mark, {"p2p handshake refused", "direction=inbound", "chain id another-chain"}));
  EXPECT_TRUE(test::wait_log_containing_since(mark, {"p2p handshake refused", "direction=outbound",
                                                     "chain id " + std::string(test::kChainId)}));

  // And with a raw client, so that the close is observed directly.
  RawPeer peer(p.n0.network->port());
  ASSERT_EQ(peer.handshake(test::pki().ca_pem, &test::pki().probe.identity), "");
  ASSERT_TRUE(peer.read_frame());  // node0's own Hello: TLS passed
  ASSERT_TRUE(peer.send_hello("probe", "another-chain"));
  EXPECT_TRUE(peer.read_until_closed().closed);
  EXPECT_TRUE(p.n0.recorder->peer_events().empty());
  EXPECT_TRUE(p.n1.recorder->peer_events().empty());
}

TEST(P2pSecurity, HelloNameThatDoesNotMatchTheCertificateIsRefused) {
  RunningNode n0 = test::start_node(test::make_config(test::node(0)));
  const std::size_t mark = test::log_mark();
  RawPeer peer(n0.network->port());
  // node1's certificate, claiming to be node2.
  ASSERT_EQ(peer.handshake(test::pki().ca_pem, &test::node(1).identity), "");
  ASSERT_TRUE(peer.read_frame());
  ASSERT_TRUE(peer.send_hello("node2"));
  EXPECT_TRUE(peer.read_until_closed().closed);
  EXPECT_TRUE(test::wait_log_containing_since(
      mark, {"p2p handshake refused", "hello name node2 but the certificate belongs to node1"}));
  EXPECT_TRUE(n0.recorder->peer_events().empty());
}

struct HostileCase {
  std::string name;
  bool hello_first;         // send a valid Hello before the hostile bytes
  Bytes bytes;              // sent over TLS
  bool half_close = false;  // then end the stream mid-frame
};

Bytes header_bytes(std::uint32_t length, std::uint8_t channel) {
  return {static_cast<std::uint8_t>(length >> 24), static_cast<std::uint8_t>(length >> 16),
          static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length), channel};
}

TEST(P2pSecurity, HostileFramesCloseOnlyThatConnection) {
  constexpr std::size_t kMaxFrame = std::size_t{1} << 20;
  Pair p = start_pair(kMaxFrame);
  expect_pair_works(p, "before");

  Bytes truncated = header_bytes(101, static_cast<std::uint8_t>(Channel::kTx));
  truncated.resize(truncated.size() + 10, 0x11);  // 10 of the promised 100 payload bytes
  Bytes second_hello =
      encode_frame(Channel::kHello, encode_hello(Hello{1, test::kChainId, "probe"}).value());
  const std::vector<HostileCase> cases{
      {"garbage after hello", true, to_bytes("\xDE\xAD\xBE\xEF not a frame at all \x00\xFF")},
      {"random garbage after hello", true, test::random_bytes(4096, 1)},
      {"truncated frame", true, truncated, true},
      {"oversized length", true, header_bytes(kMaxFrame + 2, 1)},
      {"4 GiB length", true, header_bytes(0xFFFFFFFF, 1)},
      {"zero length", true, header_bytes(0, 1)},
      {"unknown channel", true, encode_frame(static_cast<Channel>(kMaxChannel + 1), to_bytes("x"))},
      {"unknown channel 255", true, encode_frame(static_cast<Channel>(255), to_bytes("x"))},
      {"bad control message", true, encode_frame(Channel::kHello, Bytes{0x09})},
      {"second hello", true, second_hello},
      {"garbage instead of hello", false, test::random_bytes(512, 2)},
      {"data frame before hello", false, encode_frame(Channel::kTx, to_bytes("early"))},
  };
  std::size_t closes = 0;
  for (const HostileCase& c : cases) {
    SCOPED_TRACE(c.name);
    RawPeer peer(p.n0.network->port());
    ASSERT_EQ(peer.handshake(test::pki().ca_pem, &test::pki().probe.identity), "");
    if (c.hello_first) {
      ASSERT_TRUE(peer.send_hello("probe"));
      ASSERT_TRUE(test::wait_until(
          [&] { return p.n0.recorder->count_peer_events("probe", true) == closes + 1; }));
    }
    peer.write(c.bytes);  // may already fail if node0 closed mid-way; that is fine
    if (c.half_close) peer.shutdown_send();
    EXPECT_TRUE(peer.read_until_closed().closed);
    if (c.hello_first) {
      ++closes;
      EXPECT_TRUE(test::wait_until(
          [&] { return p.n0.recorder->count_peer_events("probe", false) == closes; }));
    }
    expect_pair_works(p, c.name);
  }
  for (const Delivered& d : p.n0.recorder->frames()) EXPECT_EQ(d.peer, "node1");
}

TEST(P2pSecurity, PlainTcpClientsAreDroppedWithoutAffectingOthers) {
  P2pConfig c0 = test::make_config(test::node(0));
  c0.handshake_timeout = std::chrono::milliseconds(500);
  Pair p;
  p.n0 = test::start_node(c0);
  P2pConfig c1 = test::make_config(test::node(1));
  c1.dial.push_back(DialTarget{"node0", "127.0.0.1", p.n0.network->port()});
  p.n1 = test::start_node(c1);
  expect_pair_works(p, "before");

  {
    RawPeer garbage(p.n0.network->port());
    ASSERT_TRUE(garbage.tcp_connected());
    EXPECT_TRUE(garbage.write(to_bytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n")));
    garbage.write(test::random_bytes(2048, 3));
    EXPECT_TRUE(garbage.read_until_closed().closed);
  }
  expect_pair_works(p, "after garbage");
  {
    // Connects and says nothing: cut off at handshake_timeout.
    const std::size_t mark = test::log_mark();
    RawPeer silent(p.n0.network->port());
    ASSERT_TRUE(silent.tcp_connected());
    EXPECT_TRUE(silent.read_until_closed().closed);
    EXPECT_TRUE(
        test::wait_log_containing_since(mark, {"p2p handshake refused", "handshake timeout"}));
  }
  expect_pair_works(p, "after silence");
  EXPECT_TRUE(p.n0.recorder->peer_events().size() == 1u);  // node1 connected, nothing else
}

TEST(P2pSecurity, StartRejectsBadConfigs) {
  auto start = [](P2pConfig c) { return P2pNetwork::start(std::move(c), nullptr, nullptr); };
  auto code = [&](P2pConfig c) {
    auto r = start(std::move(c));
    return r.ok() ? std::string("ok") : r.error().code;
  };
  P2pConfig good = test::make_config(test::node(0));
  {
    auto r = start(good);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
  }
  P2pConfig c = good;
  c.chain_id.clear();
  EXPECT_EQ(code(c), "bad_config");
  c = good;
  c.dial.push_back(DialTarget{"stranger", "127.0.0.1", 1});
  EXPECT_EQ(code(c), "bad_config");
  c = good;
  c.members.push_back(Member{"node1", Bytes{1, 2, 3}});
  EXPECT_EQ(code(c), "bad_config");
  c = good;
  c.max_frame_bytes = 0;
  EXPECT_EQ(code(c), "bad_config");
  c = good;
  c.backoff_max = std::chrono::milliseconds(1);
  EXPECT_EQ(code(c), "bad_config");
  c = good;
  c.listen_host = "not-an-ip";
  EXPECT_EQ(code(c), "bad_config");
  c = good;
  c.identity.key_pem = test::node(1).identity.key_pem;  // key of another certificate
  EXPECT_EQ(code(c), "tls_config");
  c = good;
  c.ca_pem = "garbage";
  EXPECT_EQ(code(c), "tls_config");
  auto taken = start(good);
  ASSERT_TRUE(taken.ok());
  c = good;
  c.listen_port = (*taken)->port();
  c.listen_host = "127.0.0.1";
  // SO_REUSEADDR does not allow two listeners on one port.
  EXPECT_EQ(code(c), "bind_failed");
}

}  // namespace
}  // namespace rl::p2p
