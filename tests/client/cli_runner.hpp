#pragma once
// Runs the real `regledger` binary for the CLI tests: none of the caller's REGLEDGER_* settings
// leak in, `env` assignments (NAME=value) are added, stdout and stderr are captured, and the
// command and its outcome are echoed so that a failing test shows what it ran.

#include <filesystem>
#include <string>
#include <vector>

namespace rl::testing {

struct CliRun {
  int exit_code = -1;
  std::string out, err;
};

CliRun run_regledger(const std::filesystem::path& scratch_dir, const std::vector<std::string>& env,
                     const std::vector<std::string>& args);

inline bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

}  // namespace rl::testing
