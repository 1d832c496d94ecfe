#include "tests/client/cli_runner.hpp"

#include <sys/wait.h>

#include <cstdlib>
#include <iostream>

#include "common/file_io.hpp"
#include "tests/support/shell_quote.hpp"

namespace rl::testing {

CliRun run_regledger(const std::filesystem::path& scratch_dir, const std::vector<std::string>& env,
                     const std::vector<std::string>& args) {
  auto out = scratch_dir / "cli.out";
  auto err = scratch_dir / "cli.err";
  std::string cmd =
      "env -u REGLEDGER_NODE -u REGLEDGER_CA -u REGLEDGER_GENESIS -u REGLEDGER_IDENTITY "
      "-u REGLEDGER_PASSWORD_FILE";
  for (const auto& e : env) cmd.append(" ").append(shell_quote(e));
  cmd.append(" ").append(shell_quote(std::string(RL_BINARY_DIR) + "/client/regledger"));
  for (const auto& a : args) cmd.append(" ").append(shell_quote(a));
  cmd.append(" >")
      .append(shell_quote(out.string()))
      .append(" 2>")
      .append(shell_quote(err.string()));
  int status = std::system(cmd.c_str());
  CliRun r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(out.string()).ok() ? *read_file(out.string()) : "";
  r.err = read_file(err.string()).ok() ? *read_file(err.string()) : "";
  std::cout << "$ regledger";
  for (const auto& a : args) std::cout << " " << a;
  std::cout << "\n  exit " << r.exit_code << "\n  stdout: " << r.out << "  stderr: " << r.err;
  return r;
}

std::vector<std::string> node_args(const Cluster& cluster, const std::string& ca) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < cluster.size(); ++i) {
    out.push_back("--node");
    out.push_back("https://127.0.0.1:" + std::to_string(cluster.target(i).port));
  }
  out.push_back("--ca");
  out.push_back(ca);
  return out;
}

}  // namespace rl::testing
