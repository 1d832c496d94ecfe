#pragma once
// The node's local administration channel (docs/operations.md "Administration"): a Unix socket,
// HOME/admin.sock, mode 0600, so only the node's own user can reach it; no network exposure and
// no credentials to manage. A client sends one JSON request line, {"command": NAME, ...}; the
// node answers with JSON lines of progress, {"progress": "..."}, then one final line,
// {"ok": true, ...} or {"ok": false, "code": ..., "message": ...}. One command runs at a time.
//
// Thread ownership: the socket has one accept thread; each connection has a thread of its own,
// joined once it is done or by stop(), which also ends the reads of idle connections.

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "common/result.hpp"

namespace rl::node {

inline constexpr std::size_t kMaxAdminRequestBytes = 4096;
// Connections open at once; more are answered `busy` and closed.
inline constexpr std::size_t kMaxAdminConnections = 8;

// Runs one command. `progress` sends a progress line. The returned JSON object is merged into
// the final {"ok": true} line.
using AdminProgress = std::function<void(const std::string&)>;
using AdminHandler =
    std::function<Result<nlohmann::json>(const nlohmann::json& request, const AdminProgress&)>;

class AdminSocket {
 public:
  // Binds `path` (a stale socket file of a dead node is replaced; a live node's is not:
  // admin_socket_in_use). Codes: admin_socket_in_use, admin_socket_error.
  static Result<std::unique_ptr<AdminSocket>> start(const std::string& path,
                                                    std::map<std::string, AdminHandler> handlers);
  ~AdminSocket();
  AdminSocket(const AdminSocket&) = delete;
  AdminSocket& operator=(const AdminSocket&) = delete;
  void stop();

  struct Impl;
  explicit AdminSocket(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

// Client side: sends `request` to the node at `path` and calls `on_progress` for each progress
// line; returns the final line's object. Codes: node_not_running (nothing listens at `path`),
// admin_socket_error, and the command's own code when it fails.
Result<nlohmann::json> admin_call(const std::string& path, const nlohmann::json& request,
                                  const std::function<void(const std::string&)>& on_progress);

}  // namespace rl::node
