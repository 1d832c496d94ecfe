#include "node/validator/byzantine/modes.hpp"

#include <charconv>

namespace rl::node::byzantine {
namespace {

constexpr std::array<std::string_view, kModeCount> kNames = {
    "equivocate",   "double_vote", "unknown_votes",  "bad_proposals",
    "lying_status", "bad_parts",   "withhold_parts", "swallow_txs"};

Error bad(std::string message) {
  return make_error("bad_byzantine_setting", std::move(message));
}

}  // namespace

std::string_view mode_name(Mode m) {
  return kNames[static_cast<std::size_t>(m)];
}

bool Settings::any() const {
  for (bool b : on) {
    if (b) return true;
  }
  return false;
}

std::string Settings::modes_text() const {
  std::string out;
  for (std::size_t i = 0; i < kModeCount; ++i) {
    if (!on[i]) continue;
    if (!out.empty()) out += ',';
    out += kNames[i];
  }
  return out.empty() ? "none" : out;
}

Result<Settings> parse_settings(const char* modes, const char* seed) {
  Settings s;
  const std::string_view seed_text = seed ? seed : "";
  if (!seed_text.empty()) {
    const auto* end = seed_text.data() + seed_text.size();
    auto [ptr, ec] = std::from_chars(seed_text.data(), end, s.seed);
    if (ec != std::errc() || ptr != end) {
      return bad("REGLEDGER_BYZANTINE_SEED is not a decimal number: " + std::string(seed_text));
    }
  }
  std::string_view rest = modes ? modes : "";
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view name = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (name.empty()) continue;
    if (name == "all") {
      // Every mode but swallow_txs, which is named on its own (modes.hpp).
      for (std::size_t i = 0; i < kModeCount; ++i) {
        if (static_cast<Mode>(i) != Mode::kSwallowTxs) s.on[i] = true;
      }
      continue;
    }
    bool known = false;
    for (std::size_t i = 0; i < kModeCount; ++i) {
      if (kNames[i] == name) s.on[i] = known = true;
    }
    if (!known) return bad("REGLEDGER_BYZANTINE names an unknown mode: " + std::string(name));
  }
  return s;
}

}  // namespace rl::node::byzantine
