#pragma once
// The pattern a string column's cells must match (docs/reporting.md "Column types"): a small
// language that cannot backtrack. A pattern is a sequence of atoms, each
//   - a literal byte (escape any of \ . [ ] { } ? * + with a backslash),
//   - `.` (any byte), or a class `[A-Z0-9_-]` / `[^,]` (ranges and single bytes),
// optionally followed by `?`, `*`, `+`, `{n}` or `{m,n}` (n <= 1000). No alternation, no groups;
// the whole cell must match. Matching is O(atoms x length) whatever the input.

#include <array>
#include <bitset>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace rl::ledger {

inline constexpr std::size_t kMaxPatternBytes = 256;
inline constexpr std::size_t kMaxPatternAtoms = 64;
inline constexpr std::uint32_t kMaxPatternRepeat = 1000;

class TextPattern {
 public:
  // Code: bad_pattern, with the byte position ("position 4: unclosed class").
  static Result<TextPattern> compile(std::string_view pattern);
  bool matches(std::string_view text) const;
  const std::string& source() const { return source_; }

 private:
  struct Atom {
    std::bitset<256> bytes;
    std::uint32_t min = 1;
    std::uint32_t max = 1;  // kUnbounded for * and +
  };
  static constexpr std::uint32_t kUnbounded = UINT32_MAX;
  std::string source_;
  std::vector<Atom> atoms_;
};

}  // namespace rl::ledger
