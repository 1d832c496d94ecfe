#pragma once
// Runs the real `regledger` binary for the CLI tests: none of the caller's REGLEDGER_* settings
// leak in, `env` assignments (NAME=value) are added, stdout and stderr are captured, and the
// command and its outcome are echoed so that a failing test shows what it ran.

#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/cluster.hpp"

namespace rl::testing {

struct CliRun {
  int exit_code = -1;
  std::string out, err;
};

CliRun run_regledger(const std::filesystem::path& scratch_dir, const std::vector<std::string>& env,
                     const std::vector<std::string>& args);

// The arguments that point the CLI at every node of `cluster`, verifying TLS with `ca`.
std::vector<std::string> node_args(const Cluster& cluster, const std::string& ca);

inline bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

}  // namespace rl::testing
