#include "tests/support/fault_proxy.hpp"

#include <algorithm>
#include <deque>
#include <functional>
#include <future>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

namespace rl::testing {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kReadBytes = 64 * 1024;
// Bytes a direction holds (for delay) before it stops reading: beyond it the sender feels TCP
// back-pressure, as it would on a slow link, instead of the proxy buffering without bound.
constexpr std::size_t kMaxHeldBytes = std::size_t{8} << 20;

// RST instead of FIN: the peer sees "connection reset", as on a link that died.
void reset(tcp::socket& s) {
  error_code ignored;
  if (!s.is_open()) return;
  s.set_option(net::socket_base::linger(true, 0), ignored);
  s.close(ignored);
}

struct DirectionSettings {
  std::chrono::milliseconds fixed{0};
  std::chrono::milliseconds jitter{0};
  bool stalled = false;
};

struct AtomicCounters {
  std::atomic<std::uint64_t> accepted{0};
  std::atomic<std::uint64_t> refused{0};
  std::atomic<std::uint64_t> cut{0};
  std::array<std::atomic<std::uint64_t>, 2> bytes{};
  std::array<std::atomic<std::uint64_t>, 2> delayed{};
};

// What a session needs from the proxy (I/O thread only).
struct Shared {
  std::array<DirectionSettings, 2> dir;
  std::mt19937_64 rng;
  AtomicCounters counters;

  Clock::duration draw_delay(ProxyDirection d) {
    const auto& s = dir[static_cast<int>(d)];
    if (s.jitter.count() <= 0) return s.fixed;
    std::uniform_int_distribution<std::int64_t> j(0, s.jitter.count());
    return s.fixed + std::chrono::milliseconds(j(rng));
  }
};

// One accepted connection and its upstream twin. Everything runs on the proxy's I/O thread.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(net::io_context& ioc, tcp::socket client, Shared& shared)
      : shared_(shared),
        client_(std::move(client)),
        server_(ioc),
        pumps_{Pump(ProxyDirection::kForward, ioc), Pump(ProxyDirection::kBackward, ioc)} {}

  void start(int target_port, std::function<void(Session*)> on_closed) {
    on_closed_ = std::move(on_closed);
    tcp::endpoint target(net::ip::address_v4::loopback(), static_cast<std::uint16_t>(target_port));
    server_.async_connect(target, [self = shared_from_this()](const error_code& ec) {
      if (ec) return self->close(false);
      error_code ignored;
      self->client_.set_option(tcp::no_delay(true), ignored);
      self->server_.set_option(tcp::no_delay(true), ignored);
      self->connected_ = true;
      self->kick_all();
    });
  }

  // Settings changed (unstall, new delay): resume whatever can move now.
  void kick_all() {
    kick(pumps_[0]);
    kick(pumps_[1]);
  }

  void close(bool rst) {
    if (closed_) return;
    closed_ = true;
    error_code ignored;
    for (auto& p : pumps_) p.timer.cancel();
    if (rst) {
      reset(client_);
      reset(server_);
    } else {
      client_.close(ignored);
      server_.close(ignored);
    }
    if (on_closed_) on_closed_(this);
  }

 private:
  struct Chunk {
    Clock::time_point at;
    std::vector<char> bytes;
  };
  struct Pump {
    Pump(ProxyDirection d, net::io_context& ioc) : dir(d), timer(ioc) {}
    ProxyDirection dir;
    std::array<char, kReadBytes> buf{};
    std::deque<Chunk> held;
    std::size_t held_bytes = 0;
    net::steady_timer timer;
    Clock::time_point last_at{};
    bool reading = false;
    bool writing = false;
    bool eof = false;       // the source finished; forward the FIN once `held` is written
    bool shut_out = false;  // FIN forwarded
  };

  tcp::socket& source(const Pump& p) {
    return p.dir == ProxyDirection::kForward ? client_ : server_;
  }
  tcp::socket& sink(const Pump& p) { return p.dir == ProxyDirection::kForward ? server_ : client_; }
  bool stalled(const Pump& p) const { return shared_.dir[static_cast<int>(p.dir)].stalled; }

  void kick(Pump& p) {
    if (closed_ || !connected_ || stalled(p)) return;
    if (!p.reading && !p.eof && p.held_bytes < kMaxHeldBytes) read(p);
    if (!p.writing && !p.held.empty()) write(p);
    if (p.eof && p.held.empty() && !p.writing && !p.shut_out) {
      p.shut_out = true;
      error_code ignored;
      sink(p).shutdown(tcp::socket::shutdown_send, ignored);
      if (pumps_[0].shut_out && pumps_[1].shut_out) close(false);
    }
  }

  void read(Pump& p) {
    p.reading = true;
    source(p).async_read_some(net::buffer(p.buf),
                              [self = shared_from_this(), &p](const error_code& ec, std::size_t n) {
                                p.reading = false;
                                if (self->closed_) return;
                                if (ec == net::error::eof) {
                                  p.eof = true;
                                } else if (ec) {
                                  return self->close(false);
                                } else {
                                  self->hold(p, n);
                                }
                                self->kick(p);
                              });
  }

  void hold(Pump& p, std::size_t n) {
    const auto now = Clock::now();
    // Never before the previous chunk: the stream's byte order is the stream's meaning.
    const auto at = std::max(now + shared_.draw_delay(p.dir), p.last_at);
    p.last_at = at;
    if (at > now) shared_.counters.delayed[static_cast<int>(p.dir)].fetch_add(1);
    p.held.push_back(Chunk{at, std::vector<char>(p.buf.begin(), p.buf.begin() + n)});
    p.held_bytes += n;
  }

  void write(Pump& p) {
    p.writing = true;
    p.timer.expires_at(p.held.front().at);
    p.timer.async_wait([self = shared_from_this(), &p](const error_code& ec) {
      if (ec || self->closed_) return;
      if (self->stalled(p)) {  // stalled while waiting: hold on until unstalled
        p.writing = false;
        return;
      }
      net::async_write(self->sink(p), net::buffer(p.held.front().bytes),
                       [self, &p](const error_code& wec, std::size_t n) {
                         p.writing = false;
                         if (self->closed_) return;
                         if (wec) return self->close(false);
                         self->shared_.counters.bytes[static_cast<int>(p.dir)].fetch_add(n);
                         p.held_bytes -= p.held.front().bytes.size();
                         p.held.pop_front();
                         self->kick(p);
                       });
    });
  }

  Shared& shared_;
  tcp::socket client_;
  tcp::socket server_;
  std::array<Pump, 2> pumps_;
  std::function<void(Session*)> on_closed_;
  bool connected_ = false;
  bool closed_ = false;
};

}  // namespace

class FaultProxy::Impl {
 public:
  Impl(int listen_port, int target_port, std::uint64_t seed)
      : target_port_(target_port), acceptor_(ioc_), work_(net::make_work_guard(ioc_)) {
    shared_.rng.seed(seed);
    tcp::endpoint ep(net::ip::address_v4::loopback(), static_cast<std::uint16_t>(listen_port));
    error_code ec;
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      throw std::runtime_error("fault proxy cannot listen on 127.0.0.1:" +
                               std::to_string(listen_port) + ": " + ec.message());
    }
    accept();
    thread_ = std::thread([this] { ioc_.run(); });
  }

  ~Impl() {
    on_io([this] {
      error_code ignored;
      acceptor_.close(ignored);
      for (const auto& s :
           std::vector<std::shared_ptr<Session>>(sessions_.begin(), sessions_.end())) {
        s->close(false);
      }
    });
    work_.reset();
    ioc_.stop();
    thread_.join();
  }

  // Runs `fn` on the I/O thread and waits for it.
  template <typename Fn>
  auto on_io(Fn fn) -> decltype(fn()) {
    std::packaged_task<decltype(fn())()> task(std::move(fn));
    auto done = task.get_future();
    net::post(ioc_, [&task] { task(); });
    return done.get();
  }

  Shared& shared() { return shared_; }  // I/O thread, except the atomic counters
  bool refusing = false;                // I/O thread

  void kick_all() {
    // A kick may finish a session, which leaves sessions_: walk a copy.
    for (const auto& s :
         std::vector<std::shared_ptr<Session>>(sessions_.begin(), sessions_.end())) {
      s->kick_all();
    }
  }

  std::uint64_t cut_all() {
    std::vector<std::shared_ptr<Session>> open(sessions_.begin(), sessions_.end());
    for (const auto& s : open) s->close(true);
    shared_.counters.cut.fetch_add(open.size());
    return open.size();
  }

 private:
  struct PtrLess {
    using is_transparent = void;
    bool operator()(const std::shared_ptr<Session>& a, const std::shared_ptr<Session>& b) const {
      return a.get() < b.get();
    }
    bool operator()(const Session* a, const std::shared_ptr<Session>& b) const {
      return a < b.get();
    }
    bool operator()(const std::shared_ptr<Session>& a, const Session* b) const {
      return a.get() < b;
    }
  };

  void accept() {
    acceptor_.async_accept([this](const error_code& ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
      if (!ec) admit(std::move(socket));
      accept();
    });
  }

  void admit(tcp::socket socket) {
    if (refusing) {
      shared_.counters.refused.fetch_add(1);
      reset(socket);
      return;
    }
    shared_.counters.accepted.fetch_add(1);
    auto session = std::make_shared<Session>(ioc_, std::move(socket), shared_);
    sessions_.insert(session);
    session->start(target_port_, [this](Session* s) {
      auto it = sessions_.find(s);
      // Destroyed only after this call returns: we are running inside `s`'s close().
      if (it != sessions_.end()) {
        auto keep = *it;
        sessions_.erase(it);
        net::post(ioc_, [keep] {});
      }
    });
  }

  const int target_port_;
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  net::executor_work_guard<net::io_context::executor_type> work_;
  Shared shared_;
  std::set<std::shared_ptr<Session>, PtrLess> sessions_;  // I/O thread
  std::thread thread_;
};

FaultProxy::FaultProxy(int listen_port, int target_port, std::uint64_t seed)
    : listen_port_(listen_port), impl_(std::make_unique<Impl>(listen_port, target_port, seed)) {}

FaultProxy::~FaultProxy() = default;

void FaultProxy::set_delay(ProxyDirection d, std::chrono::milliseconds fixed,
                           std::chrono::milliseconds jitter) {
  impl_->on_io([&] {
    auto& s = impl_->shared().dir[static_cast<int>(d)];
    s.fixed = fixed;
    s.jitter = jitter;
  });
}

void FaultProxy::set_stalled(ProxyDirection d, bool stalled) {
  impl_->on_io([&] {
    impl_->shared().dir[static_cast<int>(d)].stalled = stalled;
    impl_->kick_all();
  });
}

void FaultProxy::set_refusing(bool refusing) {
  impl_->on_io([&] { impl_->refusing = refusing; });
}

std::uint64_t FaultProxy::cut() {
  return impl_->on_io([&] { return impl_->cut_all(); });
}

void FaultProxy::heal() {
  impl_->on_io([&] {
    impl_->shared().dir = {};
    impl_->refusing = false;
    impl_->kick_all();
  });
}

ProxyCounters FaultProxy::counters() const {
  const auto& c = impl_->shared().counters;
  ProxyCounters out;
  out.accepted = c.accepted.load();
  out.refused = c.refused.load();
  out.cut = c.cut.load();
  for (int d = 0; d < 2; ++d) {
    out.bytes[d] = c.bytes[d].load();
    out.delayed[d] = c.delayed[d].load();
  }
  return out;
}

}  // namespace rl::testing
