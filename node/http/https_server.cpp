#include "node/http/https_server.hpp"

#include <atomic>
#include <chrono>
#include <exception>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "common/thread_name.hpp"
#include "node/http/detail/session.hpp"
#include "node/http/detail/session_env.hpp"

namespace rl::http {
namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;

namespace {

// Accept failures such as EMFILE repeat immediately; back off instead of spinning a core.
constexpr std::chrono::milliseconds kAcceptRetryDelay{50};

Status validate(const HttpsServerConfig& c) {
  if (c.threads < 1 || c.threads > 256) {
    return make_error("http_invalid_config", "threads must be in [1, 256]");
  }
  if (c.max_connections == 0) {
    return make_error("http_invalid_config", "max_connections must be positive");
  }
  if (c.max_header_bytes < 256 || c.max_header_bytes > (64u << 20)) {
    return make_error("http_invalid_config", "max_header_bytes must be in [256, 64 MiB]");
  }
  if (c.max_body_bytes > (1u << 30)) {
    return make_error("http_invalid_config", "max_body_bytes must be at most 1 GiB");
  }
  using std::chrono::milliseconds;
  for (milliseconds t : {c.handshake_timeout, c.idle_timeout, c.read_timeout, c.write_timeout}) {
    if (t <= milliseconds::zero()) {
      return make_error("http_invalid_config", "timeouts must be positive");
    }
  }
  return {};
}

}  // namespace

struct HttpsServer::Impl {
  Impl(HttpsServerConfig config, Handler handler)
      : env(std::move(config), std::move(handler)),
        ioc(env.config.threads),
        acceptor(ioc),
        retry_timer(ioc) {}

  Status listen() {
    error_code ec;
    auto address = net::ip::make_address(env.config.bind_address, ec);
    if (ec) {
      return make_error("http_invalid_config",
                        "bind_address '" + env.config.bind_address + "' is not an IP address");
    }
    tcp::endpoint endpoint(address, env.config.port);
    auto fail = [&](const char* what) {
      return make_error("http_bind_failed", std::string(what) + " " + address.to_string() + ":" +
                                                std::to_string(env.config.port) + ": " +
                                                ec.message());
    };
    if (acceptor.open(endpoint.protocol(), ec)) return fail("cannot open socket for");
    if (acceptor.set_option(tcp::acceptor::reuse_address(true), ec)) {
      return fail("cannot set SO_REUSEADDR on");
    }
    if (acceptor.bind(endpoint, ec)) return fail("cannot bind");
    if (acceptor.listen(net::socket_base::max_listen_connections, ec)) {
      return fail("cannot listen on");
    }
    port = acceptor.local_endpoint(ec).port();
    if (ec) return fail("cannot read local endpoint of");
    return {};
  }

  void accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](error_code ec, tcp::socket socket) {
      on_accept(ec, std::move(socket));
    });
  }

  void on_accept(error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
    if (ec) {
      spdlog::warn("http accept failed reason={}", ec.message());
      retry_timer.expires_after(kAcceptRetryDelay);
      retry_timer.async_wait([this](error_code wait_ec) {
        if (!wait_ec) accept();
      });
      return;
    }
    auto session = std::make_shared<detail::Session>(env, std::move(socket));
    if (env.registry.add(session)) {
      session->start();
    } else {
      uint64_t n = rejected.fetch_add(1, std::memory_order_relaxed) + 1;
      // Logged sparsely: a flood of connections must not become a flood of log lines.
      if (n == 1 || n % 1000 == 0) {
        spdlog::warn("http connection refused reason=max_connections max={} refused_total={}",
                     env.config.max_connections, n);
      }
      session->close_now();
    }
    accept();
  }

  void run_thread() {
    for (;;) {
      try {
        ioc.run();
        return;
      } catch (const std::exception& e) {
        // Handlers are written not to throw; if one does, keep the remaining connections alive.
        spdlog::error("http io thread caught exception what={}", e.what());
      }
    }
  }

  void stop() {
    std::lock_guard lock(stop_mu);
    if (stopped) return;
    stopped = true;
    {
      // From here on Responders become no-ops, so nothing new is posted to the io_context.
      std::unique_lock gate_lock(env.gate->mu);
      env.gate->open = false;
    }
    ioc.stop();
    for (auto& t : threads) {
      if (t.joinable()) t.join();
    }
    threads.clear();
    // No io thread runs now: touching sockets from this thread is race-free.
    error_code ec;
    acceptor.close(ec);
    retry_timer.cancel();
    for (auto& [ptr, session] : env.registry.take_all()) session->close_now();
    spdlog::info("http stopped port={}", port);
  }

  detail::SessionEnv env;
  net::io_context ioc;
  tcp::acceptor acceptor;
  net::steady_timer retry_timer;
  std::vector<std::thread> threads;
  uint16_t port = 0;
  std::atomic<uint64_t> rejected{0};
  std::mutex stop_mu;
  bool stopped = false;  // guarded by stop_mu
};

Result<std::unique_ptr<HttpsServer>> HttpsServer::start(HttpsServerConfig config, Handler handler) {
  RL_TRY(validate(config));
  if (!handler) return make_error("http_invalid_config", "handler is empty");
  auto impl = std::make_unique<Impl>(std::move(config), std::move(handler));
  RL_TRY(crypto::configure_tls_server(impl->env.ssl, impl->env.config.identity,
                                      impl->env.config.client_ca_pem));
  RL_TRY(impl->listen());
  impl->accept();
  impl->threads.reserve(static_cast<size_t>(impl->env.config.threads));
  for (int i = 0; i < impl->env.config.threads; ++i) {
    impl->threads.emplace_back([raw = impl.get()] {
      name_this_thread("https");
      raw->run_thread();
    });
  }
  spdlog::info("http listening addr={} port={} threads={} mtls={}", impl->env.config.bind_address,
               impl->port, impl->env.config.threads, !impl->env.config.client_ca_pem.empty());
  return std::make_unique<HttpsServer>(Key{}, std::move(impl));
}

HttpsServer::HttpsServer(Key, std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpsServer::~HttpsServer() {
  stop();
}

uint16_t HttpsServer::port() const {
  return impl_->port;
}

size_t HttpsServer::connection_count() const {
  return impl_->env.registry.size();
}

void HttpsServer::stop() {
  impl_->stop();
}

}  // namespace rl::http
