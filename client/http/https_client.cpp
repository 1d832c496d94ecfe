#include "client/http/https_client.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <variant>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "client/http/https_url.hpp"

namespace rl::http {
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using beast::error_code;
using Clock = std::chrono::steady_clock;

namespace {

constexpr uint32_t kMaxResponseHeaderBytes = 64 * 1024;
constexpr size_t kMaxTargetBytes = 8 * 1024;

bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) ||
           std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
  });
}

bool is_clean_value(std::string_view s) {
  return std::none_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x20 && c != '\t'; });
}

bool is_valid_target(std::string_view t) {
  return !t.empty() && t.front() == '/' && t.size() <= kMaxTargetBytes &&
         std::all_of(t.begin(), t.end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; });
}

boost::beast::string_view bsv(std::string_view s) {
  return {s.data(), s.size()};
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// A dropped keep-alive connection shows up as one of these on the first read or write.
bool is_connection_drop(const error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe ||
         ec == net::error::connection_aborted || ec == ssl::error::stream_truncated;
}

}  // namespace

struct HttpsClient::Impl {
  explicit Impl(HttpsClientConfig cfg)
      : config(std::move(cfg)), ssl_ctx(ssl::context::tls_client), resolver(ioc) {
    config_status = crypto::configure_tls_client(ssl_ctx, config.ca_pem,
                                                 config.identity ? &*config.identity : nullptr);
    if (config_status.ok() && (config.host.empty() || config.port == 0)) {
      config_status = make_error("invalid_argument", "host and port are required");
    }
    authority = HttpsUrl{config.host, config.port}.authority();
  }

  // Runs the io_context until `done`; each operation carries its own deadline (tcp_stream
  // timeouts), so this always terminates.
  void run_until(const bool& done) {
    ioc.restart();
    while (!done) {
      if (ioc.run_one() == 0) break;
    }
  }

  Status connect(Clock::time_point deadline) {
    error_code ec;
    tcp::resolver::results_type endpoints;
    {
      // Numeric hosts resolve without touching DNS; a DNS name may block in getaddrinfo.
      endpoints = resolver.resolve(config.host, std::to_string(config.port), ec);
    }
    if (ec) {
      return make_error("connect_failed", "cannot resolve " + config.host + ": " + ec.message());
    }
    stream.emplace(ioc, ssl_ctx);
    auto& tcp_layer = beast::get_lowest_layer(*stream);
    tcp_layer.expires_at(deadline);
    bool done = false;
    tcp_layer.async_connect(endpoints, [&](error_code e, const tcp::endpoint&) {
      ec = e;
      done = true;
    });
    run_until(done);
    if (ec) {
      disconnect();
      if (ec == beast::error::timeout) {
        return make_error("timeout", "connecting to " + authority + " timed out");
      }
      return make_error("connect_failed", "cannot connect to " + authority + ": " + ec.message());
    }
    tcp_layer.socket().set_option(tcp::no_delay(true), ec);

    // Remember which check failed so the error says "untrusted" or "wrong host", not just
    // "certificate verify failed".
    chain_failed = false;
    host_failed = false;
    stream->set_verify_callback([this, verify = ssl::host_name_verification(config.host)](
                                    bool preverified, ssl::verify_context& vctx) {
      if (!preverified) {
        chain_failed = true;
        return false;
      }
      bool ok = verify(preverified, vctx);
      if (!ok) host_failed = true;
      return ok;
    });
    done = false;
    stream->async_handshake(ssl::stream_base::client, [&](error_code e) {
      ec = e;
      done = true;
    });
    run_until(done);
    if (ec) {
      disconnect();
      if (ec == beast::error::timeout) {
        return make_error("timeout", "TLS handshake with " + authority + " timed out");
      }
      std::string why = ec.message();
      if (chain_failed)
        why = "server certificate is not trusted by the configured CA (" + why + ")";
      if (host_failed) {
        why = "server certificate does not match host " + config.host + " (" + why + ")";
      }
      return make_error("tls_handshake_failed", "TLS handshake with " + authority + ": " + why);
    }
    fresh = true;
    return {};
  }

  struct ExchangeError {
    Error error;
    bool retryable;  // nothing of the response arrived and the connection looks dropped
  };

  std::variant<HttpResponse, ExchangeError> exchange(bhttp::request<bhttp::string_body>& req,
                                                     Clock::time_point deadline) {
    auto& tcp_layer = beast::get_lowest_layer(*stream);
    tcp_layer.expires_at(deadline);
    error_code ec;
    bool done = false;
    bhttp::async_write(*stream, req, [&](error_code e, size_t) {
      ec = e;
      done = true;
    });
    run_until(done);
    if (ec) return fail("sending request", ec, is_connection_drop(ec));

    bhttp::response_parser<bhttp::string_body> parser;
    parser.header_limit(kMaxResponseHeaderBytes);
    parser.body_limit(config.max_response_body_bytes);
    if (req.method() == bhttp::verb::head) parser.skip(true);
    done = false;
    bhttp::async_read(*stream, buffer, parser, [&](error_code e, size_t) {
      ec = e;
      done = true;
    });
    run_until(done);
    if (ec) return fail("reading response", ec, is_connection_drop(ec) && !parser.got_some());

    auto res = parser.release();
    HttpResponse out;
    out.status = static_cast<int>(res.result_int());
    for (const auto& field : res) {
      out.headers.emplace_back(lower({field.name_string().data(), field.name_string().size()}),
                               std::string(field.value().data(), field.value().size()));
    }
    auto ct = res.find(bhttp::field::content_type);
    out.content_type =
        ct == res.end() ? std::string() : std::string(ct->value().data(), ct->value().size());
    bool keep = res.keep_alive();
    out.body = std::move(res.body());
    fresh = false;
    if (!keep) disconnect();
    return out;
  }

  ExchangeError fail(const char* what, const error_code& ec, bool retryable) {
    if (ec == beast::error::timeout) {
      return {make_error("timeout", std::string(what) + " to " + authority + " timed out"), false};
    }
    // In TLS 1.3 the server checks our certificate after our side of the handshake has already
    // completed, so its rejection arrives as an alert on the first read.
    if (fresh && ec.category() == net::error::get_ssl_category()) {
      return {make_error("tls_handshake_failed",
                         "server " + authority + " rejected the TLS session: " + ec.message()),
              false};
    }
    return {make_error("http_error", std::string(what) + " (" + authority + "): " + ec.message()),
            retryable};
  }

  void disconnect() {
    if (stream) {
      error_code ec;
      beast::get_lowest_layer(*stream).socket().shutdown(tcp::socket::shutdown_both, ec);
      beast::get_lowest_layer(*stream).close();
    }
    stream.reset();
    buffer.clear();
  }

  HttpsClientConfig config;
  std::string authority;
  net::io_context ioc{1};
  ssl::context ssl_ctx;
  Status config_status;
  tcp::resolver resolver;
  std::optional<beast::ssl_stream<beast::tcp_stream>> stream;
  beast::flat_buffer buffer;
  bool chain_failed = false;  // set by the verify callback during the last handshake
  bool host_failed = false;
  bool fresh = false;  // connected, no response received on it yet
};

HttpsClient::HttpsClient(HttpsClientConfig config)
    : impl_(std::make_unique<Impl>(std::move(config))) {}
HttpsClient::~HttpsClient() {
  if (impl_) impl_->disconnect();
}
HttpsClient::HttpsClient(HttpsClient&&) noexcept = default;
HttpsClient& HttpsClient::operator=(HttpsClient&&) noexcept = default;

bool HttpsClient::connected() const {
  return impl_->stream.has_value();
}

void HttpsClient::close() {
  impl_->disconnect();
}

Result<HttpResponse> HttpsClient::request(std::string_view method, std::string_view target,
                                          std::string_view body, const HeaderList& headers) {
  Impl& im = *impl_;
  if (!im.config_status.ok()) return im.config_status.error();
  if (!is_token(method)) return make_error("invalid_argument", "invalid HTTP method");
  if (!is_valid_target(target)) {
    return make_error("invalid_argument", "target must be an absolute path without spaces");
  }
  bhttp::request<bhttp::string_body> req;
  req.version(11);
  bhttp::verb verb = bhttp::string_to_verb(bsv(method));
  if (verb == bhttp::verb::unknown) {
    req.method_string(bsv(method));
  } else {
    req.method(verb);
  }
  req.target(bsv(target));
  req.set(bhttp::field::host, im.authority);
  req.set(bhttp::field::user_agent, "regledger-client");
  bool has_content_type = false;
  bool has_connection = false;
  for (const auto& [name, value] : headers) {
    if (!is_token(name) || !is_clean_value(value)) {
      return make_error("invalid_argument", "invalid header '" + name.substr(0, 64) + "'");
    }
    if (iequals(name, "content-length") || iequals(name, "transfer-encoding")) {
      continue;  // framing is ours
    }
    has_content_type = has_content_type || iequals(name, "content-type");
    has_connection = has_connection || iequals(name, "connection");
    req.set(name, value);
  }
  if (!body.empty() && !has_content_type) req.set(bhttp::field::content_type, "application/json");
  req.body() = std::string(body);
  if (!has_connection) req.keep_alive(true);
  req.prepare_payload();

  auto deadline = Clock::now() + std::chrono::milliseconds(std::max(1, im.config.timeout_ms));
  for (int attempt = 0;; ++attempt) {
    bool reused = im.stream.has_value();
    if (!reused) RL_TRY(im.connect(deadline));
    auto result = im.exchange(req, deadline);
    if (auto* res = std::get_if<HttpResponse>(&result)) return std::move(*res);
    auto& failure = std::get<Impl::ExchangeError>(result);
    im.disconnect();
    // Only a stale keep-alive connection is worth one more try; a fresh one failing is real.
    if (reused && failure.retryable && attempt == 0) continue;
    return std::move(failure.error);
  }
}

}  // namespace rl::http
