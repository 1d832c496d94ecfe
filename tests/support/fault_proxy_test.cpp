// FaultProxy on its own, against a plain TCP echo server on 127.0.0.1: bytes flow both ways and
// are counted; a delay never delivers early; a stalled direction delivers nothing until it is
// unstalled, and then everything, in order; cut resets the open connection; a refusing proxy
// resets new ones. Runs under ASan/UBSan (label unit).
#include "tests/support/fault_proxy.hpp"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "tests/support/port_block.hpp"

namespace rl::testing {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Echoes every connection it accepts until the peer closes, one connection at a time.
class EchoServer {
 public:
  EchoServer() : acceptor_(ioc_, tcp::endpoint(net::ip::address_v4::loopback(), 0)) {
    thread_ = std::thread([this] {
      for (;;) {
        tcp::socket s(ioc_);
        boost::system::error_code ec;
        acceptor_.accept(s, ec);
        if (ec || stopping_) return;
        std::array<char, 4096> buf{};
        for (;;) {
          const std::size_t n = s.read_some(net::buffer(buf), ec);
          if (ec) break;
          net::write(s, net::buffer(buf.data(), n), ec);
          if (ec) break;
        }
      }
    });
  }
  ~EchoServer() {
    // The acceptor belongs to the server thread; a blocking accept is released by connecting.
    stopping_ = true;
    boost::system::error_code ignored;
    tcp::socket poke(ioc_);
    poke.connect(tcp::endpoint(net::ip::address_v4::loopback(), port_), ignored);
    thread_.join();
  }
  int port() const { return port_; }

 private:
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  const std::uint16_t port_ = acceptor_.local_endpoint().port();
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

struct FaultProxyTest : ::testing::Test {
  PortBlock ports = PortBlock::lease(1);
  EchoServer echo;
  FaultProxy proxy{ports.base(), echo.port(), 1};
  net::io_context ioc;

  tcp::socket connect() {
    tcp::socket s(ioc);
    s.connect(tcp::endpoint(net::ip::address_v4::loopback(),
                            static_cast<std::uint16_t>(proxy.listen_port())));
    return s;
  }
  // Reads exactly `n` bytes or fails with the error.
  static std::string read_n(tcp::socket& s, std::size_t n, boost::system::error_code& ec) {
    std::string out(n, '\0');
    net::read(s, net::buffer(out), ec);
    return out;
  }
  // Whether anything arrives within `wait` (the socket stays usable).
  static bool readable_within(tcp::socket& s, milliseconds wait) {
    const auto until = Clock::now() + wait;
    while (Clock::now() < until) {
      if (s.available() > 0) return true;
      std::this_thread::sleep_for(milliseconds(10));
    }
    return s.available() > 0;
  }
};

TEST_F(FaultProxyTest, ForwardsBothWaysAndCounts) {
  auto s = connect();
  net::write(s, net::buffer(std::string("hello")));
  boost::system::error_code ec;
  EXPECT_EQ(read_n(s, 5, ec), "hello");
  ASSERT_FALSE(ec) << ec.message();
  // The proxy counts a chunk when its write completes, which may be just after the echo
  // arrived here.
  auto c = proxy.counters();
  for (const auto until = Clock::now() + milliseconds(2000); c.bytes[1] < 5 && Clock::now() < until;
       c = proxy.counters()) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  EXPECT_EQ(c.accepted, 1u);
  EXPECT_EQ(c.bytes[0], 5u);
  EXPECT_EQ(c.bytes[1], 5u);
}

TEST_F(FaultProxyTest, ADelayNeverDeliversEarly) {
  proxy.set_delay(ProxyDirection::kForward, milliseconds(300), milliseconds(100));
  auto s = connect();
  const auto sent = Clock::now();
  net::write(s, net::buffer(std::string("a")));
  boost::system::error_code ec;
  EXPECT_EQ(read_n(s, 1, ec), "a");
  EXPECT_GE(Clock::now() - sent, milliseconds(300));
  EXPECT_GE(proxy.counters().delayed[0], 1u);
}

TEST_F(FaultProxyTest, AStalledDirectionHoldsBytesUntilUnstalledThenDeliversInOrder) {
  auto s = connect();
  proxy.set_stalled(ProxyDirection::kForward, true);
  net::write(s, net::buffer(std::string("one")));
  net::write(s, net::buffer(std::string("two")));
  EXPECT_FALSE(readable_within(s, milliseconds(300)));
  proxy.set_stalled(ProxyDirection::kForward, false);
  boost::system::error_code ec;
  EXPECT_EQ(read_n(s, 6, ec), "onetwo");
  ASSERT_FALSE(ec) << ec.message();
}

TEST_F(FaultProxyTest, CutResetsTheOpenConnectionAndDropsWhatWasHeld) {
  auto s = connect();
  net::write(s, net::buffer(std::string("x")));
  boost::system::error_code ec;
  ASSERT_EQ(read_n(s, 1, ec), "x");
  proxy.set_stalled(ProxyDirection::kBackward, true);
  net::write(s, net::buffer(std::string("held")));
  std::this_thread::sleep_for(milliseconds(100));
  EXPECT_EQ(proxy.cut(), 1u);
  proxy.heal();
  read_n(s, 4, ec);
  EXPECT_TRUE(ec == net::error::connection_reset || ec == net::error::eof) << ec.message();
  EXPECT_EQ(proxy.counters().cut, 1u);
}

TEST_F(FaultProxyTest, ARefusingProxyResetsNewConnectionsUntilHealed) {
  proxy.set_refusing(true);
  auto s = connect();  // the TCP handshake completes; the proxy resets right after accept
  boost::system::error_code ec;
  read_n(s, 1, ec);
  EXPECT_TRUE(ec == net::error::connection_reset || ec == net::error::eof) << ec.message();
  EXPECT_EQ(proxy.counters().refused, 1u);
  proxy.heal();
  auto again = connect();
  net::write(again, net::buffer(std::string("ok")));
  EXPECT_EQ(read_n(again, 2, ec), "ok");
  EXPECT_FALSE(ec) << ec.message();
}

}  // namespace
}  // namespace rl::testing
