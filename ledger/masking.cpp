#include "ledger/masking.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "crypto/offline_kdf.hpp"

namespace rl::ledger::masking {
namespace {

using nlohmann::json;

// Numeric strings longer than this are not numbers here (no amount needs more).
constexpr std::size_t kMaxNumericStringBytes = 64;

// Byte offsets of the code points of `s` plus s.size() at the end; nullopt when `s` is not
// valid UTF-8 (overlong forms, surrogates and values above U+10FFFF included).
std::optional<std::vector<std::size_t>> code_points(std::string_view s) {
  std::vector<std::size_t> at;
  std::size_t i = 0;
  while (i < s.size()) {
    at.push_back(i);
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      len = 1;
      cp = c;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return std::nullopt;
    }
    if (i + len > s.size()) return std::nullopt;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
    i += len;
  }
  at.push_back(s.size());
  return at;
}

Error bad_rule(const pb::FieldMask& m, const std::string& why) {
  return make_error("bad_mask_rule", "masking rule of field '" + m.field() + "': " + why);
}

bool in_magnitude(double d) {
  return std::isfinite(d) && std::fabs(d) <= kMaxMagnitude;
}

// A JSON number, or a string that is exactly one in JSON's grammar; finite values only.
std::optional<double> as_number(const json& v) {
  if (v.is_number()) {
    const double d = v.get<double>();
    return std::isfinite(d) ? std::optional<double>(d) : std::nullopt;
  }
  if (!v.is_string()) return std::nullopt;
  const auto& s = v.get_ref<const std::string&>();
  if (s.empty() || s.size() > kMaxNumericStringBytes) return std::nullopt;
  // JSON grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  std::size_t i = 0;
  auto digits = [&] {
    const std::size_t from = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i - from;
  };
  if (s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else if (digits() == 0) {
    return std::nullopt;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (digits() == 0) return std::nullopt;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (digits() == 0) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  double d = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

// Shortest text that round-trips through 15 significant digits: arithmetic noise such as
// 14.200000000000001 becomes 14.2. Integers print without a fraction or exponent.
std::string number_text(double d) {
  if (d == 0) return "0";  // also -0
  if (std::fabs(d) < 9e15 && d == std::trunc(d)) {
    return std::to_string(static_cast<std::int64_t>(d));
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", d);
  return buf;
}

// nlohmann only produces valid UTF-8 when it parsed it; replacing instead of throwing keeps
// this function free of exceptions whatever it is given.
std::string dump(const json& v) {
  return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The rounded or bucketed value in the type it came in: a number stays a number, a numeric
// string stays a string.
json same_type(const json& original, const std::string& text) {
  if (original.is_string()) return text;
  return json::parse(text, nullptr, /*allow_exceptions=*/false);
}

std::optional<double> rounded(const pb::RoundNumber& r, double x) {
  double out = 0;
  if (r.significant_digits() > 0) {
    // printf's %.Ng rounds to N significant digits in decimal, which is what a reader expects.
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*g", static_cast<int>(r.significant_digits()), x);
    auto [p, ec] = std::from_chars(buf, buf + std::char_traits<char>::length(buf), out);
    if (ec != std::errc()) return std::nullopt;
  } else {
    out = std::round(x / r.multiple()) * r.multiple();
  }
  if (!std::isfinite(out)) return std::nullopt;
  return out;
}

std::string bucket_label(const pb::BucketNumber& b, double x) {
  // Built by appends: GCC 12 at -O3 warns (-Wrestrict, a false positive) on the equivalent
  // chain of operator+ on temporaries.
  const auto& bounds = b.boundaries();
  const auto it = std::upper_bound(bounds.begin(), bounds.end(), x);
  std::string out;
  if (it == bounds.begin()) {
    out.append("(-inf,").append(number_text(bounds[0])).append(")");
  } else if (it == bounds.end()) {
    out.append("[").append(number_text(bounds[bounds.size() - 1])).append(",+inf)");
  } else {
    out.append("[").append(number_text(*(it - 1))).append(",").append(number_text(*it));
    out.append(")");
  }
  return out;
}

Result<std::string> token(const TokenKey& key, const json& v) {
  RL_ASSIGN_OR_RETURN(auto mac, crypto::suite_hmac(key.suite, key.key, as_bytes(dump(v))));
  mac.resize(kTokenBytes);
  std::string out(kTokenPrefix);
  out.append(to_hex(mac));
  return out;
}

// The masked value, or nullopt when the field is dropped.
Result<std::optional<json>> mask_value(const pb::FieldMask& rule, const json& v,
                                       const TokenKey& key) {
  using Out = std::optional<json>;
  switch (rule.rule_case()) {
    case pb::FieldMask::kKeepEnds: {
      if (v.is_string()) {
        return Out(keep_ends(v.get_ref<const std::string&>(), rule.keep_ends().first(),
                             rule.keep_ends().last()));
      }
      if (v.is_number()) {
        return Out(keep_ends(dump(v), rule.keep_ends().first(), rule.keep_ends().last()));
      }
      return Out();
    }
    case pb::FieldMask::kFull:
      return Out(std::string(kMaskText));
    case pb::FieldMask::kToken: {
      RL_ASSIGN_OR_RETURN(auto t, token(key, v));
      return Out(std::move(t));
    }
    case pb::FieldMask::kRound: {
      const auto x = as_number(v);
      if (!x) return Out();
      const auto r = rounded(rule.round(), *x);
      if (!r) return Out();
      return Out(same_type(v, number_text(*r)));
    }
    case pb::FieldMask::kBucket: {
      const auto x = as_number(v);
      if (!x) return Out();
      return Out(json(bucket_label(rule.bucket(), *x)));
    }
    case pb::FieldMask::kDrop:
    case pb::FieldMask::RULE_NOT_SET:
      break;
  }
  return Out();
}

}  // namespace

Status check_field_mask(const pb::FieldMask& m) {
  if (m.field().empty() || m.field().size() > kMaxFieldNameBytes || !code_points(m.field())) {
    return make_error("bad_mask_field", "masked field names are 1-64 bytes of UTF-8");
  }
  switch (m.rule_case()) {
    case pb::FieldMask::kKeepEnds: {
      const auto& k = m.keep_ends();
      if (k.first() > kMaxKeepCount || k.last() > kMaxKeepCount) {
        return bad_rule(m, "keep_ends keeps at most 32 code points at each end");
      }
      if (k.first() + k.last() == 0) {
        return bad_rule(m, "keep_ends that keeps nothing is a full mask: use full");
      }
      return {};
    }
    case pb::FieldMask::kRound: {
      const auto& r = m.round();
      const bool by_multiple = r.multiple() != 0;
      const bool by_digits = r.significant_digits() != 0;
      if (by_multiple == by_digits) {
        return bad_rule(m, "round takes exactly one of multiple and significant_digits");
      }
      if (by_multiple && (!in_magnitude(r.multiple()) || r.multiple() <= 0)) {
        return bad_rule(m, "round multiple must be > 0 and at most 1e15");
      }
      if (by_digits && r.significant_digits() > kMaxSignificantDigits) {
        return bad_rule(m, "round significant_digits must be 1-15");
      }
      return {};
    }
    case pb::FieldMask::kBucket: {
      const auto& b = m.bucket().boundaries();
      if (b.empty() || static_cast<std::size_t>(b.size()) > kMaxBoundaries) {
        return bad_rule(m, "bucket takes 1-32 boundaries");
      }
      for (int i = 0; i < b.size(); ++i) {
        if (!in_magnitude(b[i])) return bad_rule(m, "bucket boundaries are finite, |b| <= 1e15");
        if (i > 0 && !(b[i - 1] < b[i])) {
          return bad_rule(m, "bucket boundaries must be strictly increasing");
        }
      }
      return {};
    }
    case pb::FieldMask::kFull:
    case pb::FieldMask::kToken:
    case pb::FieldMask::kDrop:
      return {};
    case pb::FieldMask::RULE_NOT_SET:
      break;
  }
  return bad_rule(m, "no rule (keep_ends, full, token, round, bucket or drop)");
}

Status check_field_masks(const google::protobuf::RepeatedPtrField<pb::FieldMask>& masks) {
  if (static_cast<std::size_t>(masks.size()) > kMaxMaskedFields) {
    return make_error("too_many_mask_rules", "a template has at most 64 masking rules");
  }
  std::set<std::string_view> seen;
  for (const auto& m : masks) {
    RL_TRY(check_field_mask(m));
    if (!seen.insert(m.field()).second) {
      return make_error("duplicate_mask_field", "field '" + m.field() + "' has two masking rules");
    }
  }
  return {};
}

Result<Bytes> token_key(crypto::Suite suite, ByteView mask_key, std::string_view grant_id) {
  if (mask_key.size() != kMaskKeyBytes) {
    return make_error("bad_mask_key", "the mask key is 32 bytes");
  }
  static constexpr std::string_view kSalt = "regledger/mask-token/v1";
  return crypto::suite_hkdf(suite, mask_key, as_bytes(kSalt), as_bytes(grant_id), 32);
}

std::string keep_ends(std::string_view utf8, std::uint32_t first, std::uint32_t last) {
  const auto at = code_points(utf8);
  if (!at) return std::string(kMaskText);
  const std::size_t n = at->size() - 1;
  // Keeping first + last of a value that has no more code points would show all of it.
  if (std::size_t{first} + last >= n) return std::string(kMaskText);
  std::string out(utf8.substr(0, (*at)[first]));
  out.append(n - first - last, '*');
  out.append(utf8.substr((*at)[n - last]));
  return out;
}

Result<std::string> mask_payload(std::string_view payload, const std::vector<pb::FieldMask>& rules,
                                 const TokenKey& key) {
  const json doc = json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return make_error("bad_payload", "a report payload to mask is a JSON object");
  }
  json out = json::object();
  for (const auto& rule : rules) {
    const auto it = doc.find(rule.field());
    if (it == doc.end()) continue;
    RL_ASSIGN_OR_RETURN(auto masked, mask_value(rule, *it, key));
    if (masked) out[rule.field()] = std::move(*masked);
  }
  return dump(out);
}

}  // namespace rl::ledger::masking
