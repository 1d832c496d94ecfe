#include "node/http/detail/session.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <shared_mutex>

#include <spdlog/spdlog.h>
#include <boost/asio/dispatch.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "node/http/detail/message_conversion.hpp"
#include "node/http/json_error.hpp"

namespace rl::http::detail {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using beast::error_code;

namespace {

constexpr size_t kReadChunk = 16 * 1024;
// After an error response we keep reading (and discarding) what the client is still sending,
// so that closing does not turn into a TCP RST that destroys the response in flight.
constexpr size_t kMaxLingerBytes = 4 * 1024 * 1024;
constexpr std::chrono::milliseconds kMaxLinger{2'000};
// Buffers grown by a large body are given back once the connection is between requests.
constexpr size_t kShrinkAbove = 64 * 1024;

std::string endpoint_string(const net::ip::tcp::socket& socket) {
  error_code ec;
  auto ep = socket.remote_endpoint(ec);
  if (ec) return "unknown";
  return ep.address().to_string() + ":" + std::to_string(ep.port());
}

// The Responder's state: exactly-once delivery, a 500 if it is dropped, and no touching the
// connection once the server has closed the gate.
class PendingResponse {
 public:
  PendingResponse(std::weak_ptr<Session> session, std::shared_ptr<ResponderGate> gate, uint64_t seq)
      : session_(std::move(session)), gate_(std::move(gate)), seq_(seq) {}
  PendingResponse(const PendingResponse&) = delete;
  PendingResponse& operator=(const PendingResponse&) = delete;
  ~PendingResponse() {
    if (!done_.load(std::memory_order_relaxed)) {
      deliver(
          json_error(api::ApiError::kInternalError, "the request was dropped without a response"),
          /*dropped=*/true);
    }
  }

  void deliver(HttpResponse response, bool dropped = false) {
    if (done_.exchange(true, std::memory_order_acq_rel)) return;
    std::shared_lock lock(gate_->mu);
    if (!gate_->open) return;  // server stopped: nobody to answer, nothing to report
    if (dropped) spdlog::warn("http handler dropped a request without responding");
    if (auto session = session_.lock()) session->post_response(seq_, std::move(response));
  }

 private:
  std::weak_ptr<Session> session_;
  std::shared_ptr<ResponderGate> gate_;
  uint64_t seq_;
  std::atomic<bool> done_{false};
};

}  // namespace

Session::Session(SessionEnv& env, net::ip::tcp::socket socket)
    : env_(env),
      remote_(endpoint_string(socket)),
      stream_(beast::tcp_stream(std::move(socket)), env.ssl),
      buffer_(env.config.max_header_bytes + env.config.max_body_bytes + kReadChunk) {}

void Session::start() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    error_code ec;
    // Small request/response exchanges are latency-bound; Nagle + delayed ACK would cap a
    // keep-alive connection at a few dozen requests per second.
    beast::get_lowest_layer(self->stream_).socket().set_option(net::ip::tcp::no_delay(true), ec);
    beast::get_lowest_layer(self->stream_).expires_after(self->env_.config.handshake_timeout);
    self->stream_.async_handshake(net::ssl::stream_base::server,
                                  [self](error_code ec) { self->on_handshake(ec); });
  });
}

void Session::on_handshake(error_code ec) {
  if (ec) {
    spdlog::debug("http tls handshake failed remote={} reason={}", remote_, ec.message());
    return close();
  }
  read_next();
}

void Session::read_next() {
  if (closed_) return;
  if (buffer_.size() > 0) return read_request();  // a pipelined request is already here
  if (buffer_.capacity() > kShrinkAbove) buffer_.shrink_to_fit();
  // Idle wait: nothing is owed yet, so the (long) idle timeout applies until the first byte.
  beast::get_lowest_layer(stream_).expires_after(env_.config.idle_timeout);
  stream_.async_read_some(
      buffer_.prepare(kReadChunk),
      [self = shared_from_this()](error_code ec, size_t n) { self->on_first_bytes(ec, n); });
}

void Session::on_first_bytes(error_code ec, size_t n) {
  if (ec) {
    if (ec != net::ssl::error::stream_truncated && ec != net::error::eof &&
        ec != beast::error::timeout) {
      spdlog::debug("http read failed remote={} reason={}", remote_, ec.message());
    }
    return close();
  }
  buffer_.commit(n);
  read_request();
}

void Session::read_request() {
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(env_.config.max_header_bytes));
  parser_->body_limit(env_.config.max_body_bytes);
  // The whole request must arrive within read_timeout of its first byte (slowloris).
  beast::get_lowest_layer(stream_).expires_after(env_.config.read_timeout);
  bhttp::async_read(stream_, buffer_, *parser_,
                    [self = shared_from_this()](error_code ec, size_t) { self->on_read(ec); });
}

void Session::on_read(error_code ec) {
  if (!ec) return dispatch_request();
  if (ec == bhttp::error::body_limit) {
    return send_error(
        api_error(api::ApiError::kBodyTooLarge,
                  "request body exceeds " + std::to_string(env_.config.max_body_bytes) + " bytes"));
  }
  if (ec == bhttp::error::header_limit) {
    return send_error(api_error(
        api::ApiError::kHeaderTooLarge,
        "request header exceeds " + std::to_string(env_.config.max_header_bytes) + " bytes"));
  }
  if (ec == bhttp::error::buffer_overflow) {
    return send_error(
        api_error(api::ApiError::kRequestTooLarge, "request exceeds the connection buffer"));
  }
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
      ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
    return send_error(
        api_error(api::ApiError::kMalformedRequest, "malformed HTTP request: " + ec.message()));
  }
  spdlog::debug("http request read failed remote={} reason={}", remote_, ec.message());
  close();
}

void Session::dispatch_request() {
  BeastRequest req = parser_->release();
  parser_.reset();
  bool head = req.method() == bhttp::verb::head;
  keep_alive_ = req.keep_alive();
  auto converted = to_http_request(std::move(req), remote_);
  if (!converted.ok()) {
    return send_error(converted.error());
  }
  awaiting_response_ = true;
  ++seq_;
  head_request_ = head;
  auto pending = std::make_shared<PendingResponse>(weak_from_this(), env_.gate, seq_);
  Responder respond = [pending](HttpResponse response) { pending->deliver(std::move(response)); };
  try {
    env_.handler(std::move(converted).value(), std::move(respond));
  } catch (const std::exception& e) {
    spdlog::error("http handler threw remote={} what={}", remote_, e.what());
    pending->deliver(json_error(api::ApiError::kInternalError, "internal error"));
  } catch (...) {
    spdlog::error("http handler threw remote={} what=unknown", remote_);
    pending->deliver(json_error(api::ApiError::kInternalError, "internal error"));
  }
}

void Session::post_response(uint64_t seq, HttpResponse response) {
  // dispatch: the common case (responder called inside the handler, on this strand) runs
  // inline without a trip through the scheduler.
  net::dispatch(stream_.get_executor(),
                [self = shared_from_this(), seq, response = std::move(response)]() mutable {
                  self->on_response(seq, std::move(response));
                });
}

void Session::on_response(uint64_t seq, HttpResponse response) {
  if (closed_ || !awaiting_response_ || seq != seq_) return;
  awaiting_response_ = false;
  bool close_requested = to_beast_response(std::move(response), head_request_, res_);
  bool close_after = close_requested || !keep_alive_;
  res_.keep_alive(!close_after);
  write_response(close_after, /*linger=*/false);
}

void Session::send_error(const Error& error) {
  auto response = json_error(error);
  spdlog::debug("http rejecting request remote={} status={} code={}", remote_, response.status,
                error.code);
  parser_.reset();
  to_beast_response(std::move(response), /*head_request=*/false, res_);
  res_.keep_alive(false);
  write_response(/*close_after=*/true, /*linger=*/true);
}

void Session::write_response(bool close_after, bool linger) {
  beast::get_lowest_layer(stream_).expires_after(env_.config.write_timeout);
  bhttp::async_write(stream_, res_,
                     [self = shared_from_this(), close_after, linger](error_code ec, size_t) {
                       self->on_write(ec, close_after, linger);
                     });
}

void Session::on_write(error_code ec, bool close_after, bool linger) {
  if (ec) {
    spdlog::debug("http write failed remote={} reason={}", remote_, ec.message());
    return close();
  }
  res_ = {};
  if (!close_after) return read_next();
  if (linger) return linger_then_close();
  shutdown_then_close();
}

void Session::linger_then_close() {
  // Half-close first: a client that has read the response sees EOF and hangs up, which ends the
  // drain below at once. What it still sends is discarded at the TCP level (no decryption).
  error_code ec;
  auto& tcp_layer = beast::get_lowest_layer(stream_);
  tcp_layer.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
  buffer_.clear();
  lingered_bytes_ = 0;
  tcp_layer.expires_after(std::min(
      kMaxLinger, std::chrono::duration_cast<std::chrono::milliseconds>(env_.config.read_timeout)));
  tcp_layer.async_read_some(
      buffer_.prepare(kReadChunk),
      [self = shared_from_this()](error_code ec2, size_t n) { self->on_linger_read(ec2, n); });
}

void Session::on_linger_read(error_code ec, size_t n) {
  lingered_bytes_ += n;
  if (ec || lingered_bytes_ > kMaxLingerBytes) return close();
  beast::get_lowest_layer(stream_).async_read_some(
      buffer_.prepare(kReadChunk),
      [self = shared_from_this()](error_code ec2, size_t n2) { self->on_linger_read(ec2, n2); });
}

void Session::shutdown_then_close() {
  // close_notify tells the client the response is complete rather than truncated.
  beast::get_lowest_layer(stream_).expires_after(
      std::min(kMaxLinger,
               std::chrono::duration_cast<std::chrono::milliseconds>(env_.config.write_timeout)));
  stream_.async_shutdown([self = shared_from_this()](error_code) { self->close(); });
}

void Session::close() {
  if (closed_) return;
  closed_ = true;
  auto self = shared_from_this();  // the registry may hold the last reference
  error_code ec;
  beast::get_lowest_layer(stream_).socket().shutdown(net::ip::tcp::socket::shutdown_both, ec);
  beast::get_lowest_layer(stream_).close();
  env_.registry.remove(this);
}

void Session::close_now() {
  closed_ = true;
  beast::get_lowest_layer(stream_).close();
}

}  // namespace rl::http::detail
