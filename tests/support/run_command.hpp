#pragma once
// Runs a shell command for a test (openssl, softhsm2-util, regledgerd subcommands); returns its
// exit status (-1 when it did not exit normally) and its combined stdout and stderr.

#include <sys/wait.h>

#include <cstdio>
#include <string>
#include <utility>

namespace rl::testing {

inline std::pair<int, std::string> run_command(const std::string& command) {
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  std::string out;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace rl::testing
