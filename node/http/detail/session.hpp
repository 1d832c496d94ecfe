#pragma once
// One TLS connection: handshake, then read request -> handler -> write response, repeated while
// keep-alive holds. All state is touched only on the connection's strand. Internal.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "api/http_types.hpp"
#include "common/result.hpp"
#include "node/http/detail/session_env.hpp"

namespace rl::http::detail {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(SessionEnv& env, boost::asio::ip::tcp::socket socket);

  void start();
  // Called from any thread, through a Responder.
  void post_response(uint64_t seq, HttpResponse response);
  // Only when no io thread is running (server teardown).
  void close_now();

 private:
  using Stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;
  using Parser = boost::beast::http::request_parser<boost::beast::http::string_body>;

  void on_handshake(boost::beast::error_code ec);
  void read_next();
  void on_first_bytes(boost::beast::error_code ec, size_t n);
  void read_request();
  void on_read(boost::beast::error_code ec);
  void dispatch_request();
  void on_response(uint64_t seq, HttpResponse response);
  // Answers with the error and closes: its status is the code's (api/error_codes.hpp).
  void send_error(const Error& error);
  void write_response(bool close_after, bool linger);
  void on_write(boost::beast::error_code ec, bool close_after, bool linger);
  void linger_then_close();
  void on_linger_read(boost::beast::error_code ec, size_t n);
  void shutdown_then_close();
  void close();

  SessionEnv& env_;
  std::string remote_;  // before stream_: computed from the socket before it is moved in
  Stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<Parser> parser_;
  boost::beast::http::response<boost::beast::http::string_body> res_;
  uint64_t seq_ = 0;  // id of the request whose response we await
  bool awaiting_response_ = false;
  bool keep_alive_ = false;
  bool head_request_ = false;
  bool closed_ = false;
  size_t lingered_bytes_ = 0;
};

}  // namespace rl::http::detail
