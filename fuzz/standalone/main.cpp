// The standalone driver: links with a libFuzzer target's source (fuzz/NAME.cpp) into a plain
// executable that gcc builds, so that `make test`'s ASan/UBSan tree runs every target briefly
// (ctest label fuzz-smoke) without the clang build of `make fuzz`. It runs the target's seed
// inputs, then blind mutants of them for a bounded time or count; any crash or sanitizer report
// fails the process and leaves the input in a file (crash_guard.hpp). See docs/fuzzing.md.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "fuzz/standalone/crash_guard.hpp"
#include "fuzz/standalone/dictionary.hpp"
#include "fuzz/standalone/mutator.hpp"
#include "fuzz/standalone/options.hpp"

// The target's entry points; LLVMFuzzerInitialize is optional, hence weak.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) __attribute__((weak));

namespace {

namespace fs = std::filesystem;
using rl::fuzz_smoke::Input;
using rl::fuzz_smoke::Options;

// The corpus directory handed to LLVMFuzzerInitialize, which writes the target's seeds into it.
struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& name) {
    std::random_device rd;
    path = fs::temp_directory_path() / ("rl-fuzz-smoke-" + name + "-" + std::to_string(rd()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

Input read_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return Input(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

// Files of a directory, in name order so that a replay sees the seeds in the same order.
std::vector<Input> read_dir(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file()) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<Input> out;
  for (const auto& f : files) out.push_back(read_file(f));
  return out;
}

// Runs one input from a buffer of exactly its size, so that ASan sees a read one past the end.
std::uint64_t g_execs = 0;
void run(const Input& in) {
  const auto buf = std::make_unique<std::uint8_t[]>(in.size());
  std::copy(in.begin(), in.end(), buf.get());
  rl::fuzz_smoke::set_current_input(buf.get(), in.size(), ++g_execs);
  (void)LLVMFuzzerTestOneInput(buf.get(), in.size());
  rl::fuzz_smoke::set_current_input(nullptr, 0, g_execs);
}

// Calls the target's LLVMFuzzerInitialize, if any, with a fresh directory as libFuzzer's corpus
// argument, and returns the seeds it wrote there. The directory is gone before any input runs,
// so that a crash leaves nothing behind but the saved input.
std::vector<Input> initialize_target(const Options& o) {
  if (LLVMFuzzerInitialize == nullptr) return {};
  const TempDir corpus(o.name);
  std::string arg0 = o.program;
  std::string arg1 = corpus.path.string();
  std::vector<char*> args{arg0.data(), arg1.data(), nullptr};
  int init_argc = 2;
  char** init_argv = args.data();
  LLVMFuzzerInitialize(&init_argc, &init_argv);
  return read_dir(corpus.path);
}

int replay_files(const Options& o) {
  for (const auto& f : o.input_files) {
    std::fprintf(stderr, "fuzz-smoke %s: running %s\n", o.name.c_str(), f.c_str());
    run(read_file(f));
  }
  std::fprintf(stderr, "fuzz-smoke %s: %zu input(s) ran without a crash\n", o.name.c_str(),
               o.input_files.size());
  return 0;
}

int fuzz(const Options& o, std::uint64_t seed, std::vector<Input> dictionary,
         std::vector<Input> seeds) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const auto deadline =
      start + std::chrono::duration_cast<Clock::duration>(
                  std::chrono::duration<double>(o.seconds.value_or(365.0 * 86400)));
  const std::uint64_t max_runs = o.runs.value_or(UINT64_MAX);
  auto more = [&] { return g_execs < max_runs && Clock::now() < deadline; };

  // Every seed runs, however slow: only --runs (a replay) cuts them short.
  for (const auto& s : seeds) {
    if (g_execs >= max_runs) break;
    run(s);
  }
  const std::uint64_t seed_execs = g_execs;
  // Blind exploration keeps a few mutants to mutate further, so that edits can stack beyond
  // what one mutation step reaches; seeds stay in the pool for good.
  constexpr std::size_t kKeep = 64;
  std::vector<Input> kept;
  rl::fuzz_smoke::Mutator m(seed, std::move(dictionary), o.max_len);
  while (more()) {
    const bool from_kept = !kept.empty() && m.below(2) == 0;
    const Input& base = from_kept ? kept[m.below(kept.size())] : seeds[m.below(seeds.size())];
    const Input& other = seeds[m.below(seeds.size())];
    Input mutant = m.mutate(base, other);
    run(mutant);
    if (m.below(16) == 0) {
      if (kept.size() < kKeep) {
        kept.push_back(std::move(mutant));
      } else {
        kept[m.below(kKeep)] = std::move(mutant);
      }
    }
  }
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  std::fprintf(stderr,
               "fuzz-smoke %s: %llu executions in %.1f s (%.0f/s): %llu seed inputs, %llu mutants "
               "of PRNG seed %llu; no crash\nfuzz-smoke %s: replay this pass: %s --runs %llu\n",
               o.name.c_str(), static_cast<unsigned long long>(g_execs), secs,
               secs > 0 ? static_cast<double>(g_execs) / secs : 0.0,
               static_cast<unsigned long long>(seed_execs),
               static_cast<unsigned long long>(g_execs - seed_execs),
               static_cast<unsigned long long>(seed), o.name.c_str(),
               replay_pass_command(o, seed).c_str(), static_cast<unsigned long long>(g_execs));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = rl::fuzz_smoke::parse_options(argc, argv);
  if (!parsed.error.empty()) {
    std::fprintf(stderr, "%s\n%s", parsed.error.c_str(), rl::fuzz_smoke::kUsage);
    return 2;
  }
  const Options& o = parsed.options;
  const std::uint64_t seed =
      o.seed.value_or((std::uint64_t{std::random_device{}()} << 32) ^ std::random_device{}());
  // Replaying files saves nothing: the crashing input is the file named last.
  const std::string artifact =
      o.input_files.empty()
          ? (fs::path(o.artifact_dir) / ("crash-" + o.name + "-" + std::to_string(seed))).string()
          : "";
  rl::fuzz_smoke::install_crash_guard({artifact, replay_input_command(o, artifact),
                                       replay_pass_command(o, seed), o.timeout_seconds});
  std::vector<Input> dictionary;
  if (o.dict) {
    std::ifstream f(*o.dict, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    auto d = rl::fuzz_smoke::parse_dictionary(text);
    if (!f || !d.error.empty()) {
      std::fprintf(stderr, "%s: %s\n", o.dict->c_str(), f ? d.error.c_str() : "cannot read");
      return 2;
    }
    dictionary = std::move(d.tokens);
  }

  // The empty input first, as libFuzzer does; it is also what mutants start from without seeds.
  std::vector<Input> seeds{Input{}};
  for (auto& s : initialize_target(o)) seeds.push_back(std::move(s));
  if (!o.input_files.empty()) return replay_files(o);
  const std::size_t written = seeds.size() - 1;
  for (const auto& d : o.seed_dirs) {
    for (auto& s : read_dir(d)) seeds.push_back(std::move(s));
  }
  std::fprintf(stderr,
               "fuzz-smoke %s: PRNG seed %llu, %zu seed inputs (the empty one, %zu from "
               "LLVMFuzzerInitialize, %zu from directories), %zu dictionary tokens\n",
               o.name.c_str(), static_cast<unsigned long long>(seed), seeds.size(), written,
               seeds.size() - 1 - written, dictionary.size());
  return fuzz(o, seed, std::move(dictionary), std::move(seeds));
}
