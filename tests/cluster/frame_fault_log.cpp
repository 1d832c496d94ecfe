#include "tests/cluster/frame_fault_log.hpp"

#include <charconv>
#include <fstream>
#include <sstream>

namespace rl::testing {

std::uint64_t FrameFaultSummary::get(const std::string& key) const {
  auto it = counts.find(key);
  return it == counts.end() ? 0 : it->second;
}

FrameFaultSummary read_frame_fault_summary(const std::string& log_path) {
  std::ifstream log(log_path);
  std::string last;
  for (std::string line; std::getline(log, line);) {
    if (line.find("p2p frame faults TEST-ONLY summary ") != std::string::npos) last = line;
  }
  FrameFaultSummary s;
  if (last.empty()) return s;
  s.found = true;
  std::istringstream words(last);
  for (std::string w; words >> w;) {
    const auto eq = w.find('=');
    if (eq == std::string::npos) continue;
    if (w.compare(0, eq, "final") == 0) s.final = w.compare(eq + 1, std::string::npos, "true") == 0;
    std::uint64_t v = 0;
    auto [ptr, ec] = std::from_chars(w.data() + eq + 1, w.data() + w.size(), v);
    if (ec == std::errc() && ptr == w.data() + w.size()) s.counts[w.substr(0, eq)] = v;
  }
  return s;
}

}  // namespace rl::testing
