#pragma once
// What every connection shares with the server that owns it. Internal to rl_http_server.

#include <atomic>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include <boost/asio/ssl/context.hpp>

#include "node/http/https_server.hpp"

namespace rl::http::detail {

class Session;

// Responders may be called from any thread at any time, even after the server is gone. They hold
// this gate and only touch a connection (post to its strand) while it is open; the server closes
// it before tearing down the io_context, so nothing is ever posted to a dead executor.
struct ResponderGate {
  std::shared_mutex mu;
  bool open = true;  // guarded by mu
};

// Owns the live connections: a connection stays alive while it is registered even if no I/O is
// pending (e.g. while a handler holds its Responder), and stop() can find and close all of them.
class SessionRegistry {
 public:
  explicit SessionRegistry(size_t max_sessions) : max_(max_sessions) {}

  // False when full.
  bool add(const std::shared_ptr<Session>& s) {
    std::lock_guard lock(mu_);
    if (sessions_.size() >= max_) return false;
    sessions_.emplace(s.get(), s);
    return true;
  }
  void remove(Session* s) {
    std::shared_ptr<Session> doomed;  // destroyed outside the lock
    std::lock_guard lock(mu_);
    auto it = sessions_.find(s);
    if (it == sessions_.end()) return;
    doomed = std::move(it->second);
    sessions_.erase(it);
  }
  size_t size() const {
    std::lock_guard lock(mu_);
    return sessions_.size();
  }
  std::unordered_map<Session*, std::shared_ptr<Session>> take_all() {
    std::lock_guard lock(mu_);
    return std::exchange(sessions_, {});
  }

 private:
  const size_t max_;
  mutable std::mutex mu_;
  std::unordered_map<Session*, std::shared_ptr<Session>> sessions_;
};

struct SessionEnv {
  SessionEnv(HttpsServerConfig cfg, Handler h)
      : config(std::move(cfg)),
        handler(std::move(h)),
        ssl(boost::asio::ssl::context::tls_server),
        gate(std::make_shared<ResponderGate>()),
        registry(config.max_connections) {}

  const HttpsServerConfig config;
  const Handler handler;
  boost::asio::ssl::context ssl;
  const std::shared_ptr<ResponderGate> gate;
  SessionRegistry registry;
};

}  // namespace rl::http::detail
