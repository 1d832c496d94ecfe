#include "tests/p2p/p2p_test_support.hpp"

#include <algorithm>
#include <ctime>
#include <deque>
#include <random>
#include <thread>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <boost/asio/buffer.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>

#include "crypto/keys.hpp"
#include "crypto/x509.hpp"

namespace rl::p2p::test {
namespace net = boost::asio;
using boost::system::error_code;
using tcp = net::ip::tcp;

namespace {

// ---------------------------------------------------------------- log capture

class CaptureSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::vector<std::string> since(std::size_t mark) {
    std::lock_guard lock(mu_);
    if (mark >= lines_.size()) return {};
    return {lines_.begin() + static_cast<std::ptrdiff_t>(mark), lines_.end()};
  }
  std::size_t size() {
    std::lock_guard lock(mu_);
    return lines_.size();
  }
  bool wait(std::size_t mark, const std::function<bool(const std::string&)>& pred,
            std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    std::size_t checked = mark;
    return cv_.wait_for(lock, timeout, [&] {
      for (; checked < lines_.size(); ++checked) {
        if (pred(lines_[checked])) return true;
      }
      return false;
    });
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    {
      std::lock_guard lock(mu_);
      lines_.emplace_back(msg.payload.begin(), msg.payload.end());
    }
    cv_.notify_all();
  }
  void flush_() override {}

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> lines_;
};

CaptureSink& capture() {
  // Installed before any test runs (see kInstalled) so that no logging thread races the swap.
  static const std::shared_ptr<CaptureSink> sink = [] {
    auto s = std::make_shared<CaptureSink>();
    auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    auto logger = std::make_shared<spdlog::logger>("p2p-test", spdlog::sinks_init_list{console, s});
    logger->set_level(spdlog::level::debug);
    console->set_level(spdlog::level::info);
    spdlog::set_default_logger(logger);
    return s;
  }();
  return *sink;
}
[[maybe_unused]] const bool kInstalled = (capture(), true);

// ---------------------------------------------------------------- certificates

crypto::IssueOptions tls_options(std::int64_t now) {
  crypto::IssueOptions o;
  o.profile = crypto::CertProfile::kTlsServerClient;
  o.not_before = now - 86400;
  o.not_after = now + 365 * 86400;
  o.ip_addresses = {"127.0.0.1"};
  return o;
}

struct Root {
  crypto::PrivateKey key;
  crypto::Certificate cert;
};

Root make_root(const std::string& cn, std::int64_t now) {
  auto key = crypto::PrivateKey::generate(crypto::Suite::kP256Sha256).value();
  crypto::IssueOptions o;
  o.profile = crypto::CertProfile::kRootCa;
  o.not_before = now - 86400;
  o.not_after = now + 10 * 365 * 86400;
  auto cert = crypto::create_root_certificate(key, {cn, "RegLedger Test", "P2P", "CN"}, o).value();
  return Root{std::move(key), std::move(cert)};
}

TestNode issue_node(const Root& root, const std::string& name, std::int64_t now) {
  auto key = crypto::PrivateKey::generate(crypto::Suite::kP256Sha256).value();
  auto csr = crypto::CertificateRequest::create(key, {name, "RegLedger Test", "P2P", "CN"}).value();
  auto cert = crypto::issue_certificate(root.cert, root.key, csr, tls_options(now)).value();
  return TestNode{name, crypto::TlsIdentity{cert.to_pem(), key.to_pem()},
                  cert.public_key().to_der()};
}

}  // namespace

const TestPki& pki() {
  static const TestPki p = [] {
    const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
    Root root = make_root("P2P Test Root", now);
    Root other = make_root("Unrelated Root", now);
    TestPki out;
    out.ca_pem = root.cert.to_pem();
    for (int i = 0; i < 3; ++i)
      out.nodes.push_back(issue_node(root, "node" + std::to_string(i), now));
    out.probe = issue_node(root, "probe", now);
    out.outsider = issue_node(root, "outsider", now);
    out.foreign_ca_pem = other.cert.to_pem();
    out.foreign = issue_node(other, "mallory", now);
    return out;
  }();
  return p;
}

const TestNode& node(int i) {
  return pki().nodes.at(static_cast<std::size_t>(i));
}

std::vector<Member> default_members() {
  std::vector<Member> out;
  for (const TestNode& n : pki().nodes) out.push_back(Member{n.name, n.spki_der});
  out.push_back(Member{pki().probe.name, pki().probe.spki_der});
  return out;
}

P2pConfig make_config(const TestNode& self, std::uint16_t port) {
  P2pConfig c;
  c.chain_id = kChainId;
  c.self_name = self.name;
  c.listen_port = port;
  c.identity = self.identity;
  c.ca_pem = pki().ca_pem;
  c.members = default_members();
  c.handshake_timeout = std::chrono::milliseconds(3000);
  c.backoff_min = std::chrono::milliseconds(20);
  c.backoff_max = std::chrono::milliseconds(300);
  c.idle_timeout = std::chrono::milliseconds(5000);
  return c;
}

std::uint16_t free_port() {
  net::io_context ioc;
  tcp::acceptor acceptor(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

SharedBytes shared(Bytes b) {
  return std::make_shared<const Bytes>(std::move(b));
}

SharedBytes shared(std::string_view s) {
  return shared(to_bytes(s));
}

Bytes random_bytes(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Bytes out(n);
  for (auto& b : out) b = static_cast<std::uint8_t>(rng());
  return out;
}

bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (pred()) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling interval, not a sync
  }
}

// ---------------------------------------------------------------- recorder

FrameHandler Recorder::frame_handler() {
  return [this](const std::string& peer, Channel channel, SharedBytes payload) {
    {
      std::lock_guard lock(mu_);
      frames_.push_back(Delivered{peer, channel, std::move(payload)});
    }
    cv_.notify_all();
  };
}

PeerHandler Recorder::peer_handler() {
  return [this](const std::string& peer, bool connected) {
    {
      std::lock_guard lock(mu_);
      events_.emplace_back(peer, connected);
    }
    cv_.notify_all();
  };
}

std::vector<Delivered> Recorder::frames() const {
  std::lock_guard lock(mu_);
  return frames_;
}

std::vector<std::pair<std::string, bool>> Recorder::peer_events() const {
  std::lock_guard lock(mu_);
  return events_;
}

std::size_t Recorder::frame_count() const {
  std::lock_guard lock(mu_);
  return frames_.size();
}

bool Recorder::wait_frames(const std::function<bool(const std::vector<Delivered>&)>& pred,
                           std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return pred(frames_); });
}

bool Recorder::wait_frame(const std::string& peer, Channel channel, const Bytes& payload,
                          std::chrono::milliseconds timeout) {
  return wait_frames(
      [&](const std::vector<Delivered>& frames) {
        return std::any_of(frames.begin(), frames.end(), [&](const Delivered& d) {
          return d.peer == peer && d.channel == channel && *d.payload == payload;
        });
      },
      timeout);
}

bool Recorder::wait_peer_event(const std::string& peer, bool connected,
                               std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] {
    return std::find(events_.begin(), events_.end(), std::make_pair(peer, connected)) !=
           events_.end();
  });
}

std::size_t Recorder::count_peer_events(const std::string& peer, bool connected) const {
  std::lock_guard lock(mu_);
  return static_cast<std::size_t>(
      std::count(events_.begin(), events_.end(), std::make_pair(peer, connected)));
}

RunningNode start_node(P2pConfig config) {
  RunningNode n;
  n.name = config.self_name;
  n.recorder = std::make_unique<Recorder>();
  auto net =
      P2pNetwork::start(std::move(config), n.recorder->frame_handler(), n.recorder->peer_handler());
  if (!net.ok()) throw std::runtime_error("P2pNetwork::start: " + net.error().to_string());
  n.network = std::move(net).value();
  return n;
}

std::optional<PeerInfo> peer_info(const P2pNetwork& net, const std::string& peer) {
  for (PeerInfo& p : net.peers()) {
    if (p.name == peer) return std::move(p);
  }
  return std::nullopt;
}

bool mesh_stable(const std::vector<const RunningNode*>& nodes) {
  for (const RunningNode* a : nodes) {
    for (const RunningNode* b : nodes) {
      if (a == b) continue;
      auto ab = peer_info(*a->network, b->name);
      auto ba = peer_info(*b->network, a->name);
      if (!ab || !ba || !ab->connected || !ba->connected) return false;
      if (ab->connections != 1 || ba->connections != 1) return false;
      if (ab->outbound == ba->outbound) return false;
    }
  }
  return true;
}

bool wait_log(const std::function<bool(const std::string&)>& pred,
              std::chrono::milliseconds timeout) {
  return capture().wait(0, pred, timeout);
}

namespace {
bool contains_all(const std::string& line, const std::vector<std::string>& parts) {
  return std::all_of(parts.begin(), parts.end(),
                     [&](const std::string& p) { return line.find(p) != std::string::npos; });
}
}  // namespace

bool wait_log_containing(const std::vector<std::string>& parts, std::chrono::milliseconds timeout) {
  return wait_log_containing_since(0, parts, timeout);
}

std::size_t log_mark() {
  return capture().size();
}

bool wait_log_containing_since(std::size_t mark, const std::vector<std::string>& parts,
                               std::chrono::milliseconds timeout) {
  return capture().wait(
      mark, [&](const std::string& line) { return contains_all(line, parts); }, timeout);
}

// ---------------------------------------------------------------- raw peer

struct RawPeer::Impl {
  net::io_context ioc;
  net::ssl::context ssl{net::ssl::context::tls_client};
  tcp::socket socket{ioc};
  // Made at handshake() from `socket`, once `ssl` is configured (a stream copies its settings
  // from the context when it is created).
  std::optional<net::ssl::stream<tcp::socket>> stream;
  bool connected = false;

  tcp::socket& tcp_layer() { return stream ? stream->next_layer() : socket; }

  // Runs the io_context until `done` or `timeout`; on timeout cancels and drains.
  void run(const bool& done, std::chrono::milliseconds timeout) {
    ioc.restart();
    ioc.run_for(timeout);
    if (!done) {
      error_code ec;
      tcp_layer().cancel(ec);
      ioc.restart();
      ioc.run();
    }
  }

  template <typename Op>
  error_code run_op(std::chrono::milliseconds timeout, Op op) {
    bool done = false;
    error_code result = net::error::timed_out;
    auto handler = [&](const error_code& ec, std::size_t = 0) {
      result = ec;
      done = true;
    };
    op(handler);
    run(done, timeout);
    return result;
  }
};

RawPeer::RawPeer(std::uint16_t port) : impl_(std::make_unique<Impl>()) {
  error_code ec;
  impl_->socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
  impl_->connected = !ec;
}

RawPeer::~RawPeer() {
  error_code ec;
  impl_->tcp_layer().close(ec);
}

bool RawPeer::tcp_connected() const {
  return impl_->connected;
}

std::string RawPeer::handshake(const std::string& ca_pem, const crypto::TlsIdentity* identity) {
  auto cfg = crypto::configure_tls_client(impl_->ssl, ca_pem, identity);
  if (!cfg.ok()) return cfg.error().to_string();
  impl_->stream.emplace(std::move(impl_->socket), impl_->ssl);
  error_code ec = impl_->run_op(kWait, [&](auto handler) {
    impl_->stream->async_handshake(net::ssl::stream_base::client,
                                   [handler](const error_code& e) mutable { handler(e); });
  });
  return ec ? ec.message() : std::string();
}

bool RawPeer::write(ByteView bytes) {
  auto buffer = net::buffer(bytes.data(), bytes.size());
  error_code ec = impl_->run_op(kWait, [&](auto handler) {
    if (impl_->stream) {
      net::async_write(*impl_->stream, buffer, handler);
    } else {
      net::async_write(impl_->socket, buffer, handler);
    }
  });
  return !ec;
}

bool RawPeer::send_hello(const std::string& name, const std::string& chain_id) {
  auto hello = encode_hello(Hello{kProtocolVersion, chain_id, name});
  return hello.ok() && send_frame(Channel::kHello, *hello);
}

bool RawPeer::send_frame(Channel channel, ByteView payload) {
  return write(encode_frame(channel, payload));
}

void RawPeer::shutdown_send() {
  error_code ec;
  impl_->tcp_layer().shutdown(tcp::socket::shutdown_send, ec);
}

RawPeer::ReadResult RawPeer::read_until(std::chrono::milliseconds timeout,
                                        const std::function<bool(const Bytes&)>& enough) {
  ReadResult out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::array<std::uint8_t, 64 * 1024> chunk{};
  while (!enough(out.data)) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left <= std::chrono::milliseconds::zero()) break;
    std::size_t got = 0;
    error_code ec = impl_->run_op(left, [&](auto handler) {
      auto on_read = [handler, &got](const error_code& e, std::size_t n) mutable {
        got = n;
        handler(e, n);
      };
      if (impl_->stream) {
        impl_->stream->async_read_some(net::buffer(chunk), on_read);
      } else {
        impl_->socket.async_read_some(net::buffer(chunk), on_read);
      }
    });
    out.data.insert(out.data.end(), chunk.begin(),
                    chunk.begin() + static_cast<std::ptrdiff_t>(got));
    if (ec == net::error::timed_out || ec == net::error::operation_aborted) break;
    if (ec) {
      out.closed = true;
      out.error = ec.message();
      break;
    }
  }
  return out;
}

RawPeer::ReadResult RawPeer::read_until_closed(std::chrono::milliseconds timeout) {
  return read_until(timeout, [](const Bytes&) { return false; });
}

std::optional<Frame> RawPeer::read_frame(std::chrono::milliseconds timeout) {
  auto step = [](const Bytes& data) { return decode_frame(data, kMaxFramePayload); };
  ReadResult r = read_until(timeout, [&](const Bytes& data) {
    auto s = step(data);
    return !s.ok() || s->frame.has_value();
  });
  auto s = step(r.data);
  if (!s.ok() || !s->frame) return std::nullopt;
  return std::move(s->frame);
}

}  // namespace rl::p2p::test
