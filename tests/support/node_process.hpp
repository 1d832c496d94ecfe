#pragma once
// A real regledgerd process for cluster tests: spawned with posix_spawn, output to a log file,
// stopped with SIGTERM or killed with SIGKILL.

#include <sys/types.h>

#include <string>
#include <vector>

namespace rl::testing {

class NodeProcess {
 public:
  // `env`: "KEY=VALUE" entries the node gets on top of (and instead of the same keys in) the
  // test's own environment.
  NodeProcess(std::string binary, std::string home, std::string log_path, int api_port,
              std::vector<std::string> env = {});
  ~NodeProcess();
  NodeProcess(const NodeProcess&) = delete;
  NodeProcess& operator=(const NodeProcess&) = delete;

  // From the next start on: run `binary`, with `env` ("NAME=value") over the test's environment.
  void set_program(std::string binary, std::vector<std::string> env);
  void start();
  void kill9();
  // SIGTERM and wait; returns the exit status (or -1 if it had to be killed).
  int stop();
  bool running() const { return pid_ > 0; }
  int api_port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string log_tail(std::size_t bytes = 4000) const;

 private:
  std::string binary_;
  std::string home_;
  std::string log_;
  std::vector<std::string> env_;
  int port_;
  pid_t pid_ = -1;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
int free_loopback_port();

}  // namespace rl::testing
