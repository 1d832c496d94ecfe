#include "ledger/text_pattern.hpp"

#include <algorithm>

namespace rl::ledger {
namespace {

Error bad(std::size_t pos, const std::string& what) {
  return make_error("bad_pattern", "pattern: position " + std::to_string(pos) + ": " + what);
}

bool special(char c) {
  return std::string_view("\\.[]{}?*+").find(c) != std::string_view::npos;
}

// Reads a number at `i` (advancing it); -1 when there is none or it is over the limit.
long read_count(std::string_view p, std::size_t& i) {
  long v = -1;
  while (i < p.size() && p[i] >= '0' && p[i] <= '9') {
    v = (v < 0 ? 0 : v) * 10 + (p[i] - '0');
    if (v > static_cast<long>(kMaxPatternRepeat)) return -2;
    ++i;
  }
  return v;
}

}  // namespace

Result<TextPattern> TextPattern::compile(std::string_view p) {
  if (p.empty() || p.size() > kMaxPatternBytes) {
    return bad(0, "a pattern is 1-" + std::to_string(kMaxPatternBytes) + " bytes");
  }
  TextPattern out;
  out.source_ = std::string(p);
  std::size_t i = 0;
  while (i < p.size()) {
    const std::size_t start = i;
    Atom atom;
    const char c = p[i];
    if (c == '\\') {
      if (i + 1 >= p.size()) return bad(i, "a backslash escapes nothing");
      atom.bytes.set(static_cast<unsigned char>(p[i + 1]));
      i += 2;
    } else if (c == '.') {
      atom.bytes.set();
      ++i;
    } else if (c == '[') {
      ++i;
      const bool negate = i < p.size() && p[i] == '^';
      if (negate) ++i;
      bool any = false;
      while (i < p.size() && (p[i] != ']' || !any)) {
        unsigned char lo = static_cast<unsigned char>(p[i]);
        if (p[i] == '\\') {
          if (i + 1 >= p.size()) return bad(i, "a backslash escapes nothing");
          lo = static_cast<unsigned char>(p[++i]);
        }
        ++i;
        unsigned char hi = lo;
        if (i + 1 < p.size() && p[i] == '-' && p[i + 1] != ']') {
          hi = static_cast<unsigned char>(p[i + 1]);
          if (hi < lo) return bad(i, "range is backwards");
          i += 2;
        }
        for (unsigned v = lo; v <= hi; ++v) atom.bytes.set(v);
        any = true;
      }
      if (i >= p.size()) return bad(start, "unclosed class");
      ++i;  // ']'
      if (negate) atom.bytes.flip();
    } else if (special(c)) {
      return bad(i, std::string("'") + c + "' needs a backslash to be literal");
    } else {
      atom.bytes.set(static_cast<unsigned char>(c));
      ++i;
    }
    if (i < p.size()) {
      const char q = p[i];
      if (q == '?' || q == '*' || q == '+') {
        atom.min = q == '+' ? 1 : 0;
        atom.max = q == '?' ? 1 : kUnbounded;
        ++i;
      } else if (q == '{') {
        const std::size_t brace = i++;
        const long m = read_count(p, i);
        long n = m;
        if (i < p.size() && p[i] == ',') {
          ++i;
          n = read_count(p, i);
        }
        if (m < 0 || n < 0 || i >= p.size() || p[i] != '}') {
          return bad(brace,
                     "repeat is {n} or {m,n} with n <= " + std::to_string(kMaxPatternRepeat));
        }
        if (n < m) return bad(brace, "repeat {m,n} needs m <= n");
        ++i;
        atom.min = static_cast<std::uint32_t>(m);
        atom.max = static_cast<std::uint32_t>(n);
      }
    }
    out.atoms_.push_back(atom);
    if (out.atoms_.size() > kMaxPatternAtoms) {
      return bad(start, "more than " + std::to_string(kMaxPatternAtoms) + " atoms");
    }
  }
  return out;
}

bool TextPattern::matches(std::string_view text) const {
  const std::size_t n = text.size();
  // reach[p]: the first p bytes can be matched by the atoms seen so far.
  std::vector<char> reach(n + 1, 0), next(n + 1, 0);
  std::vector<std::size_t> run(n + 1, 0);
  std::vector<int> diff(n + 2, 0);
  reach[0] = 1;
  for (const auto& a : atoms_) {
    // run[p]: how many bytes from p on are in the atom's set.
    run[n] = 0;
    for (std::size_t p = n; p-- > 0;) {
      run[p] = a.bytes.test(static_cast<unsigned char>(text[p])) ? run[p + 1] + 1 : 0;
    }
    std::fill(diff.begin(), diff.end(), 0);
    bool any = false;
    for (std::size_t p = 0; p <= n; ++p) {
      if (!reach[p] || run[p] < a.min) continue;
      const std::size_t most = a.max == kUnbounded ? run[p] : std::min<std::size_t>(run[p], a.max);
      diff[p + a.min] += 1;
      diff[p + most + 1] -= 1;
      any = true;
    }
    if (!any) return false;
    int open = 0;
    for (std::size_t p = 0; p <= n; ++p) {
      open += diff[p];
      next[p] = open > 0;
    }
    reach.swap(next);
  }
  return reach[n] != 0;
}

}  // namespace rl::ledger
