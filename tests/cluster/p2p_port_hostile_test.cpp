// A security reviewer at a validator's P2P port, against real regledgerd processes: plain-TCP
// garbage, a certificate from a CA genesis does not trust, a certificate from the network's own
// CA that belongs to no validator or observer, and a genuine member identity that then sends
// garbage, an oversized length prefix or a truncated frame. Each such connection is closed
// without the node ever sending a frame to an unauthenticated peer, and the network keeps
// committing with one chain.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <thread>

#include "common/file_io.hpp"
#include "common/wall_clock.hpp"
#include "crypto/tls.hpp"
#include "crypto/x509.hpp"
#include "tests/cluster/cluster_checks.hpp"
#include "tests/support/cluster.hpp"

namespace rl::testing {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using std::chrono::seconds;

struct ProbeResult {
  bool handshake_ok = false;
  std::size_t bytes_received = 0;  // what the node sent us before closing
  bool closed_by_node = false;     // read ended in EOF / alert / reset (not our timeout)
  std::string detail;
};

void set_receive_timeout(tcp::socket& s, int seconds) {
  timeval tv{seconds, 0};
  ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

// Reads until the node closes the connection or `timeout_s` passes without a byte.
template <typename Stream>
void read_until_closed(Stream& s, ProbeResult& out) {
  std::array<char, 4096> buf{};
  for (;;) {
    boost::system::error_code ec;
    std::size_t n = s.read_some(asio::buffer(buf), ec);
    out.bytes_received += n;
    if (!ec) continue;
    out.closed_by_node = ec != asio::error::would_block && ec != asio::error::try_again &&
                         ec != asio::error::timed_out;
    out.detail = ec.message();
    return;
  }
}

ProbeResult probe_plain(int port, const Bytes& payload) {
  asio::io_context io;
  tcp::socket s(io);
  s.connect({asio::ip::make_address("127.0.0.1"), static_cast<std::uint16_t>(port)});
  set_receive_timeout(s, 5);
  asio::write(s, asio::buffer(payload));
  ProbeResult r;
  read_until_closed(s, r);
  return r;
}

ProbeResult probe_tls(int port, const std::string& ca_pem, const crypto::TlsIdentity& identity,
                      const Bytes& payload) {
  asio::io_context io;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  auto st = crypto::configure_tls_client(ctx, ca_pem, &identity);
  if (!st.ok()) throw std::runtime_error(st.error().to_string());
  asio::ssl::stream<tcp::socket> s(io, ctx);
  s.next_layer().connect({asio::ip::make_address("127.0.0.1"), static_cast<std::uint16_t>(port)});
  set_receive_timeout(s.next_layer(), 5);
  ProbeResult r;
  boost::system::error_code ec;
  s.handshake(asio::ssl::stream_base::client, ec);
  r.handshake_ok = !ec;
  if (ec) {
    r.closed_by_node = true;
    r.detail = ec.message();
    return r;
  }
  if (!payload.empty()) asio::write(s, asio::buffer(payload), ec);
  read_until_closed(s, r);
  return r;
}

crypto::TlsIdentity make_identity(const crypto::Certificate& issuer,
                                  const crypto::PrivateKey& issuer_key, const std::string& cn) {
  auto key = crypto::PrivateKey::generate(crypto::Suite::kP256Sha256).value();
  auto csr = crypto::CertificateRequest::create(key, {cn, "Intruder", "Ops", ""}).value();
  crypto::IssueOptions o;
  o.profile = crypto::CertProfile::kTlsServerClient;
  auto now = rl::wall_now_s();
  o.not_before = now - 3600;
  o.not_after = now + 86400;
  o.dns_names = {"localhost"};
  o.ip_addresses = {"127.0.0.1"};
  auto cert = crypto::issue_certificate(issuer, issuer_key, csr, o).value();
  return {cert.to_pem(), key.to_pem()};
}

Bytes garbage(std::size_t n) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 131 + 7);
  return b;
}

TEST(P2pPortHostileTest, StrangersAndBadFramesAreCutOffAndTheNetworkKeepsCommitting) {
  Cluster c({});
  c.start_all();
  ASSERT_TRUE(c.wait_height({0, 1, 2, 3}, 2, seconds(30))) << c.all_logs_tail();
  const int port = c.p2p_port(0);

  // 1. Plain TCP garbage.
  auto plain = probe_plain(port, garbage(4096));
  EXPECT_TRUE(plain.closed_by_node) << plain.detail;

  // 2. A certificate from a CA that genesis does not trust.
  auto foreign_root_key = crypto::PrivateKey::generate(crypto::Suite::kP256Sha256).value();
  crypto::IssueOptions ro;
  ro.profile = crypto::CertProfile::kRootCa;
  ro.not_before = 0;
  ro.not_after = 4102444800;  // 2100
  auto foreign_root =
      crypto::create_root_certificate(foreign_root_key, {"Rogue Root", "Rogue", "", ""}, ro)
          .value();
  auto foreign =
      probe_tls(port, c.ca_pem(), make_identity(foreign_root, foreign_root_key, "node9"), {});
  EXPECT_TRUE(foreign.closed_by_node) << foreign.detail;
  EXPECT_EQ(foreign.bytes_received, 0u) << "the node talked to a peer from a foreign CA";

  // 3. The network's own root CA, but a key that is no validator or observer in genesis.
  auto root = crypto::Certificate::from_pem(read_file(c.dir() + "/ca/root.pem").value()).value();
  auto root_key = crypto::PrivateKey::from_pem(read_file(c.dir() + "/ca/root.key").value()).value();
  auto stranger = probe_tls(port, c.ca_pem(), make_identity(root, root_key, "node3"), {});
  EXPECT_TRUE(stranger.closed_by_node) << stranger.detail;
  EXPECT_EQ(stranger.bytes_received, 0u) << "the node talked to a non-member";

  // 4. A genuine member identity (node3, stopped for this) that then misbehaves.
  EXPECT_EQ(c.stop(3), 0);
  crypto::TlsIdentity node3{read_file(c.home(3) + "/node.pem").value(),
                            read_file(c.home(3) + "/node.key").value()};
  Bytes oversized = {0xFF, 0xFF, 0xFF, 0xF0, 0x01};              // claims a 4 GiB frame
  Bytes truncated = {0x00, 0x00, 0x10, 0x00, 0x01, 0xAA, 0xBB};  // 4 KiB promised, 2 sent
  Bytes unknown_channel = {0x00, 0x00, 0x00, 0x02, 0xEE, 0x00};
  for (const auto& [name, bytes] :
       std::vector<std::pair<std::string, Bytes>>{{"garbage", garbage(2048)},
                                                  {"oversized length", oversized},
                                                  {"unknown channel", unknown_channel}}) {
    auto r = probe_tls(port, c.ca_pem(), node3, bytes);
    EXPECT_TRUE(r.handshake_ok) << name << ": " << r.detail;
    EXPECT_TRUE(r.closed_by_node) << name << ": connection left open (" << r.detail << ")";
  }
  // A truncated frame followed by silence: the node must not wait on it forever either (its
  // idle timeout), but it must not crash or stall the others meanwhile.
  {
    auto r = probe_tls(port, c.ca_pem(), node3, truncated);
    EXPECT_TRUE(r.handshake_ok) << r.detail;
  }

  // The three honest validators (a quorum of 3 of 4) keep committing the same chain.
  std::uint64_t h = std::max({c.height(0), c.height(1), c.height(2)});
  ASSERT_TRUE(c.wait_height({0, 1, 2}, h + 3, seconds(30))) << c.all_logs_tail();
  expect_same_chain(c, {0, 1, 2}, h + 3);
  c.start(3);
  ASSERT_TRUE(c.wait_height({3}, h + 3, seconds(30))) << c.log_tail(3);
}

}  // namespace
}  // namespace rl::testing
