// The report-payload check is a hand-written validating scanner rather than a JSON library: it
// runs on every report at admission and at every validator's block execution, and nlohmann's SAX
// parser (which it replaces) spent ~8 us per 1 KB payload copying every string into a
// std::string. This one makes one pass over the bytes, does not recurse (a 64-bit stack of
// object/array bits) and does not allocate in the common case.
//
// Consensus-critical: it must accept exactly the payloads that
//   json::sax_parse(begin, end, &handler, input_format_t::json, /*strict=*/true)
// of nlohmann::json 3.11.2 accepted with the old depth-bounding handler, and report the same
// error for the same payload, or replaying an existing chain would diverge. Every rule below
// follows nlohmann's lexer.hpp / parser.hpp, including its quirks (a leading UTF-8 BOM is skipped,
// a NUL byte where a token is expected counts as end of input, a number is refused only when
// strtod makes it infinite). The old implementation is kept as an oracle in
// tests/ledger/report_payload_reference.cpp; the unit tests and fuzz/ledger_report_payload_fuzz
// compare the two.
#include "ledger/report_payload.hpp"

#include <locale.h>  // newlocale (POSIX)
#include <stdlib.h>  // strtod_l

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

namespace rl::ledger {
namespace {

static_assert(kMaxJsonDepth <= 64, "the open-container stack is one 64-bit word");

// Which required keys the top-level object has. Governance allows at most 64 required fields, so
// one word holds them; a longer list (only possible through a hand-written genesis) falls back to
// a vector.
class FoundKeys {
 public:
  explicit FoundKeys(std::size_t n) {
    if (n > 64) many_.assign(n, false);
  }
  bool get(std::size_t i) const { return many_.empty() ? ((bits_ >> i) & 1u) != 0 : many_[i]; }
  void set(std::size_t i) {
    if (many_.empty()) {
      bits_ |= std::uint64_t{1} << i;
    } else {
      many_[i] = true;
    }
  }

 private:
  std::uint64_t bits_ = 0;
  std::vector<bool> many_;
};

// String bytes that need no further look: U+0020..U+007F except '"' and '\'.
constexpr std::array<bool, 256> kPlain = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x80; ++c) t[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
  return t;
}();

constexpr bool is_ws(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
constexpr bool is_digit(unsigned char c) {
  return c >= '0' && c <= '9';
}

int hex_value(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// The four hex digits of a \u escape at s (the caller checked there are four bytes), or -1.
int hex4(const unsigned char* s) {
  int v = 0;
  for (int i = 0; i < 4; ++i) {
    const int h = hex_value(s[i]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

// Whether strtod gives a finite value for the number token [b, e); nlohmann's parser refuses
// exactly the infinite ones ("number overflow"). nlohmann hands the token to strtod with '.'
// replaced by the locale's decimal point, which amounts to parsing it in the "C" locale:
// strtod_l with that locale gives the same value whatever locale the process is in. Out of line
// and cold: inlined, it changed the code of the hot loops enough to slow the scan by 1.7x.
[[gnu::cold, gnu::noinline]] bool strtod_is_finite(const unsigned char* b, const unsigned char* e) {
  static const locale_t c_locale = newlocale(LC_ALL_MASK, "C", locale_t{});
  const auto n = static_cast<std::size_t>(e - b);
  std::array<char, 128> small;
  std::string large;  // only for a token of 128+ bytes that is not obviously finite
  char* text = small.data();
  if (n >= small.size()) {
    large.resize(n + 1);
    text = large.data();
  }
  std::memcpy(text, b, n);
  text[n] = '\0';
  return std::isfinite(c_locale != locale_t{} ? strtod_l(text, nullptr, c_locale)
                                              : std::strtod(text, nullptr));
}

// Whether the raw bytes of a key that contains escapes (already validated by the scanner) decode
// to `want`. Decodes on the fly as nlohmann does, so that no buffer is needed.
bool escaped_key_equals(const unsigned char* s, const unsigned char* e, std::string_view want) {
  std::size_t j = 0;
  auto put = [&](unsigned int byte) {
    if (j >= want.size() || static_cast<unsigned char>(want[j]) != byte) return false;
    ++j;
    return true;
  };
  while (s < e) {
    if (*s != '\\') {
      if (!put(*s++)) return false;
      continue;
    }
    const unsigned char esc = s[1];
    s += 2;
    unsigned int cp = esc;  // '"', '\\' and '/' stand for themselves
    if (const auto k = std::string_view("bfnrt").find(static_cast<char>(esc));
        k != std::string_view::npos) {
      cp = static_cast<unsigned char>("\b\f\n\r\t"[k]);
    } else if (esc == 'u') {
      cp = static_cast<unsigned int>(hex4(s));
      s += 4;
      if (cp >= 0xD800 && cp <= 0xDBFF) {  // validated: "\uDC00".."\uDFFF" follows
        const auto low = static_cast<unsigned int>(hex4(s + 2));
        s += 6;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      }
    }
    bool same = true;
    if (cp < 0x80) {
      same = put(cp);
    } else if (cp <= 0x7FF) {
      same = put(0xC0 | (cp >> 6)) && put(0x80 | (cp & 0x3F));
    } else if (cp <= 0xFFFF) {
      same = put(0xE0 | (cp >> 12)) && put(0x80 | ((cp >> 6) & 0x3F)) && put(0x80 | (cp & 0x3F));
    } else {
      same = put(0xF0 | (cp >> 18)) && put(0x80 | ((cp >> 12) & 0x3F)) &&
             put(0x80 | ((cp >> 6) & 0x3F)) && put(0x80 | (cp & 0x3F));
    }
    if (!same) return false;
  }
  return j == want.size();
}

enum class Verdict { kObject, kNotObject, kTooDeep };

class Scanner {
 public:
  Scanner(std::string_view in, const std::vector<std::string_view>& required, FoundKeys& found)
      : p_(reinterpret_cast<const unsigned char*>(in.data())),
        end_(p_ + in.size()),
        required_(required),
        found_(found) {}

  Verdict run() {
    // nlohmann skips a UTF-8 byte order mark at the very start; a truncated one is an error.
    if (p_ != end_ && *p_ == 0xEF) {
      if (end_ - p_ < 3 || p_[1] != 0xBB || p_[2] != 0xBF) return Verdict::kNotObject;
      p_ += 3;
    }
    skip_ws();
    // Only an object is accepted as the document (a scalar or an array is refused).
    if (p_ == end_ || *p_ != '{') return Verdict::kNotObject;

    std::uint64_t arrays = 0;  // bit d set: the container at depth d + 1 is an array
    std::size_t depth = 0;
    bool want_value = true;  // at a value, or just after one
    while (true) {
      if (want_value) {
        skip_ws();
        if (p_ == end_) return Verdict::kNotObject;
        const unsigned char c = *p_;
        if (c == '{' || c == '[') {
          // Refused as soon as it opens, as the old handler did (before later syntax errors).
          if (depth == kMaxJsonDepth) return Verdict::kTooDeep;
          ++p_;
          const bool array = c == '[';
          arrays = (arrays & ~(std::uint64_t{1} << depth)) | (std::uint64_t{array} << depth);
          ++depth;
          skip_ws();
          if (p_ != end_ && *p_ == (array ? ']' : '}')) {
            ++p_;
            --depth;
            want_value = false;
          } else if (!array && !member_key(depth)) {
            return Verdict::kNotObject;
          }
          continue;
        }
        if (!scalar()) return Verdict::kNotObject;
        want_value = false;
        continue;
      }
      skip_ws();
      if (depth == 0) {
        // Strict: only whitespace may follow. nlohmann's lexer reads a NUL byte as end of input.
        return p_ == end_ || *p_ == '\0' ? Verdict::kObject : Verdict::kNotObject;
      }
      if (p_ == end_) return Verdict::kNotObject;
      const bool array = ((arrays >> (depth - 1)) & 1u) != 0;
      if (*p_ == ',') {
        ++p_;
        if (!array && !member_key(depth)) return Verdict::kNotObject;
        want_value = true;
      } else if (*p_ == (array ? ']' : '}')) {
        ++p_;
        --depth;
      } else {
        return Verdict::kNotObject;
      }
    }
  }

 private:
  void skip_ws() {
    while (p_ != end_ && is_ws(*p_)) ++p_;
  }

  // `"key" :` of an object member at `depth`; a top-level key is matched against the required.
  bool member_key(std::size_t depth) {
    skip_ws();
    if (p_ == end_ || *p_ != '"') return false;
    const unsigned char* key = ++p_;
    bool escaped = false;
    if (!string_rest(escaped)) return false;
    if (depth == 1) note_key(key, p_ - 1, escaped);
    skip_ws();
    if (p_ == end_ || *p_ != ':') return false;
    ++p_;
    return true;
  }

  void note_key(const unsigned char* b, const unsigned char* e, bool escaped) {
    const std::string_view raw(reinterpret_cast<const char*>(b), static_cast<std::size_t>(e - b));
    for (std::size_t i = 0; i < required_.size(); ++i) {
      if (found_.get(i)) continue;
      if (escaped ? escaped_key_equals(b, e, required_[i]) : raw == required_[i]) found_.set(i);
    }
  }

  bool scalar() {
    switch (*p_) {
      case '"': {
        ++p_;
        bool escaped = false;
        return string_rest(escaped);
      }
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default:
        return (*p_ == '-' || is_digit(*p_)) && number();
    }
  }

  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() ||
        std::memcmp(p_, word.data(), word.size()) != 0) {
      return false;
    }
    p_ += word.size();
    return true;
  }

  // The rest of a string after its opening quote, up to and including the closing quote.
  bool string_rest(bool& escaped) {
    while (true) {
      while (p_ != end_ && kPlain[*p_]) ++p_;
      if (p_ == end_) return false;
      const unsigned char c = *p_++;
      if (c == '"') return true;
      if (c == '\\') {
        escaped = true;
        if (!escape()) return false;
      } else if (!utf8_tail(c)) {  // also refuses unescaped control characters (< 0x20)
        return false;
      }
    }
  }

  // After a backslash: one of \" \\ \/ \b \f \n \r \t \uXXXX; a high surrogate must be followed by
  // a \u low surrogate, and a low surrogate on its own is an error.
  bool escape() {
    if (p_ == end_) return false;
    switch (*p_++) {
      case '"':
      case '\\':
      case '/':
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't':
        return true;
      case 'u':
        break;
      default:
        return false;
    }
    const int cp = unicode_escape_digits();
    if (cp < 0) return false;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return false;
    if (cp < 0xD800 || cp > 0xDBFF) return true;
    if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
    p_ += 2;
    const int low = unicode_escape_digits();
    return low >= 0xDC00 && low <= 0xDFFF;
  }

  int unicode_escape_digits() {
    if (end_ - p_ < 4) return -1;
    const int cp = hex4(p_);
    p_ += 4;
    return cp;
  }

  // The continuation bytes of a UTF-8 sequence led by `lead`, with the exact byte ranges of
  // nlohmann's lexer (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
  bool utf8_tail(unsigned char lead) {
    unsigned char lo = 0x80, hi = 0xBF;
    std::ptrdiff_t n = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
      n = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      n = 2;
      if (lead == 0xE0) lo = 0xA0;
      if (lead == 0xED) hi = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      n = 3;
      if (lead == 0xF0) lo = 0x90;
      if (lead == 0xF4) hi = 0x8F;
    } else {
      return false;  // a control character, a continuation byte, C0, C1 or F5..FF
    }
    if (end_ - p_ < n || p_[0] < lo || p_[0] > hi) return false;
    for (std::ptrdiff_t i = 1; i < n; ++i) {
      if (p_[i] < 0x80 || p_[i] > 0xBF) return false;
    }
    p_ += n;
    return true;
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? whose value strtod makes finite.
  bool number() {
    const unsigned char* start = p_;
    if (*p_ == '-') ++p_;
    if (p_ == end_ || !is_digit(*p_)) return false;
    const unsigned char* int_start = p_;
    if (*p_++ != '0') {
      while (p_ != end_ && is_digit(*p_)) ++p_;
    }
    const auto int_digits = static_cast<std::int64_t>(p_ - int_start);
    if (p_ != end_ && *p_ == '.') {
      ++p_;
      if (p_ == end_ || !is_digit(*p_)) return false;
      while (p_ != end_ && is_digit(*p_)) ++p_;
    }
    std::int64_t exponent = 0;
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      bool negative = false;
      if (p_ != end_ && (*p_ == '+' || *p_ == '-')) negative = *p_++ == '-';
      if (p_ == end_ || !is_digit(*p_)) return false;
      // Saturates: a larger exponent only ever goes to strtod below.
      constexpr std::int64_t kCap = 1'000'000'000;
      for (; p_ != end_ && is_digit(*p_); ++p_) {
        exponent = std::min(kCap, exponent * 10 + (*p_ - '0'));
      }
      if (negative) exponent = -exponent;
    }
    // |value| < 10^(int_digits + exponent): at most 10^308 < DBL_MAX is finite without asking
    // strtod (this covers every integer of up to 308 digits and every usual decimal).
    if (int_digits + exponent <= 308) return true;
    return strtod_is_finite(start, p_);
  }

  const unsigned char* p_;
  const unsigned char* const end_;
  const std::vector<std::string_view>& required_;
  FoundKeys& found_;
};

}  // namespace

Status check_json_object_fields(std::string_view payload,
                                const std::vector<std::string_view>& required) {
  FoundKeys found(required.size());
  switch (Scanner(payload, required, found).run()) {
    case Verdict::kObject:
      break;
    case Verdict::kNotObject:
      return make_error("bad_report", "payload is not a JSON object");
    case Verdict::kTooDeep:
      return make_error("bad_report",
                        "payload nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  for (std::size_t i = 0; i < required.size(); ++i) {
    if (!found.get(i)) {
      return make_error("bad_report",
                        "payload lacks required field '" + std::string(required[i]) + "'");
    }
  }
  return {};
}

}  // namespace rl::ledger
