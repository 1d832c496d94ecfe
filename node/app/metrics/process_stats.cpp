#include "node/app/metrics/process_stats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace rl::node::metrics {
namespace {

Error unreadable(const std::string& what) {
  return make_error("proc_unreadable", what);
}

// Boot time (unix seconds) from /proc/stat: a process's start time is counted from it.
Result<double> boot_time_seconds() {
  std::ifstream in("/proc/stat");
  std::string key;
  while (in >> key) {
    if (key == "btime") {
      double t = 0;
      if (in >> t) return t;
      break;
    }
    in.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  return unreadable("/proc/stat has no btime");
}

}  // namespace

Result<ProcessStats> read_process_stats() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  if (!std::getline(in, line)) return unreadable("/proc/self/stat");
  // The command name (field 2) is in parentheses and may hold spaces: fields are counted from
  // after its closing parenthesis, where field 3 (state) starts.
  const auto close = line.rfind(')');
  if (close == std::string::npos) return unreadable("/proc/self/stat has no command field");
  std::istringstream fields(line.substr(close + 1));
  std::vector<std::string> f;  // f[0] is field 3
  for (std::string v; fields >> v;) f.push_back(v);
  if (f.size() < 22) return unreadable("/proc/self/stat is short");
  auto field = [&](int n) { return std::stod(f[static_cast<std::size_t>(n - 3)]); };
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(::sysconf(_SC_PAGESIZE));
  ProcessStats s;
  try {
    s.cpu_seconds = (field(14) + field(15)) / ticks;  // utime + stime
    s.threads = field(20);
    s.virtual_bytes = field(23);
    s.resident_bytes = field(24) * page;
    RL_ASSIGN_OR_RETURN(auto boot, boot_time_seconds());
    s.start_time_seconds = boot + field(22) / ticks;
  } catch (const std::exception&) {
    return unreadable("/proc/self/stat has a field that is not a number");
  }
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    s.open_fds += 1;
  }
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0) s.max_fds = static_cast<double>(lim.rlim_cur);
  return s;
}

}  // namespace rl::node::metrics
