#include "fuzz/standalone/options.hpp"

#include <charconv>
#include <cmath>
#include <filesystem>
#include <string_view>

namespace rl::fuzz_smoke {
namespace {

namespace fs = std::filesystem;

std::optional<std::uint64_t> to_u64(std::string_view s) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::optional<double> to_seconds(const std::string& s) {
  try {
    std::size_t used = 0;
    const double v = std::stod(s, &used);
    if (used != s.size() || !std::isfinite(v) || v <= 0) return std::nullopt;
    return v;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// Single-quotes a word for a shell when it holds anything but plain path characters.
std::string shell_word(const std::string& w) {
  if (!w.empty() && w.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                        "0123456789/._-+=:,@") == std::string::npos) {
    return w;
  }
  std::string out = "'";
  for (char c : w) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string absolute(const std::string& p) {
  return fs::absolute(p).lexically_normal().string();
}

}  // namespace

ParsedOptions parse_options(int argc, char** argv) {
  ParsedOptions parsed;
  Options& o = parsed.options;
  o.program = absolute(argv[0]);
  o.name = fs::path(argv[0]).filename().string();
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    const std::string value = has_value ? argv[i + 1] : "";
    auto fail = [&](const std::string& what) {
      parsed.error = what + ": '" + arg + (has_value ? " " + value : "") + "'";
      return parsed;
    };
    if (arg.rfind("--", 0) != 0) {
      std::error_code ec;
      if (fs::is_directory(arg, ec)) {
        o.seed_dirs.push_back(absolute(arg));
      } else if (fs::is_regular_file(arg, ec)) {
        o.input_files.push_back(absolute(arg));
      } else {
        parsed.error = "no such file or directory: " + arg;
        return parsed;
      }
      continue;
    }
    if (!has_value) return fail("option without a value");
    ++i;
    if (arg == "--seconds") {
      if (!(o.seconds = to_seconds(value))) return fail("not a positive number of seconds");
    } else if (arg == "--runs") {
      if (!(o.runs = to_u64(value))) return fail("not a count");
    } else if (arg == "--seed") {
      if (!(o.seed = to_u64(value))) return fail("not a 64-bit seed");
    } else if (arg == "--dict") {
      o.dict = absolute(value);
    } else if (arg == "--max-len") {
      const auto v = to_u64(value);
      if (!v || *v == 0) return fail("not a positive length");
      o.max_len = static_cast<std::size_t>(*v);
    } else if (arg == "--timeout") {
      const auto v = to_u64(value);
      if (!v || *v > 86400) return fail("not a whole number of seconds (0 = none)");
      o.timeout_seconds = static_cast<unsigned>(*v);
    } else if (arg == "--artifact-dir") {
      o.artifact_dir = absolute(value);
    } else {
      return fail("unknown option");
    }
  }
  if (!o.seconds && !o.runs) o.seconds = 3.0;
  o.artifact_dir = absolute(o.artifact_dir);
  return parsed;
}

std::string replay_pass_command(const Options& o, std::uint64_t seed) {
  std::string cmd = shell_word(o.program) + " --seed " + std::to_string(seed);
  if (o.dict) cmd += " --dict " + shell_word(*o.dict);
  cmd += " --max-len " + std::to_string(o.max_len);
  for (const auto& d : o.seed_dirs) cmd += " " + shell_word(d);
  return cmd;
}

std::string replay_input_command(const Options& o, const std::string& input_path) {
  return shell_word(o.program) + " " + shell_word(input_path);
}

}  // namespace rl::fuzz_smoke
