#include "tests/support/postgres_server.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "tests/support/node_process.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/shell_quote.hpp"

namespace rl::testing {
namespace {

namespace fs = std::filesystem;

const std::string kBin = "/usr/lib/postgresql/15/bin/";
constexpr const char* kServerUser = "postgres";

bool running_as_root() {
  return ::geteuid() == 0;
}

}  // namespace

std::string PostgresServer::unavailable_reason() {
  for (const char* b : {"initdb", "pg_ctl", "postgres", "createdb"}) {
    if (::access((kBin + b).c_str(), X_OK) != 0) {
      return kBin + b + " is missing: install Debian's postgresql-15 (scripts/install-deps.sh)";
    }
  }
  if (running_as_root() && ::getpwnam(kServerUser) == nullptr) {
    return "running as root and there is no 'postgres' user to run the server as";
  }
  return {};
}

std::string PostgresServer::as_server_user(const std::string& binary) const {
  const std::string path = shell_quote(kBin + binary);
  return running_as_root() ? "runuser -u " + std::string(kServerUser) + " -- " + path : path;
}

PostgresServer::PostgresServer(const std::string& name) {
  std::random_device rd;
  dir_ = fs::temp_directory_path() / ("regledger-pg-" + name + "-" + std::to_string(rd()));
  fs::create_directories(dir_ / "sock");
  if (running_as_root()) {
    const passwd* pw = ::getpwnam(kServerUser);
    if (pw == nullptr) throw std::runtime_error("no postgres user");
    for (const auto& p : {dir_, dir_ / "sock"}) {
      if (::chown(p.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
        throw std::runtime_error("chown " + p.string() + " failed");
      }
    }
  }
  const auto data = (dir_ / "data").string();
  auto [init_rc, init_out] = run_command(as_server_user("initdb") + " -D " + shell_quote(data) +
                                         " -U postgres -A trust -E UTF8 --no-locale --no-sync");
  if (init_rc != 0) throw std::runtime_error("initdb failed:\n" + init_out);
  port_ = free_loopback_port();
  // fsync off: a test server's durability is not under test; the indexer's transactions are.
  const std::string opts = "-p " + std::to_string(port_) + " -k " + (dir_ / "sock").string() +
                           " -c listen_addresses=127.0.0.1 -c fsync=off";
  auto [rc, out] = run_command(as_server_user("pg_ctl") + " -D " + shell_quote(data) + " -l " +
                               shell_quote((dir_ / "postgres.log").string()) + " -w -t 60 -o " +
                               shell_quote(opts) + " start");
  if (rc != 0) throw std::runtime_error("pg_ctl start failed:\n" + out + "\n" + log_tail());
  started_ = true;
}

PostgresServer::~PostgresServer() {
  if (started_) {
    (void)run_command(as_server_user("pg_ctl") + " -D " + shell_quote((dir_ / "data").string()) +
                      " -m fast -w -t 60 stop");
  }
  std::error_code ec;
  if (!std::getenv("RL_KEEP_CLUSTER")) fs::remove_all(dir_, ec);
}

std::string PostgresServer::create_database(const std::string& name) const {
  auto [rc, out] = run_command(shell_quote(kBin + "createdb") + " -h 127.0.0.1 -p " +
                               std::to_string(port_) + " -U postgres " + shell_quote(name));
  if (rc != 0) throw std::runtime_error("createdb " + name + " failed: " + out);
  return url(name);
}

std::string PostgresServer::url(const std::string& database) const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

std::string PostgresServer::log_tail(std::size_t bytes) const {
  std::ifstream in(dir_ / "postgres.log");
  std::stringstream ss;
  ss << in.rdbuf();
  auto s = ss.str();
  return s.size() > bytes ? s.substr(s.size() - bytes) : s;
}

}  // namespace rl::testing
