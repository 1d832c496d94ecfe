// Command line of a standalone smoke-fuzz executable (fuzz/standalone/main.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rl::fuzz_smoke {

constexpr const char* kUsage =
    "usage: NAME [--seconds S] [--runs N] [--seed X] [--dict FILE] [--max-len BYTES]\n"
    "            [--timeout S] [--artifact-dir DIR] [PATH...]\n"
    "Runs the seed inputs (those LLVMFuzzerInitialize writes, and the files of each DIR given as\n"
    "PATH), then mutants of them until S seconds (default 3) or N executions, whichever comes\n"
    "first. The PRNG seed X is drawn fresh unless given. Files given as PATH are run once each\n"
    "and nothing else (replay). Not coverage-guided: a smoke pass; `make fuzz` is the fuzzer.\n";

struct Options {
  std::string program;  // absolute path of this executable
  std::string name;     // its file name: the fuzz target
  std::optional<double> seconds;
  std::optional<std::uint64_t> runs;
  std::optional<std::uint64_t> seed;
  std::optional<std::string> dict;  // absolute
  std::size_t max_len = 65536;      // as scripts/fuzz.sh gives libFuzzer
  unsigned timeout_seconds = 25;    // per input; far above any decoder, far below ctest's limit
  std::string artifact_dir = ".";
  std::vector<std::string> seed_dirs;    // absolute
  std::vector<std::string> input_files;  // absolute; replay mode when not empty
};

struct ParsedOptions {
  Options options;
  std::string error;  // empty when the command line was valid
};

ParsedOptions parse_options(int argc, char** argv);

// The command that runs this pass again with `seed`, bounded by the caller's --runs: the same
// dictionary, seed directories and limits, but no --seconds (a replay must not depend on speed).
std::string replay_pass_command(const Options& o, std::uint64_t seed);

// The command that runs one saved input.
std::string replay_input_command(const Options& o, const std::string& input_path);

}  // namespace rl::fuzz_smoke
