#pragma once
// A real PostgreSQL 15 for tests (Debian's postgresql-15): initdb in a temporary directory,
// the server on a free loopback port with its unix socket inside that directory too, stopped
// and removed at the end. The binaries are Debian's by their full path, never whatever
// `initdb` the PATH finds first. As root (CI), the server runs as the `postgres` user the
// package creates, because PostgreSQL refuses to run as root.

#include <filesystem>
#include <string>

namespace rl::testing {

class PostgresServer {
 public:
  // Empty when the server can run here; otherwise why not (binaries or user missing), for
  // GTEST_SKIP.
  static std::string unavailable_reason();

  // Throws std::runtime_error (with the server log) when initdb or the start fails.
  explicit PostgresServer(const std::string& name);
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // Creates an empty database and returns its libpq connection URL (127.0.0.1 only).
  std::string create_database(const std::string& name) const;
  std::string url(const std::string& database) const;
  int port() const { return port_; }
  std::string log_tail(std::size_t bytes = 3000) const;

 private:
  // The command line prefix that runs a PostgreSQL binary as the server's user.
  std::string as_server_user(const std::string& binary) const;

  std::filesystem::path dir_;
  int port_ = 0;
  bool started_ = false;
};

}  // namespace rl::testing
