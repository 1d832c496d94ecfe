#pragma once
// One TLS connection to a peer: connect (outbound) or accept, TLS handshake, Hello exchange,
// then frames in both directions until closed. Internal to rl_p2p.
//
// Everything except enqueue()/queued_bytes() runs on the network's single I/O thread, so
// connection state needs no lock; the send queue is the one piece shared with caller threads.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>

#include "common/bytes.hpp"
#include "node/p2p/frame.hpp"
#include "node/p2p/p2p_network.hpp"

namespace rl::p2p::detail {

class Connection;

// Counters that outlive individual connections (one set per peer).
struct PeerStats {
  std::atomic<std::uint64_t> frames_in{0};
  std::atomic<std::uint64_t> frames_out{0};
  std::atomic<std::uint64_t> dropped_out{0};
  // Frame bytes (header included) by channel; channel 0 (Hello, pings, Bye) counts what was
  // received and sent after the handshake.
  std::array<std::atomic<std::uint64_t>, kMaxChannel + 1> bytes_in{};
  std::array<std::atomic<std::uint64_t>, kMaxChannel + 1> bytes_out{};
};

// What a connection needs from the network that owns it. Called on the I/O thread only.
class ConnectionOwner {
 public:
  virtual ~ConnectionOwner() = default;
  // The member whose certificate key this is, or nullptr.
  virtual const Member* member_for_key(ByteView spki_der) const = 0;
  // Hello accepted. The owner makes the connection its peer's active one or retires it.
  virtual void on_established(const std::shared_ptr<Connection>& conn) = 0;
  // A data frame (never channel 0) from an established connection.
  virtual void on_frame(Connection& conn, Channel channel, SharedBytes payload) = 0;
  // Last call about this connection; it is closed and will not call the owner again.
  virtual void on_closed(Connection& conn) = 0;
};

struct ConnectionSettings {
  std::string chain_id;
  std::string self_name;
  std::size_t max_frame_bytes = 0;
  std::size_t max_queue_bytes = 0;
  std::chrono::milliseconds handshake_timeout{0};
  std::chrono::milliseconds idle_timeout{0};
};

enum class EnqueueResult { kQueued, kQueueFull, kNotAccepting };

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // Inbound: `socket` is freshly accepted. Outbound: an unopened socket; call start_outbound.
  Connection(ConnectionOwner& owner, const ConnectionSettings& settings,
             boost::asio::io_context& ioc, boost::asio::ssl::context& ssl,
             boost::asio::ip::tcp::socket socket, bool outbound, std::string expected_peer);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void start_inbound();
  void start_outbound(const std::string& host, std::uint16_t port);

  // Any thread. Queues a data frame unless the queue would exceed max_queue_bytes or the
  // connection is closing or retired. Never blocks on the network.
  EnqueueResult enqueue(Channel channel, SharedBytes payload);
  // Any thread (the owner calls it under its table lock): no more enqueue() succeeds.
  void stop_accepting();
  // I/O thread. This is a duplicate: finish writing what is queued, then send Bye; keep
  // delivering what the peer still sends until its Bye; close after both, or after
  // handshake_timeout.
  void retire();
  // I/O thread. Closes the socket now and tells the owner (once).
  void close(std::string_view reason);
  // Only while no I/O thread runs (network teardown): closes without calling the owner.
  void close_quietly();

  const std::string& peer() const { return peer_; }  // set once TLS identified the member
  const std::string& expected_peer() const { return expected_peer_; }
  const std::string& remote() const { return remote_; }
  bool outbound() const { return outbound_; }
  bool established() const { return established_; }
  bool closed() const { return closed_; }
  std::size_t queued_bytes() const;
  // What queued_bytes() holds, by channel.
  std::array<std::size_t, kMaxChannel + 1> queued_bytes_by_channel() const;
  void set_stats(std::shared_ptr<PeerStats> stats) { stats_ = std::move(stats); }

 private:
  using Stream = boost::asio::ssl::stream<boost::asio::ip::tcp::socket>;
  using Clock = std::chrono::steady_clock;

  struct OutFrame {
    Channel channel = Channel::kHello;
    FrameHeaderBytes header;
    SharedBytes payload;
    bool data = false;  // counted in frames_out (control frames are not)
    bool bye = false;
  };

  void on_connected(const boost::system::error_code& ec);
  void handshake();
  void on_handshake(const boost::system::error_code& ec);
  void refuse(std::string_view reason);
  void read_frame();
  void on_header(const boost::system::error_code& ec);
  void read_payload(Channel channel, std::shared_ptr<Bytes> payload, std::size_t offset);
  void on_payload(Channel channel, const std::shared_ptr<Bytes>& payload);
  void on_hello(ByteView payload);
  void on_control(ByteView payload);
  void enqueue_control(Bytes payload, bool bye = false);
  void push_locked(OutFrame frame);
  void write_next();
  void on_write(const boost::system::error_code& ec, std::size_t bytes);
  void arm_deadline(std::chrono::milliseconds after, std::string reason);
  void tick();
  void on_read_error(const boost::system::error_code& ec);

  ConnectionOwner& owner_;
  const ConnectionSettings& settings_;
  boost::asio::io_context& ioc_;
  std::string remote_;  // before stream_: read from the socket before it is moved in
  Stream stream_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::steady_timer deadline_;  // handshake+hello, then retire
  boost::asio::steady_timer tick_;      // keepalive and idle checks
  const bool outbound_;
  const std::string expected_peer_;  // outbound: the dial target's name
  std::string peer_;
  std::shared_ptr<PeerStats> stats_;

  // I/O thread only.
  bool closed_ = false;
  bool established_ = false;
  bool retiring_ = false;
  bool bye_sent_ = false;
  bool bye_received_ = false;
  std::uint64_t deadline_generation_ = 0;
  FrameHeaderBytes header_{};
  Clock::time_point last_received_{};
  Clock::time_point write_started_{};  // of the chunk in flight
  bool write_in_flight_ = false;
  std::size_t write_offset_ = 0;  // bytes of the front frame (header included) already written
  // Several small frames written together: how many of the queue's front frames batch_ holds
  // (0 while a single frame is written piecewise from its own buffers).
  std::size_t batch_frames_ = 0;
  Bytes batch_;

  // Shared with enqueue() callers.
  mutable std::mutex queue_mu_;
  std::deque<OutFrame> queue_;    // front is being written while write_in_flight_
  std::size_t queued_bytes_ = 0;  // headers + payloads of everything in queue_
  std::array<std::size_t, kMaxChannel + 1> queued_by_channel_{};  // queued_bytes_, by channel
  bool accepting_ = false;        // data frames allowed (established and not retired)
  bool write_scheduled_ = false;  // a write_next is posted or a write is in flight
};

}  // namespace rl::p2p::detail
