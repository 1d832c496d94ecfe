#include "node/p2p/connection.hpp"

#include <algorithm>
#include <array>
#include <utility>
#include <variant>

#include <spdlog/spdlog.h>
#include <boost/asio/buffer.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/write.hpp>

#include "crypto/tls.hpp"

namespace rl::p2p::detail {
namespace net = boost::asio;
using boost::system::error_code;
using tcp = net::ip::tcp;

namespace {

// Before Hello nobody has said who they are at the application level: the only acceptable frame
// is a Hello, so nothing bigger than the largest possible Hello is read.
constexpr std::size_t kMaxHelloPayload = 1 + 2 + 1 + kMaxHelloString + 1 + kMaxHelloString;
// Large frames are read and written in pieces of this size, so that the idle and write-stall
// checks measure progress (bytes moving) rather than whole frames: a 24 MiB frame on a slow link
// may take longer than idle_timeout and is still healthy.
constexpr std::size_t kIoChunk = 64 * 1024;

std::string endpoint_string(const tcp::socket& socket) {
  error_code ec;
  auto ep = socket.remote_endpoint(ec);
  if (ec) return "unknown";
  return ep.address().to_string() + ":" + std::to_string(ep.port());
}

const char* direction(bool outbound) {
  return outbound ? "outbound" : "inbound";
}

}  // namespace

Connection::Connection(ConnectionOwner& owner, const ConnectionSettings& settings,
                       net::io_context& ioc, net::ssl::context& ssl, tcp::socket socket,
                       bool outbound, std::string expected_peer)
    : owner_(owner),
      settings_(settings),
      ioc_(ioc),
      remote_(endpoint_string(socket)),
      stream_(std::move(socket), ssl),
      resolver_(ioc),
      deadline_(ioc),
      tick_(ioc),
      outbound_(outbound),
      expected_peer_(std::move(expected_peer)) {}

void Connection::start_inbound() {
  arm_deadline(settings_.handshake_timeout, "handshake timeout");
  handshake();
}

void Connection::start_outbound(const std::string& host, std::uint16_t port) {
  remote_ = host + ":" + std::to_string(port);
  // One deadline covers name resolution, TCP connect, TLS and Hello.
  arm_deadline(settings_.handshake_timeout, "handshake timeout");
  resolver_.async_resolve(
      host, std::to_string(port),
      [self = shared_from_this()](const error_code& ec, const tcp::resolver::results_type& eps) {
        if (self->closed_) return;
        if (ec) return self->close("cannot resolve: " + ec.message());
        net::async_connect(
            self->stream_.next_layer(), eps,
            [self](const error_code& cec, const tcp::endpoint&) { self->on_connected(cec); });
      });
}

void Connection::on_connected(const error_code& ec) {
  if (closed_) return;
  if (ec) return close("cannot connect: " + ec.message());
  remote_ = endpoint_string(stream_.next_layer());
  handshake();
}

void Connection::handshake() {
  error_code ec;
  // Consensus messages are small and latency-bound; Nagle would hold them back.
  stream_.next_layer().set_option(tcp::no_delay(true), ec);
  stream_.async_handshake(
      outbound_ ? net::ssl::stream_base::client : net::ssl::stream_base::server,
      [self = shared_from_this()](const error_code& hec) { self->on_handshake(hec); });
}

void Connection::on_handshake(const error_code& ec) {
  if (closed_) return;
  if (ec) {
    // Certificate problems (foreign CA, not a member, expired) end up here on whichever side
    // verified the other. In TLS 1.3 a client whose own certificate is refused only learns it on
    // its first read (see on_read_error).
    std::string verify = crypto::tls_verify_result(stream_.native_handle());
    return refuse(ec.message() + (verify == "ok" ? "" : " (" + verify + ")"));
  }
  auto key = crypto::tls_peer_spki_der(stream_.native_handle());
  if (!key.ok()) return refuse(key.error().to_string());
  const Member* member = owner_.member_for_key(*key);
  // The TLS verify callback admits members only, so a miss here would be a bug; refuse anyway.
  if (member == nullptr) return refuse("certificate key is not a member");
  if (member->name == settings_.self_name) return refuse("peer presents our own key");
  if (outbound_ && member->name != expected_peer_) {
    return refuse("dialed " + expected_peer_ + " but the certificate belongs to " + member->name);
  }
  peer_ = member->name;
  auto hello = encode_hello(Hello{kProtocolVersion, settings_.chain_id, settings_.self_name});
  if (!hello.ok()) return close(hello.error().to_string());  // validated at start(); defensive
  enqueue_control(std::move(hello).value());
  read_frame();
}

void Connection::refuse(std::string_view reason) {
  spdlog::warn("p2p handshake refused remote={} direction={} peer={} reason={}", remote_,
               direction(outbound_), peer_.empty() ? expected_peer_ : peer_, reason);
  close("handshake refused");
}

void Connection::read_frame() {
  net::async_read(
      stream_, net::buffer(header_),
      [self = shared_from_this()](const error_code& ec, std::size_t) { self->on_header(ec); });
}

void Connection::on_header(const error_code& ec) {
  if (closed_) return;
  if (ec) return on_read_error(ec);
  const std::size_t limit = established_ ? settings_.max_frame_bytes
                                         : std::min(settings_.max_frame_bytes, kMaxHelloPayload);
  // Checked before the payload buffer exists: a hostile length costs nothing.
  auto header = decode_frame_header(header_, limit);
  if (!header.ok()) {
    spdlog::warn("p2p protocol error remote={} peer={} reason={}", remote_, peer_,
                 header.error().to_string());
    return close("protocol error");
  }
  last_received_ = Clock::now();
  read_payload(header->channel, std::make_shared<Bytes>(header->payload_bytes), 0);
}

void Connection::read_payload(Channel channel, std::shared_ptr<Bytes> payload, std::size_t offset) {
  if (offset == payload->size()) return on_payload(channel, payload);
  const std::size_t n = std::min(kIoChunk, payload->size() - offset);
  auto target = net::buffer(payload->data() + offset, n);
  net::async_read(stream_, target,
                  [self = shared_from_this(), channel, payload = std::move(payload), offset](
                      const error_code& ec, std::size_t got) mutable {
                    if (self->closed_) return;
                    if (ec) return self->on_read_error(ec);
                    self->last_received_ = Clock::now();
                    self->read_payload(channel, std::move(payload), offset + got);
                  });
}

void Connection::on_payload(Channel channel, const std::shared_ptr<Bytes>& payload) {
  if (stats_) {
    stats_->bytes_in[static_cast<std::size_t>(channel)].fetch_add(
        kFrameHeaderBytes + payload->size(), std::memory_order_relaxed);
  }
  if (!established_) {
    if (channel != Channel::kHello) {
      spdlog::warn("p2p protocol error remote={} peer={} reason=data frame before hello", remote_,
                   peer_);
      return close("protocol error");
    }
    on_hello(*payload);
  } else if (channel == Channel::kHello) {
    on_control(*payload);
  } else if (bye_received_) {
    spdlog::warn("p2p protocol error remote={} peer={} reason=frame after bye", remote_, peer_);
    return close("protocol error");
  } else {
    owner_.on_frame(*this, channel, payload);
  }
  if (!closed_) read_frame();
}

void Connection::on_hello(ByteView payload) {
  auto message = decode_control(payload);
  const Hello* hello = message.ok() ? std::get_if<Hello>(&*message) : nullptr;
  if (hello == nullptr) {
    return refuse("first frame is not a hello" +
                  (message.ok() ? std::string() : ": " + message.error().to_string()));
  }
  if (hello->protocol_version != kProtocolVersion) {
    return refuse("protocol version " + std::to_string(hello->protocol_version) + " (we speak " +
                  std::to_string(kProtocolVersion) + ")");
  }
  if (hello->chain_id != settings_.chain_id) return refuse("chain id " + hello->chain_id);
  if (hello->name != peer_) {
    return refuse("hello name " + hello->name + " but the certificate belongs to " + peer_);
  }
  established_ = true;
  ++deadline_generation_;  // the handshake deadline no longer applies
  deadline_.cancel();
  {
    std::lock_guard lock(queue_mu_);
    accepting_ = true;
  }
  tick_.expires_after(settings_.idle_timeout / 3);
  tick_.async_wait([self = shared_from_this()](const error_code& ec) {
    if (!ec) self->tick();
  });
  owner_.on_established(shared_from_this());
}

void Connection::on_control(ByteView payload) {
  auto message = decode_control(payload);
  if (!message.ok() || std::holds_alternative<Hello>(*message)) {
    spdlog::warn("p2p protocol error remote={} peer={} reason={}", remote_, peer_,
                 message.ok() ? "second hello" : message.error().to_string());
    return close("protocol error");
  }
  if (std::holds_alternative<Bye>(*message)) {
    bye_received_ = true;
    // The peer retired this connection: nothing more will arrive. Stay until our side has
    // retired it too (the owner does, once the connection that replaces it is established;
    // the peer's retire deadline closes it otherwise) so that nothing we queued is lost.
    if (bye_sent_) close("retired");
  }
}

void Connection::on_read_error(const error_code& ec) {
  if (!established_) {
    // TLS 1.3: a dialer learns that the server refused its certificate only now, as an alert.
    spdlog::warn("p2p handshake refused remote={} direction={} peer={} reason={}", remote_,
                 direction(outbound_), peer_.empty() ? expected_peer_ : peer_, ec.message());
    return close("handshake refused");
  }
  const bool clean = ec == net::error::eof || ec == net::ssl::error::stream_truncated;
  close(clean ? "closed by peer" : "read failed: " + ec.message());
}

EnqueueResult Connection::enqueue(Channel channel, SharedBytes payload) {
  std::lock_guard lock(queue_mu_);
  if (!accepting_) return EnqueueResult::kNotAccepting;
  const std::size_t cost = kFrameHeaderBytes + payload->size();
  // Gossiped transactions are best effort (the node that admitted one proposes it anyway), so
  // they may fill only a sixteenth of the queue: under a flood of submissions, votes and
  // proposals never wait behind megabytes of transactions.
  const std::size_t limit =
      channel == Channel::kTx ? settings_.max_queue_bytes / 16 : settings_.max_queue_bytes;
  if (queued_bytes_ + cost > limit) return EnqueueResult::kQueueFull;
  push_locked(OutFrame{channel, encode_frame_header(channel, payload->size()), std::move(payload),
                       /*data=*/true, /*bye=*/false});
  return EnqueueResult::kQueued;
}

void Connection::stop_accepting() {
  std::lock_guard lock(queue_mu_);
  accepting_ = false;
}

std::size_t Connection::queued_bytes() const {
  std::lock_guard lock(queue_mu_);
  return queued_bytes_;
}

std::array<std::size_t, kMaxChannel + 1> Connection::queued_bytes_by_channel() const {
  std::lock_guard lock(queue_mu_);
  return queued_by_channel_;
}

void Connection::enqueue_control(Bytes payload, bool bye) {
  auto shared = std::make_shared<const Bytes>(std::move(payload));
  std::lock_guard lock(queue_mu_);
  // Control frames are a few bytes and at most one ping per tick: outside the queue bound.
  push_locked(OutFrame{Channel::kHello, encode_frame_header(Channel::kHello, shared->size()),
                       std::move(shared),
                       /*data=*/false, bye});
}

void Connection::push_locked(OutFrame frame) {
  queued_bytes_ += kFrameHeaderBytes + frame.payload->size();
  queued_by_channel_[static_cast<std::size_t>(frame.channel)] +=
      kFrameHeaderBytes + frame.payload->size();
  queue_.push_back(std::move(frame));
  if (write_scheduled_) return;
  write_scheduled_ = true;
  // enqueue() may run on any thread; the stream is only touched on the I/O thread.
  net::post(ioc_, [self = shared_from_this()] { self->write_next(); });
}

void Connection::write_next() {
  if (closed_) return;
  const OutFrame* front = nullptr;
  {
    std::lock_guard lock(queue_mu_);
    if (queue_.empty()) {
      write_scheduled_ = false;
      return;
    }
    // deque::push_back never moves existing elements, so `front` stays valid while other
    // threads append.
    front = &queue_.front();
    // A burst of small frames (gossiped txs, votes) goes out as one write: one TLS record and
    // one syscall per 16 KiB instead of two of each per frame.
    batch_frames_ = 0;
    if (write_offset_ == 0 && queue_.size() > 1) {
      batch_.clear();
      for (const auto& f : queue_) {
        const std::size_t total = kFrameHeaderBytes + f.payload->size();
        if (batch_.size() + total > kIoChunk) break;
        batch_.insert(batch_.end(), f.header.begin(), f.header.end());
        batch_.insert(batch_.end(), f.payload->begin(), f.payload->end());
        ++batch_frames_;
      }
      if (batch_frames_ < 2) batch_frames_ = 0;
    }
  }
  write_in_flight_ = true;
  write_started_ = Clock::now();
  auto done = [self = shared_from_this()](const error_code& ec, std::size_t bytes) {
    self->on_write(ec, bytes);
  };
  if (batch_frames_ > 0) return net::async_write(stream_, net::buffer(batch_), std::move(done));
  // The next piece of the front frame: the rest of the header (if any) and up to kIoChunk
  // payload bytes.
  std::array<net::const_buffer, 2> buffers;
  std::size_t payload_offset = 0;
  if (write_offset_ < kFrameHeaderBytes) {
    buffers[0] =
        net::buffer(front->header.data() + write_offset_, kFrameHeaderBytes - write_offset_);
  } else {
    payload_offset = write_offset_ - kFrameHeaderBytes;
  }
  const std::size_t payload_bytes = std::min(kIoChunk, front->payload->size() - payload_offset);
  buffers[1] = net::buffer(front->payload->data() + payload_offset, payload_bytes);
  net::async_write(stream_, buffers, std::move(done));
}

void Connection::on_write(const error_code& ec, std::size_t bytes) {
  write_in_flight_ = false;
  if (closed_) return;
  if (ec) return close("write failed: " + ec.message());
  std::size_t data_frames = 0;
  std::array<std::size_t, kMaxChannel + 1> sent{};  // bytes of the frames completed, by channel
  bool bye = false;
  {
    std::lock_guard lock(queue_mu_);
    auto pop_front = [&] {
      const OutFrame& front = queue_.front();
      const std::size_t size = kFrameHeaderBytes + front.payload->size();
      const auto ch = static_cast<std::size_t>(front.channel);
      queued_bytes_ -= size;
      queued_by_channel_[ch] -= size;
      sent[ch] += size;
      if (front.data) ++data_frames;
      bye = bye || front.bye;
      queue_.pop_front();
    };
    if (batch_frames_ > 0) {
      for (std::size_t i = 0; i < batch_frames_; ++i) pop_front();
      batch_frames_ = 0;
    } else {
      write_offset_ += bytes;
      // Otherwise more of this frame is to go; write_next continues where this write stopped.
      if (write_offset_ >= kFrameHeaderBytes + queue_.front().payload->size()) {
        pop_front();
        write_offset_ = 0;
      }
    }
  }
  if (data_frames > 0 && stats_) {
    stats_->frames_out.fetch_add(data_frames, std::memory_order_relaxed);
  }
  if (stats_) {
    for (std::size_t ch = 0; ch < sent.size(); ++ch) {
      if (sent[ch] > 0) stats_->bytes_out[ch].fetch_add(sent[ch], std::memory_order_relaxed);
    }
  }
  if (bye) {
    bye_sent_ = true;
    if (bye_received_) return close("retired");
  }
  write_next();
}

void Connection::retire() {
  if (closed_ || retiring_) return;
  retiring_ = true;
  stop_accepting();
  // Queued behind every data frame already accepted, so the peer receives all of them first.
  enqueue_control(encode_bye(), /*bye=*/true);
  arm_deadline(settings_.handshake_timeout, "retire timeout");
}

void Connection::arm_deadline(std::chrono::milliseconds after, std::string reason) {
  const std::uint64_t generation = ++deadline_generation_;
  deadline_.expires_after(after);
  deadline_.async_wait(
      [self = shared_from_this(), generation, reason = std::move(reason)](const error_code& ec) {
        // A cancelled or superseded deadline may still complete without an error code.
        if (ec || self->closed_ || generation != self->deadline_generation_) return;
        if (!self->established_) {
          spdlog::warn("p2p handshake refused remote={} direction={} peer={} reason={}",
                       self->remote_, direction(self->outbound_),
                       self->peer_.empty() ? self->expected_peer_ : self->peer_, reason);
        }
        self->close(reason);
      });
}

void Connection::tick() {
  if (closed_) return;
  const auto now = Clock::now();
  if (now - last_received_ > settings_.idle_timeout) return close("idle timeout");
  // A peer that keeps sending but stopped reading would otherwise pin a full queue forever.
  if (write_in_flight_ && now - write_started_ > settings_.idle_timeout) {
    return close("write stalled");
  }
  if (!retiring_ && !write_in_flight_ && queued_bytes() == 0) enqueue_control(encode_ping());
  tick_.expires_after(settings_.idle_timeout / 3);
  tick_.async_wait([self = shared_from_this()](const error_code& ec) {
    if (!ec) self->tick();
  });
}

void Connection::close(std::string_view reason) {
  if (closed_) return;
  close_quietly();
  if (established_) {
    spdlog::info("p2p connection closed peer={} remote={} direction={} reason={}", peer_, remote_,
                 direction(outbound_), reason);
  } else {
    spdlog::debug("p2p connection attempt ended remote={} direction={} reason={}", remote_,
                  direction(outbound_), reason);
  }
  owner_.on_closed(*this);
}

void Connection::close_quietly() {
  if (closed_) return;
  closed_ = true;
  stop_accepting();
  ++deadline_generation_;
  error_code ec;
  deadline_.cancel();
  tick_.cancel();
  resolver_.cancel();
  // No TLS close_notify: the peer treats any close the same way, and waiting for it would let a
  // stuck peer hold the connection open. Queued frames stay allocated until the in-flight write
  // (which may still reference the front one) has completed and released this object.
  stream_.next_layer().shutdown(tcp::socket::shutdown_both, ec);
  stream_.next_layer().close(ec);
}

}  // namespace rl::p2p::detail
