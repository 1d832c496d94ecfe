// P2pNetwork: the listener, the dialer and the peer table on top of detail::Connection.
//
// One connection per peer pair. Both nodes may dial each other at the same moment; when a second
// connection to a peer is established, both ends keep the same one by a rule they evaluate
// identically: the connection dialed by the lexicographically smaller name wins; between two
// connections from the same dialer the newer wins (the dialer only ever has one outbound
// attempt, so it has given up on the older). The loser is *retired*, not cut: it finishes
// writing what was already queued on it, sends Bye, and still delivers what the peer sends until
// the peer's Bye. Every frame accepted by send() thus travels on exactly one connection and is
// delivered at most once, and none is lost to the race. Order holds per connection: frames
// sent just before a switch (on the retiring connection) and just after it (on its successor)
// may arrive interleaved, which consensus, sync and gossip all tolerate.
#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "common/thread_name.hpp"
#include "node/p2p/backoff.hpp"
#include "node/p2p/connection.hpp"
#include "node/p2p/frame.hpp"
#include "node/p2p/p2p_network.hpp"
#ifdef RL_FRAME_FAULT_TEST_BUILD
// TEST-ONLY: regledgerd_frame_faults' own object of this file (tests/cluster/CMakeLists.txt).
#include "node/p2p/frame_faults.hpp"
#endif

namespace rl::p2p {
namespace {

namespace net = boost::asio;
using boost::system::error_code;
using tcp = net::ip::tcp;
using detail::Connection;

// Accept failures such as EMFILE repeat immediately; back off instead of spinning.
constexpr std::chrono::milliseconds kAcceptRetryDelay{50};
// Connections that have not finished TLS + Hello. Members are few; beyond this, new TCP
// connections are closed at once so that a flood cannot exhaust memory or handshake CPU.
constexpr std::size_t kMaxPendingHandshakes = 64;

Status validate_members(const std::string& self_name, const std::vector<Member>& members,
                        const std::vector<DialTarget>& dial) {
  auto bad = [](std::string msg) { return make_error("bad_config", std::move(msg)); };
  std::set<std::string> names;
  std::set<Bytes> keys;
  for (const Member& m : members) {
    if (m.name.empty() || m.name.size() > kMaxHelloString) {
      return bad("member names must be 1..255 bytes");
    }
    if (!names.insert(m.name).second) return bad("duplicate member name " + m.name);
    if (m.tls_spki_der.empty()) return bad("member " + m.name + " has no TLS key");
    if (!keys.insert(m.tls_spki_der).second) return bad("member " + m.name + " shares a TLS key");
  }
  if (names.size() == (names.count(self_name) ? 1u : 0u)) return bad("no members besides self");
  std::set<std::string> dialed;
  for (const DialTarget& d : dial) {
    if (!names.count(d.name)) return bad("dial target " + d.name + " is not a member");
    if (!dialed.insert(d.name).second) return bad("dial target " + d.name + " is listed twice");
    if (d.host.empty() || d.port == 0) return bad("dial target " + d.name + " needs host and port");
  }
  return {};
}

Status validate(const P2pConfig& c) {
  auto bad = [](std::string msg) { return make_error("bad_config", std::move(msg)); };
  auto short_string = [](const std::string& s) {
    return !s.empty() && s.size() <= kMaxHelloString;
  };
  if (!short_string(c.chain_id)) return bad("chain_id must be 1..255 bytes");
  if (!short_string(c.self_name)) return bad("self_name must be 1..255 bytes");
  error_code ec;
  net::ip::make_address(c.listen_host, ec);
  if (ec) return bad("listen_host '" + c.listen_host + "' is not an IP address");
  RL_TRY(validate_members(c.self_name, c.members, c.dial));
  if (c.max_frame_bytes == 0 || c.max_frame_bytes > kMaxFramePayload) {
    return bad("max_frame_bytes must be in [1, 2^32 - 2]");
  }
  if (c.max_queue_bytes == 0) return bad("max_queue_bytes must be positive");
  using std::chrono::milliseconds;
  if (c.handshake_timeout <= milliseconds::zero() || c.backoff_min <= milliseconds::zero()) {
    return bad("handshake_timeout and backoff_min must be positive");
  }
  if (c.backoff_max < c.backoff_min) return bad("backoff_max must be at least backoff_min");
  // Keepalives go out every idle_timeout / 3.
  if (c.idle_timeout < milliseconds(3)) return bad("idle_timeout must be at least 3 ms");
  return {};
}

class Network final : public P2pNetwork, private detail::ConnectionOwner {
 public:
  Network(P2pConfig config, FrameHandler on_frame, PeerHandler on_peer)
      : config_(std::move(config)),
        on_frame_(std::move(on_frame)),
        on_peer_(std::move(on_peer)),
        ssl_(net::ssl::context::tls),
        acceptor_(ioc_),
        accept_retry_(ioc_),
        work_(net::make_work_guard(ioc_)),
        rng_(std::random_device{}()) {
    settings_.chain_id = config_.chain_id;
    settings_.self_name = config_.self_name;
    settings_.max_frame_bytes = config_.max_frame_bytes;
    settings_.max_queue_bytes = config_.max_queue_bytes;
    settings_.handshake_timeout = config_.handshake_timeout;
    settings_.idle_timeout = config_.idle_timeout;
    for (const Member& m : config_.members) {
      if (m.name == config_.self_name) continue;
      Slot& slot = slots_[m.name];
      slot.member = m;
      slot.redial = std::make_unique<net::steady_timer>(ioc_);
    }
    for (const DialTarget& d : config_.dial) {
      auto it = slots_.find(d.name);
      if (it != slots_.end()) it->second.dial = d;  // self is skipped: it has no slot
    }
    for (const Member& m : config_.members) by_key_.emplace(m.tls_spki_der, m);
  }

  ~Network() override { stop(); }

  Status init() {
    std::vector<Bytes> keys;
    for (const Member& m : config_.members) keys.push_back(m.tls_spki_der);
    key_set_ = std::make_shared<crypto::PeerKeySet>(std::move(keys));
    auto tls = crypto::configure_tls_peer(ssl_, config_.identity, config_.ca_pem, key_set_);
    if (!tls.ok()) return make_error("tls_config", tls.error().to_string());
#ifdef RL_FRAME_FAULT_TEST_BUILD
    RL_ASSIGN_OR_RETURN(frame_faults_,
                        detail::frame_faults_from_env(
                            ioc_, [this](const std::string& peer, Channel ch, SharedBytes p) {
                              deliver(peer, ch, std::move(p));
                            }));
#endif
    return listen();
  }

  void run() {
    net::post(ioc_, [this] {
#ifdef RL_FRAME_FAULT_TEST_BUILD
      if (frame_faults_) frame_faults_->start_summaries(std::chrono::seconds(5));
#endif
      accept();
      for (auto& [name, slot] : slots_) {
        if (slot.dial) dial(slot);
      }
    });
    io_thread_ = std::thread([this] {
      name_this_thread("p2p-io");
      run_io();
    });
    spdlog::info("p2p listening addr={} port={} self={} chain={} members={} dial={}",
                 config_.listen_host, port_, config_.self_name, config_.chain_id,
                 config_.members.size(), config_.dial.size());
  }

  void stop() override {
    std::lock_guard stop_lock(stop_mu_);
    if (stopped_) return;
    stopping_.store(true);  // from here no handler is called and send() refuses
    work_.reset();
    ioc_.stop();
    if (io_thread_.joinable()) {
      if (io_thread_.get_id() == std::this_thread::get_id()) {
        // Called from a handler: we cannot join ourselves. ioc_.stop() ends the thread after
        // this handler; the destructor, on another thread, finishes the job.
        spdlog::error("p2p stop() called on the I/O thread; teardown deferred to destruction");
        return;
      }
      io_thread_.join();
    }
    stopped_ = true;
    // The I/O thread has ended: everything below is race-free.
    error_code ec;
    acceptor_.close(ec);
    accept_retry_.cancel();
    for (auto& [name, slot] : slots_) {
      slot.redial->cancel();
      std::lock_guard lock(mu_);
      slot.active.reset();
      slot.attempt.reset();
    }
    for (auto& [raw, conn] : conns_) conn->close_quietly();
    conns_.clear();
#ifdef RL_FRAME_FAULT_TEST_BUILD
    if (frame_faults_) frame_faults_->log_summary(/*final=*/true);
#endif
    spdlog::info("p2p stopped self={} port={}", config_.self_name, port_);
  }

  std::uint16_t port() const override {
    return port_;
  }

  bool send(const std::string& peer, Channel channel, SharedBytes payload) override {
    if (!sendable(channel, payload)) return false;
    std::lock_guard lock(mu_);  // set_members() may add slots
    auto it = slots_.find(peer);
    if (it == slots_.end()) return false;
    return !stopping_.load() && enqueue(it->second, channel, payload);
  }

  Status set_members(std::vector<Member> members, std::vector<DialTarget> dial) override {
    RL_TRY(validate_members(config_.self_name, members, dial));
    net::post(ioc_, [this, members = std::move(members), dial = std::move(dial)] {
      apply_members(members, dial);
    });
    return {};
  }

  std::size_t broadcast(Channel channel, SharedBytes payload, const std::string& except) override {
    if (!sendable(channel, payload)) return 0;
    std::lock_guard lock(mu_);
    if (stopping_.load()) return 0;
    std::size_t n = 0;
    for (auto& [name, slot] : slots_) {
      if (name != except && enqueue(slot, channel, payload)) ++n;
    }
    return n;
  }

  std::vector<PeerInfo> peers() const override {
    std::vector<PeerInfo> out;
    std::lock_guard lock(mu_);
    for (const auto& [name, slot] : slots_) {
      if (!slot.is_member) continue;
      PeerInfo info;
      info.name = name;
      info.connected = slot.active != nullptr;
      info.outbound = slot.active != nullptr && slot.active->outbound();
      info.frames_in = slot.stats->frames_in.load(std::memory_order_relaxed);
      info.frames_out = slot.stats->frames_out.load(std::memory_order_relaxed);
      info.dropped_out = slot.stats->dropped_out.load(std::memory_order_relaxed);
      info.queued_bytes = slot.active ? slot.active->queued_bytes() : 0;
      if (slot.active) info.queued_bytes_by_channel = slot.active->queued_bytes_by_channel();
      for (std::size_t ch = 0; ch <= kMaxChannel; ++ch) {
        info.bytes_in[ch] = slot.stats->bytes_in[ch].load(std::memory_order_relaxed);
        info.bytes_out[ch] = slot.stats->bytes_out[ch].load(std::memory_order_relaxed);
      }
      info.connections = slot.established;
      out.push_back(std::move(info));
    }
    return out;
  }

 private:
  struct Slot {
    Member member;
    std::optional<DialTarget> dial;
    std::shared_ptr<detail::PeerStats> stats = std::make_shared<detail::PeerStats>();
    // Guarded by mu_ (written on the I/O thread only, so the I/O thread may read it unlocked).
    std::shared_ptr<Connection> active;
    std::uint32_t established = 0;  // established connections, including a retiring one
    // I/O thread only.
    std::shared_ptr<Connection> attempt;  // our outbound connection while it exists
    std::unique_ptr<net::steady_timer> redial;
    bool redial_armed = false;
    unsigned failures = 0;  // consecutive outbound attempts that never got established
    // False once governance removed the member: the slot stays (handlers hold references to
    // it) but nothing is sent, dialled or accepted for it. Guarded by mu_ (written on the I/O
    // thread only).
    bool is_member = true;
  };

  // I/O thread. See set_members().
  void apply_members(const std::vector<Member>& members, const std::vector<DialTarget>& targets) {
    if (stopping_.load()) return;
    std::vector<Bytes> keys;
    by_key_.clear();
    for (const Member& m : members) {
      keys.push_back(m.tls_spki_der);
      by_key_.emplace(m.tls_spki_der, m);
    }
    key_set_->replace(std::move(keys));
    std::set<std::string> names;
    std::vector<std::string> joined;
    for (const Member& m : members) {
      if (m.name == config_.self_name) continue;
      names.insert(m.name);
      std::lock_guard lock(mu_);
      auto [it, inserted] = slots_.try_emplace(m.name);
      Slot& slot = it->second;
      if (inserted) slot.redial = std::make_unique<net::steady_timer>(ioc_);
      if (inserted || !slot.is_member || slot.member.tls_spki_der != m.tls_spki_der) {
        joined.push_back(m.name);
      }
      slot.member = m;
      slot.is_member = true;
      slot.dial.reset();
    }
    for (const DialTarget& d : targets) {
      auto it = slots_.find(d.name);
      if (it != slots_.end()) it->second.dial = d;
    }
    std::vector<std::shared_ptr<Connection>> to_close;
    std::vector<std::string> left;
    for (auto& [name, slot] : slots_) {
      if (names.count(name)) continue;
      {
        std::lock_guard lock(mu_);
        if (slot.is_member) left.push_back(name);
        slot.is_member = false;
        slot.dial.reset();
        if (slot.active) to_close.push_back(slot.active);
      }
      if (slot.attempt) to_close.push_back(slot.attempt);
      slot.redial->cancel();
      slot.redial_armed = false;
    }
    // Established connections (also retiring ones) of former members.
    for (auto& [raw, conn] : conns_) {
      if (!conn->peer().empty() && !names.count(conn->peer())) to_close.push_back(conn);
    }
    for (const auto& name : joined) spdlog::info("p2p member added peer={}", name);
    for (const auto& name : left) spdlog::info("p2p member removed peer={}", name);
    for (auto& conn : to_close) conn->close("no longer a member");
    for (auto& [name, slot] : slots_) {
      if (slot.is_member && slot.dial) dial(slot);
    }
  }

  bool sendable(Channel channel, const SharedBytes& payload) const {
    const auto raw = static_cast<std::uint8_t>(channel);
    return payload != nullptr && raw != 0 && raw <= kMaxChannel &&
           payload->size() <= config_.max_frame_bytes;
  }

  // Under mu_.
  bool enqueue(Slot& slot, Channel channel, const SharedBytes& payload) {
    if (!slot.active || !slot.is_member) return false;
    switch (slot.active->enqueue(channel, payload)) {
      case detail::EnqueueResult::kQueued:
        return true;
      case detail::EnqueueResult::kQueueFull:
        slot.stats->dropped_out.fetch_add(1, std::memory_order_relaxed);
        spdlog::debug("p2p send queue full peer={} queued_bytes={}", slot.member.name,
                      slot.active->queued_bytes());
        return false;
      case detail::EnqueueResult::kNotAccepting:
        return false;
    }
    return false;
  }

  Status listen() {
    error_code ec;
    auto address = net::ip::make_address(config_.listen_host, ec);
    tcp::endpoint endpoint(address, config_.listen_port);
    auto fail = [&](const char* what) {
      return make_error("bind_failed", std::string(what) + " " + address.to_string() + ":" +
                                           std::to_string(config_.listen_port) + ": " +
                                           ec.message());
    };
    if (acceptor_.open(endpoint.protocol(), ec)) return fail("cannot open socket for");
    // A restarted node must get its port back while old connections sit in TIME_WAIT.
    if (acceptor_.set_option(tcp::acceptor::reuse_address(true), ec)) {
      return fail("cannot set SO_REUSEADDR on");
    }
    if (acceptor_.bind(endpoint, ec)) return fail("cannot bind");
    if (acceptor_.listen(net::socket_base::max_listen_connections, ec)) {
      return fail("cannot listen on");
    }
    port_ = acceptor_.local_endpoint(ec).port();
    if (ec) return fail("cannot read local endpoint of");
    return {};
  }

  void run_io() {
    for (;;) {
      try {
        ioc_.run();
        return;
      } catch (const std::exception& e) {
        // Handlers are written not to throw; if one does, keep the other connections alive.
        spdlog::error("p2p io thread caught exception what={}", e.what());
      }
    }
  }

  void accept() {
    acceptor_.async_accept(
        [this](const error_code& ec, tcp::socket socket) { on_accept(ec, std::move(socket)); });
  }

  void on_accept(const error_code& ec, tcp::socket socket) {
    if (stopping_.load() || ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) {
      spdlog::warn("p2p accept failed reason={}", ec.message());
      accept_retry_.expires_after(kAcceptRetryDelay);
      accept_retry_.async_wait([this](const error_code& wait_ec) {
        if (!wait_ec && !stopping_.load()) accept();
      });
      return;
    }
    const auto pending = std::count_if(conns_.begin(), conns_.end(),
                                       [](const auto& c) { return !c.second->established(); });
    if (static_cast<std::size_t>(pending) >= kMaxPendingHandshakes) {
      error_code ignored;
      std::uint64_t n = ++refused_total_;
      if (n == 1 || n % 1000 == 0) {
        spdlog::warn("p2p connection refused reason=too many pending handshakes refused_total={}",
                     n);
      }
      socket.close(ignored);
    } else {
      auto conn = std::make_shared<Connection>(owner(), settings_, ioc_, ssl_, std::move(socket),
                                               /*outbound=*/false, std::string());
      conns_.emplace(conn.get(), conn);
      conn->start_inbound();
    }
    accept();
  }

  // I/O thread.
  void dial(Slot& slot) {
    if (stopping_.load() || !slot.is_member || !slot.dial || slot.attempt || slot.active) return;
    auto conn = std::make_shared<Connection>(owner(), settings_, ioc_, ssl_, tcp::socket(ioc_),
                                             /*outbound=*/true, slot.member.name);
    slot.attempt = conn;
    conns_.emplace(conn.get(), conn);
    conn->start_outbound(slot.dial->host, slot.dial->port);
  }

  // I/O thread.
  void schedule_dial(Slot& slot) {
    if (stopping_.load() || !slot.is_member || !slot.dial || slot.attempt || slot.active ||
        slot.redial_armed) {
      return;
    }
    auto delay = backoff_delay(config_.backoff_min, config_.backoff_max, slot.failures, rng_);
    slot.redial_armed = true;
    slot.redial->expires_after(delay);
    slot.redial->async_wait([this, &slot](const error_code& ec) {
      if (ec) return;
      slot.redial_armed = false;
      dial(slot);
    });
    spdlog::debug("p2p redial scheduled peer={} delay_ms={} failures={}", slot.member.name,
                  delay.count(), slot.failures);
  }

  Slot* slot_for(const Connection& conn) {
    const std::string& name = conn.peer().empty() ? conn.expected_peer() : conn.peer();
    auto it = slots_.find(name);
    return it == slots_.end() ? nullptr : &it->second;
  }

  // Which of two established connections to the same peer both ends keep (see the top).
  bool prefer_new(const Connection& fresh, const Connection& current) const {
    const std::string& peer = fresh.peer();
    auto dialer = [&](const Connection& c) -> const std::string& {
      return c.outbound() ? config_.self_name : peer;
    };
    if (dialer(fresh) == dialer(current)) return true;
    return dialer(fresh) == std::min(config_.self_name, peer);
  }

  // The conversion is only accessible in here (private base), not inside make_shared.
  detail::ConnectionOwner& owner() {
    return *this;
  }

  // ConnectionOwner (I/O thread).
  const Member* member_for_key(ByteView spki_der) const override {
    auto it = by_key_.find(Bytes(spki_der.begin(), spki_der.end()));
    return it == by_key_.end() ? nullptr : &it->second;
  }

  void on_established(const std::shared_ptr<Connection>& conn) override {
    Slot* slot = slot_for(*conn);
    // A member removed while this connection was in its handshake has a slot but no membership.
    if (slot == nullptr || !slot->is_member) return conn->close("not a member");
    std::shared_ptr<Connection> loser;
    bool connected_now = false;
    {
      std::lock_guard lock(mu_);
      conn->set_stats(slot->stats);
      ++slot->established;
      if (!slot->active) {
        slot->active = conn;
        connected_now = true;
      } else if (prefer_new(*conn, *slot->active)) {
        loser = std::exchange(slot->active, conn);
      } else {
        loser = conn;
      }
      // Inside the lock: once it is not active, no send() may still reach it.
      if (loser) loser->stop_accepting();
    }
    slot->failures = 0;
    if (loser) {
      spdlog::info("p2p duplicate connection retired peer={} kept={} retired={}", conn->peer(),
                   slot->active->outbound() ? "outbound" : "inbound",
                   loser->outbound() ? "outbound" : "inbound");
      loser->retire();
    }
    if (connected_now) {
      spdlog::info("p2p peer connected peer={} direction={} remote={}", conn->peer(),
                   conn->outbound() ? "outbound" : "inbound", conn->remote());
      call_on_peer(conn->peer(), true);
    }
  }

  void on_frame(Connection& conn, Channel channel, SharedBytes payload) override {
    if (stopping_.load()) return;
    Slot* slot = slot_for(conn);
    if (slot != nullptr) slot->stats->frames_in.fetch_add(1, std::memory_order_relaxed);
#ifdef RL_FRAME_FAULT_TEST_BUILD
    if (frame_faults_) return frame_faults_->on_frame(conn.peer(), channel, std::move(payload));
#endif
    deliver(conn.peer(), channel, std::move(payload));
  }

  // I/O thread. Separate from on_frame only for the test-only frame faults, which call it later.
  void deliver(const std::string& peer, Channel channel, SharedBytes payload) {
    if (stopping_.load() || !on_frame_) return;
    try {
      on_frame_(peer, channel, std::move(payload));
    } catch (const std::exception& e) {
      spdlog::error("p2p frame handler threw peer={} channel={} what={}", peer,
                    static_cast<int>(channel), e.what());
    }
  }

  void on_closed(Connection& conn) override {
    auto it = conns_.find(&conn);
    if (it == conns_.end()) return;
    std::shared_ptr<Connection> keep = std::move(it->second);  // alive until we return
    conns_.erase(it);
    Slot* slot = slot_for(conn);
    if (slot == nullptr) return;
    bool disconnected = false;
    {
      std::lock_guard lock(mu_);
      if (conn.established()) --slot->established;
      if (slot->active.get() == &conn) {
        slot->active.reset();
        disconnected = true;
      }
    }
    if (slot->attempt.get() == &conn) {
      slot->attempt.reset();
      if (!conn.established()) ++slot->failures;
    }
    if (disconnected) {
      spdlog::info("p2p peer disconnected peer={}", slot->member.name);
      call_on_peer(slot->member.name, false);
    }
    schedule_dial(*slot);
  }

  void call_on_peer(const std::string& name, bool connected) {
    if (stopping_.load() || !on_peer_) return;
    try {
      on_peer_(name, connected);
    } catch (const std::exception& e) {
      spdlog::error("p2p peer handler threw peer={} what={}", name, e.what());
    }
  }

  const P2pConfig config_;
  const FrameHandler on_frame_;
  const PeerHandler on_peer_;
  detail::ConnectionSettings settings_;
  std::map<Bytes, Member> by_key_;               // I/O thread (and construction)
  std::shared_ptr<crypto::PeerKeySet> key_set_;  // shared with the TLS verify callback
  // Destroyed after everything that uses them (members are destroyed in reverse order): the
  // io_context must outlive sockets and timers, the SSL context the streams.
  net::ssl::context ssl_;
  net::io_context ioc_;
#ifdef RL_FRAME_FAULT_TEST_BUILD
  // Its timers must go before ioc_.
  std::unique_ptr<detail::FrameFaults> frame_faults_;
#endif
  tcp::acceptor acceptor_;
  net::steady_timer accept_retry_;
  net::executor_work_guard<net::io_context::executor_type> work_;
  // Every member but self, and former members (is_member false). Grows only on the I/O thread,
  // under mu_; other threads look slots up under mu_.
  std::map<std::string, Slot> slots_;
  std::unordered_map<Connection*, std::shared_ptr<Connection>> conns_;  // I/O thread
  std::mt19937_64 rng_;                                                 // I/O thread
  std::uint64_t refused_total_ = 0;                                     // I/O thread
  std::uint16_t port_ = 0;
  mutable std::mutex mu_;  // the slots' `active` and `established`
  std::atomic<bool> stopping_{false};
  std::mutex stop_mu_;
  bool stopped_ = false;  // guarded by stop_mu_
  std::thread io_thread_;
};

}  // namespace

const char* channel_name(Channel c) {
  switch (c) {
    case Channel::kHello:
      return "control";
    case Channel::kConsensus:
      return "consensus";
    case Channel::kTx:
      return "tx";
    case Channel::kSyncRequest:
      return "sync_request";
    case Channel::kSyncResponse:
      return "sync_response";
    case Channel::kStatus:
      return "status";
    case Channel::kBlockRequest:
      return "block_request";
    case Channel::kBlockResponse:
      return "block_response";
  }
  return "unknown";
}

Result<std::unique_ptr<P2pNetwork>> P2pNetwork::start(P2pConfig config, FrameHandler on_frame,
                                                      PeerHandler on_peer) {
  RL_TRY(validate(config));
  auto network =
      std::make_unique<Network>(std::move(config), std::move(on_frame), std::move(on_peer));
  RL_TRY(network->init());
  network->run();
  return std::unique_ptr<P2pNetwork>(std::move(network));
}

}  // namespace rl::p2p
