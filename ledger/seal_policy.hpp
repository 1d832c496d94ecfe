#pragma once
// The access-policy language of sealed reports (issue #15, docs/sealed-policy.md): a sealed report
// opens only for a reader who satisfies both its T policy (set by regulators) and its S policy
// (set by the submitting department). Pure: no I/O, no state; the caller gathers the reader's
// attributes.
//
//   policy   := or_expr
//   or_expr  := and_expr ( "or" and_expr )*                 and binds tighter than or
//   and_expr := factor ( "and" factor )*
//   factor   := "(" or_expr ")"
//             | INT "of" "(" or_expr ( "," or_expr )+ ")"   k-of-n gate, 1 <= k <= n <= 16
//             | atom
//   atom     := ATTR ":" VALUE                              ATTR: org kind role dept attr
//             | "level" CMP INT                             CMP: >= <= > < =   INT: 0-99
//   VALUE    := 1-64 of [A-Za-z0-9._-], case-sensitive; kind: institution | regulator | auditor |
//               third_party; role: admin | reporter | auditor
//
//   kind:regulator and dept:aml
//   org:fiu or (role:auditor and level>=30)
//   2 of (attr:aml-cleared, dept:supervision, kind:regulator)
//
// Keywords and attribute names are case-insensitive. Space, tab and newline may stand between
// tokens; two words (names, values, numbers, keywords) need one between them. Any other control
// byte, and any byte above 0x7e, is refused.
// Nesting: at most kMaxDepth gates on any path from the root to an atom (a chain "a or b or c" is
// one gate; "(a or b) or c" merges into it too), and at most kMaxDepth open parentheses while
// parsing, which bounds the parser's recursion before the tree's depth is known.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace rl::ledger::seal_policy {

inline constexpr std::size_t kMaxPolicyBytes = 1024;  // text
inline constexpr std::size_t kMaxDepth = 8;           // nesting of gates
inline constexpr std::size_t kMaxLeaves = 32;         // atoms in one policy
inline constexpr std::size_t kMaxGateChildren = 16;   // operands of one k-of-n gate
inline constexpr std::size_t kMaxValueBytes = 64;
inline constexpr std::uint32_t kMaxLevel = 99;

// What the ledger knows about one reader (an account of an organization).
struct ReaderAttributes {
  std::string org, org_kind, role, department;  // department may be empty: no dept atom holds
  std::uint32_t level = 0;                      // LL of the account's RRLL permission code
  std::set<std::string, std::less<>> granted;   // attr:NAME, granted by governance
};

class Policy {
 public:
  // Code: bad_policy, message "at byte N: <what was expected / what is wrong>" (N 0-based), e.g.
  // "at byte 12: expected ')'", "at byte 0: policy is empty", "at byte 5: unknown attribute
  // 'colour'", "at byte 3: 3 of 2 operands". Also refused: a policy whose canonical() would be
  // longer than kMaxPolicyBytes (so that every canonical form parses again). Never throws;
  // recursion is bounded by kMaxDepth open parentheses; reads only `text`.
  static Result<Policy> parse(std::string_view text);

  // One pass over the nodes (children precede their parents), no recursion.
  bool allows(const ReaderAttributes& reader) const;

  // Lowercase keywords and attribute names, values as written, "level>=30" without spaces or
  // leading zeros, single spaces around "and"/"or", "K of (a, b)". Operands keep their order.
  // Parentheses exactly around an and-gate operand of an or-gate and an or-gate operand of an
  // and-gate, so precedence never decides the reading: "a or b and c" -> "org:a or (org:b and
  // org:c)". parse(canonical()).canonical() == canonical(), with the same tree.
  std::string canonical() const;

  std::size_t leaves() const;  // atoms
  std::size_t depth() const;   // gates on the longest root-to-atom path; 0 for a lone atom

 private:
  class Parser;
  enum class Kind : std::uint8_t { kAtom, kAnd, kOr, kOf };
  enum class Attr : std::uint8_t { kOrg, kKind, kRole, kDept, kAttr, kLevel };
  enum class Cmp : std::uint8_t { kGe, kLe, kGt, kLt, kEq };
  struct Node {
    Kind kind = Kind::kAtom;
    Attr attr = Attr::kOrg;
    Cmp cmp = Cmp::kEq;
    std::uint32_t number = 0;  // the level of a level atom, k of a k-of-n gate
    std::uint32_t first = 0;   // a gate's operands: kids_[first, first + count)
    std::uint32_t count = 0;
    std::uint32_t pos = 0;  // where it starts in the parsed text, for parse errors
    std::string value;      // of an ATTR:VALUE atom
  };

  Policy() = default;
  void write(std::string& out, std::uint32_t node, Kind parent) const;

  std::vector<Node> nodes_;  // post-order: operands before their gate, the root last
  std::vector<std::uint32_t> kids_;
  std::size_t leaves_ = 0;
  std::size_t depth_ = 0;
};

}  // namespace rl::ledger::seal_policy
