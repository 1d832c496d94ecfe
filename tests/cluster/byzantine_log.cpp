#include "tests/cluster/byzantine_log.hpp"

#include <cstdlib>
#include <sstream>

namespace rl::testing {
namespace {

// The value of " key=" in `line` up to the next space ("" when absent).
std::string field(const std::string& line, const std::string& key) {
  std::string k = " ";
  k += key;
  k += '=';
  const auto at = line.find(k);
  if (at == std::string::npos) return {};
  const auto start = at + k.size();
  return line.substr(start, line.find(' ', start) - start);
}

}  // namespace

std::string ByzantineLog::sent_text() const {
  std::string out;
  for (const auto& [mode, n] : sent) {
    if (!out.empty()) out += ' ';
    out += mode;
    out += '=';
    out += std::to_string(n);
  }
  return out;
}

ByzantineLog parse_byzantine_log(const std::string& text) {
  ByzantineLog out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.find("byzantine summary ") != std::string::npos) {
      out.sent[field(line, "mode")] = std::strtoull(field(line, "sent").c_str(), nullptr, 10);
      const std::string requests = field(line, "sync_requests");
      if (!requests.empty()) out.sync_requests = std::strtoull(requests.c_str(), nullptr, 10);
    } else if (line.find("byzantine proposal ") != std::string::npos) {
      out.proposals.push_back({field(line, "mode"), field(line, "variant"),
                               std::strtoull(field(line, "height").c_str(), nullptr, 10),
                               std::strtoll(field(line, "round").c_str(), nullptr, 10)});
    } else if (line.find("byzantine swallowed tx ") != std::string::npos) {
      out.swallowed.push_back(field(line, "id"));
    }
  }
  return out;
}

}  // namespace rl::testing
