#pragma once
// Random payloads and random masking rules for the "no raw value leaks" property tests (the
// masking library's and the third-party routes'). Header-only; the seed is the caller's.
//
// What "a raw value appears" means (decision 0060): the text of a string value of at least
// kMinCheckedCodePoints code points, or the JSON text of a number, is found in the output. Shorter
// values are not checked: "ab" or "7" can be found in any answer (a kept end, a field name, a
// height) without anything having leaked. The generators make every checked value one that no rule
// may show whole: strings carry a character outside [0-9a-f] (so a hex token or hash cannot
// contain them by chance), numbers carry cents (so rounding to the multiples and digits drawn here
// always changes them, and no bucket boundary, which is an integer, spells them).

#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "ledger/masking.hpp"

namespace rl::testing {

inline constexpr std::size_t kMinCheckedCodePoints = 4;

class MaskingRandom {
 public:
  explicit MaskingRandom(std::uint64_t seed) : rng_(seed) {}

  std::size_t below(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }

  // 6-24 code points of digits, letters g-z and Chinese characters, one of them never [0-9a-f].
  std::string text() {
    static const std::vector<std::string> kAny = {
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "g",  "h",  "j",  "k",  "m",  "n",
        "p", "q", "r", "s", "u", "v", "w", "x", "y", "z", "G",  "H",  "J",  "K",  "M",  "N",
        "P", "Q", "R", "S", "U", "V", "W", "X", "Y", "Z", "张", "三", "丰", "李", "四", "王"};
    static const std::vector<std::string> kNonHex = {"g", "q", "z", "W", "张", "王"};
    const std::size_t n = 6 + below(19);
    const std::size_t special = below(n);
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
      out += i == special ? kNonHex[below(kNonHex.size())] : kAny[below(kAny.size())];
    }
    return out;
  }

  // An amount in [1e6, 1e9) with cents 01-99, as a JSON number or a numeric string.
  nlohmann::json amount() {
    const double units = static_cast<double>(1'000'000 + below(999'000'000));
    const double cents = static_cast<double>(1 + below(99));
    const double v = units + cents / 100.0;
    if (below(2) == 0) return v;
    return nlohmann::json(v).dump();
  }

  nlohmann::json value(int depth = 0) {
    switch (below(depth < 2 ? 6 : 4)) {
      case 0:
      case 1:
        return text();
      case 2:
        return amount();
      case 3:
        return below(2) == 0 ? nlohmann::json(true) : nlohmann::json(nullptr);
      case 4: {
        nlohmann::json o = nlohmann::json::object();
        for (std::size_t i = 0, n = 1 + below(3); i < n; ++i)
          o["k" + std::to_string(i)] = value(depth + 1);
        return o;
      }
      default: {
        nlohmann::json a = nlohmann::json::array();
        for (std::size_t i = 0, n = 1 + below(3); i < n; ++i) a.push_back(value(depth + 1));
        return a;
      }
    }
  }

  ledger::pb::FieldMask rule(const std::string& field) {
    ledger::pb::FieldMask m;
    m.set_field(field);
    switch (below(6)) {
      case 0: {
        // Up to 32 at each end: long enough to be a full mask of most values sometimes.
        const auto first = static_cast<std::uint32_t>(below(8));
        const auto last = static_cast<std::uint32_t>(below(8));
        m.mutable_keep_ends()->set_first(first + last == 0 ? 1 : first);
        m.mutable_keep_ends()->set_last(last);
        break;
      }
      case 1:
        m.mutable_full();
        break;
      case 2:
        m.mutable_token();
        break;
      case 3: {
        static const double kMultiples[] = {1, 10, 1000, 100000};
        if (below(2) == 0) {
          m.mutable_round()->set_multiple(kMultiples[below(4)]);
        } else {
          m.mutable_round()->set_significant_digits(static_cast<std::uint32_t>(1 + below(6)));
        }
        break;
      }
      case 4: {
        double b = static_cast<double>(below(1000)) * 1000;
        for (std::size_t i = 0, n = 1 + below(5); i < n; ++i) {
          m.mutable_bucket()->add_boundaries(b);
          b += static_cast<double>(1 + below(100'000'000));
        }
        break;
      }
      default:
        m.mutable_drop();
        break;
    }
    return m;
  }

  // Every checked raw value inside `v` (nested ones included).
  static void raw_values(const nlohmann::json& v, std::vector<std::string>& out) {
    if (v.is_string()) {
      const auto& s = v.get_ref<const std::string&>();
      std::size_t cps = 0;
      for (unsigned char c : s) cps += (c & 0xC0) != 0x80;
      if (cps >= kMinCheckedCodePoints) out.push_back(s);
    } else if (v.is_number()) {
      out.push_back(v.dump());
    } else if (v.is_structured()) {
      for (const auto& e : v) raw_values(e, out);
    }
  }

  std::mt19937_64& rng() { return rng_; }

 private:
  std::mt19937_64 rng_;
};

// The seed of a property test: REGLEDGER_PROPERTY_SEED when set, else a fixed one. Printed by
// the caller so a failure can be replayed.
inline std::uint64_t property_seed(std::uint64_t fixed) {
  if (const char* s = std::getenv("REGLEDGER_PROPERTY_SEED")) return std::strtoull(s, nullptr, 10);
  return fixed;
}

}  // namespace rl::testing
