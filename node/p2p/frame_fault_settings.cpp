#include "node/p2p/frame_fault_settings.hpp"

#include <charconv>
#include <cstdlib>
#include <random>
#include <sstream>

namespace rl::p2p::detail {
namespace {

// Long enough for any test, short enough that a typo cannot park frames for hours.
constexpr std::chrono::milliseconds kMaxDelay{60000};

Error bad(const std::string& message) {
  std::string m = "REGLEDGER_FRAME_FAULTS: ";
  m += message;
  return make_error("bad_config", std::move(m));
}

Result<double> parse_rate(std::string_view key, std::string_view text) {
  double v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || !(v >= 0 && v <= 1)) {
    std::string m(key);
    m += " must be a number in [0, 1], got '";
    m.append(text);
    m += "'";
    return bad(m);
  }
  return v;
}

Result<std::chrono::milliseconds> parse_ms(std::string_view key, std::string_view text) {
  std::uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() ||
      v > static_cast<std::uint64_t>(kMaxDelay.count())) {
    std::string m(key);
    m += " must be whole milliseconds in [0, 60000], got '";
    m.append(text);
    m += "'";
    return bad(m);
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(v));
}

}  // namespace

std::string FrameFaultSettings::describe() const {
  std::ostringstream s;
  s << "drop=" << drop << " dup=" << dup << " reorder=" << reorder << " delay=" << delay
    << " delay_ms=" << delay_min.count() << "-" << delay_max.count()
    << " hold_ms=" << hold_max.count() << " seed=" << seed;
  return s.str();
}

Result<FrameFaultSettings> parse_frame_fault_settings(std::string_view spec, std::uint64_t seed) {
  FrameFaultSettings s;
  s.seed = seed;
  while (!spec.empty()) {
    const auto comma = spec.find(',');
    const std::string_view item = spec.substr(0, comma);
    spec = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos) {
      std::string m = "expected key=value, got '";
      m.append(item);
      m += "'";
      return bad(m);
    }
    const std::string_view key = item.substr(0, eq);
    const std::string_view value = item.substr(eq + 1);
    if (key == "drop" || key == "dup" || key == "reorder" || key == "delay") {
      RL_ASSIGN_OR_RETURN(double rate, parse_rate(key, value));
      (key == "drop"      ? s.drop
       : key == "dup"     ? s.dup
       : key == "reorder" ? s.reorder
                          : s.delay) = rate;
    } else if (key == "delay_ms") {
      const auto dash = value.find('-');
      if (dash == std::string_view::npos) {
        RL_ASSIGN_OR_RETURN(s.delay_min, parse_ms(key, value));
        s.delay_max = s.delay_min;
      } else {
        RL_ASSIGN_OR_RETURN(s.delay_min, parse_ms(key, value.substr(0, dash)));
        RL_ASSIGN_OR_RETURN(s.delay_max, parse_ms(key, value.substr(dash + 1)));
      }
      if (s.delay_min > s.delay_max) return bad("delay_ms is MIN-MAX with MIN <= MAX");
    } else if (key == "hold_ms") {
      RL_ASSIGN_OR_RETURN(s.hold_max, parse_ms(key, value));
      if (s.hold_max.count() == 0) return bad("hold_ms must be positive");
    } else {
      std::string m = "unknown key '";
      m.append(key);
      m += "' (drop, dup, reorder, delay, delay_ms, hold_ms)";
      return bad(m);
    }
  }
  // One draw per frame picks at most one fault, so the rates share [0, 1]. The epsilon forgives
  // decimal rates such as 0.1 + 0.2 + 0.3 + 0.4.
  if (s.drop + s.dup + s.reorder + s.delay > 1 + 1e-9) return bad("the rates sum above 1");
  return s;
}

Result<std::optional<FrameFaultSettings>> frame_fault_settings_from_env() {
  const char* spec = std::getenv(kFrameFaultsEnv);
  if (spec == nullptr || *spec == '\0') return std::optional<FrameFaultSettings>();
  std::uint64_t seed = 0;
  if (const char* s = std::getenv(kFrameFaultsSeedEnv); s != nullptr && *s != '\0') {
    const std::string_view text(s);
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), seed);
    if (ec != std::errc() || ptr != text.data() + text.size()) {
      std::string m = kFrameFaultsSeedEnv;
      m += " must be an unsigned 64-bit integer, got '";
      m.append(text);
      m += "'";
      return make_error("bad_config", std::move(m));
    }
  } else {
    std::random_device rd;
    seed = (std::uint64_t{rd()} << 32) | rd();
  }
  RL_ASSIGN_OR_RETURN(auto settings, parse_frame_fault_settings(spec, seed));
  return std::optional<FrameFaultSettings>(std::move(settings));
}

}  // namespace rl::p2p::detail
