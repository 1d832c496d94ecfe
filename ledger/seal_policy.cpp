#include "ledger/seal_policy.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <utility>

namespace rl::ledger::seal_policy {
namespace {

// Every gate has at least two operands, so a policy has at most kMaxLeaves - 1 gates.
constexpr std::size_t kMaxNodes = 2 * kMaxLeaves - 1;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_word(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '.' || c == '_' ||
         c == '-';
}
char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equals_lower(std::string_view word, std::string_view keyword) {
  return word.size() == keyword.size() && std::equal(word.begin(), word.end(), keyword.begin(),
                                                     [](char a, char b) { return lower(a) == b; });
}

// Decimal digits to a number that saturates at 1000: every limit here is far below it.
std::uint32_t to_number(std::string_view digits) {
  std::uint32_t n = 0;
  for (char c : digits)
    n = std::min<std::uint32_t>(n * 10 + static_cast<std::uint32_t>(c - '0'), 1000);
  return n;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

// Words quoted back in messages are ours to bound: a 1000-byte name would drown the message.
std::string quoted(std::string_view word) {
  constexpr std::size_t kShown = 40;
  // Appended piece by piece: GCC 12 at -O3 reports a false -Wrestrict for "'" + std::string.
  std::string out(1, '\'');
  out.append(word.substr(0, kShown));
  if (word.size() > kShown) out.append("...");
  out.push_back('\'');
  return out;
}

constexpr std::array<std::string_view, 4> kKinds = {"institution", "regulator", "auditor",
                                                    "third_party"};
constexpr std::array<std::string_view, 3> kRoles = {"admin", "reporter", "auditor"};

}  // namespace

class Policy::Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  Result<Policy> run() {
    if (s_.size() > kMaxPolicyBytes) {
      return fail(kMaxPolicyBytes,
                  "policy is longer than " + std::to_string(kMaxPolicyBytes) + " bytes");
    }
    // Bytes first, so that the grammar below only ever meets printable ASCII and whitespace.
    for (std::size_t i = 0; i < s_.size(); ++i) {
      const auto b = static_cast<unsigned char>(s_[i]);
      if (!is_space(s_[i]) && (b < 0x20 || b > 0x7e)) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", b);
        return fail(i, std::string("byte ") + hex +
                           " is not allowed (printable ASCII, space, tab, newline)");
      }
    }
    skip_space();
    if (at_end()) return fail(0, "policy is empty");
    RL_TRY(parse_or());  // the root is the last node
    skip_space();
    if (!at_end()) {
      if (s_[i_] == ')') return fail(i_, "')' without a matching '('");
      return fail(i_, "expected 'and', 'or' or the end of the policy");
    }
    RL_TRY(check_depth());
    p_.leaves_ = leaves_;
    std::string canonical = p_.canonical();
    if (canonical.size() > kMaxPolicyBytes) {
      return fail(s_.size(), "the canonical form is " + std::to_string(canonical.size()) +
                                 " bytes, longer than " + std::to_string(kMaxPolicyBytes));
    }
    return std::move(p_);
  }

 private:
  static Error fail(std::size_t at, const std::string& what) {
    return make_error("bad_policy", "at byte " + std::to_string(at) + ": " + what);
  }

  bool at_end() const { return i_ >= s_.size(); }
  void skip_space() {
    while (!at_end() && is_space(s_[i_])) ++i_;
  }
  std::size_t word_end(std::size_t from) const {
    while (from < s_.size() && is_word(s_[from])) ++from;
    return from;
  }
  // The word at the cursor is `keyword` (case-insensitive), not merely its prefix.
  bool keyword_here(std::string_view keyword) const {
    return equals_lower(s_.substr(i_, word_end(i_) - i_), keyword);
  }

  // Each '(' (a group or a k-of-n gate) is checked here before the parser recurses into it.
  Status open_paren() {
    if (parens_ >= kMaxDepth) {
      return fail(i_, "nesting deeper than " + std::to_string(kMaxDepth));
    }
    ++parens_;
    ++i_;
    return {};
  }

  // An and-operand of an and-gate (or an or of an or) only comes from a parenthesized group and
  // means the same as its operands inline: they join this gate. It is always the newest node,
  // and its operands the newest slice of kids_, so it is simply taken off the end.
  void add_operand(std::vector<std::uint32_t>& ops, std::uint32_t node, Kind gate) {
    const Node& n = p_.nodes_[node];
    if (n.kind != gate || node + 1 != p_.nodes_.size()) {
      ops.push_back(node);
      return;
    }
    ops.insert(ops.end(), p_.kids_.begin() + n.first, p_.kids_.end());
    p_.kids_.resize(n.first);
    p_.nodes_.pop_back();
  }

  std::uint32_t add_gate(Kind kind, const std::vector<std::uint32_t>& ops, std::size_t pos,
                         std::uint32_t k = 0) {
    Node n;
    n.kind = kind;
    n.number = k;
    n.first = static_cast<std::uint32_t>(p_.kids_.size());
    n.count = static_cast<std::uint32_t>(ops.size());
    n.pos = static_cast<std::uint32_t>(pos);
    p_.kids_.insert(p_.kids_.end(), ops.begin(), ops.end());
    p_.nodes_.push_back(std::move(n));
    return static_cast<std::uint32_t>(p_.nodes_.size() - 1);
  }

  // or_expr and and_expr: a chain of one operator is one gate.
  Result<std::uint32_t> parse_chain(Kind kind) {
    const bool is_or = kind == Kind::kOr;
    skip_space();
    const std::size_t pos = i_;
    std::vector<std::uint32_t> ops;
    while (true) {
      RL_ASSIGN_OR_RETURN(const std::uint32_t op, is_or ? parse_chain(Kind::kAnd) : parse_factor());
      add_operand(ops, op, kind);
      skip_space();
      if (!keyword_here(is_or ? "or" : "and")) break;
      i_ += is_or ? 2 : 3;
    }
    if (ops.size() == 1) return ops.front();
    return add_gate(kind, ops, pos);
  }
  Result<std::uint32_t> parse_or() { return parse_chain(Kind::kOr); }

  Result<std::uint32_t> parse_factor() {
    skip_space();
    if (at_end()) {
      return fail(i_, "the policy ends where an attribute, level, '(' or 'k of (' is expected");
    }
    if (s_[i_] == '(') {
      const std::size_t open = i_;
      RL_TRY(open_paren());
      RL_ASSIGN_OR_RETURN(const std::uint32_t inner, parse_or());
      skip_space();
      if (at_end() || s_[i_] != ')') return fail(i_, "expected ')'");
      ++i_;
      --parens_;
      // A gate starts at the parenthesis around it: a gate merged into its parent chain keeps
      // the same position as one that is not.
      if (p_.nodes_[inner].kind != Kind::kAtom)
        p_.nodes_[inner].pos = static_cast<std::uint32_t>(open);
      return inner;
    }
    const std::size_t start = i_;
    const std::size_t end = word_end(i_);
    if (end == start) {
      return fail(i_, "expected an attribute, level, '(' or 'k of (' here");
    }
    const std::string_view word = s_.substr(start, end - start);
    if (is_digit(word.front())) return parse_gate(start, end);
    for (std::string_view kw : {"and", "or", "of"}) {
      if (equals_lower(word, kw)) {
        return fail(start, quoted(kw) + " where an attribute, level, '(' or 'k of (' is expected");
      }
    }
    static constexpr std::array<std::pair<std::string_view, Attr>, 6> kAttrs = {{
        {"org", Attr::kOrg},
        {"kind", Attr::kKind},
        {"role", Attr::kRole},
        {"dept", Attr::kDept},
        {"attr", Attr::kAttr},
        {"level", Attr::kLevel},
    }};
    for (const auto& [name, attr] : kAttrs) {
      if (!equals_lower(word, name)) continue;
      if (leaves_ >= kMaxLeaves) {
        return fail(start, "more than " + std::to_string(kMaxLeaves) + " attributes");
      }
      ++leaves_;
      i_ = end;
      return attr == Attr::kLevel ? parse_level(start) : parse_attr(start, name, attr);
    }
    return fail(start, "unknown attribute " + quoted(word));
  }

  Result<std::uint32_t> parse_attr(std::size_t start, std::string_view name, Attr attr) {
    skip_space();
    if (at_end() || s_[i_] != ':') return fail(i_, "expected ':' after " + quoted(name));
    ++i_;
    skip_space();
    const std::size_t vstart = i_;
    const std::size_t vend = word_end(i_);
    if (vend == vstart) {
      return fail(vstart, "expected a value (1-" + std::to_string(kMaxValueBytes) +
                              " of A-Z a-z 0-9 . _ -)");
    }
    if (vend - vstart > kMaxValueBytes) {
      return fail(vstart + kMaxValueBytes,
                  "value is longer than " + std::to_string(kMaxValueBytes) + " bytes");
    }
    // Only whitespace, ',' and ')' may follow a value: anything else glued to it is a character
    // the value may not hold, and saying so beats "expected 'and'".
    if (vend < s_.size() && !is_space(s_[vend]) && s_[vend] != ',' && s_[vend] != ')') {
      return fail(
          vend, "'" + std::string(1, s_[vend]) + "' is not allowed in a value (A-Z a-z 0-9 . _ -)");
    }
    const std::string_view value = s_.substr(vstart, vend - vstart);
    // A misspelt kind or role would make the policy silently unsatisfiable: refuse it here.
    if (attr == Attr::kKind && std::find(kKinds.begin(), kKinds.end(), value) == kKinds.end()) {
      return fail(vstart, "unknown kind " + quoted(value) +
                              " (institution, regulator, auditor or third_party)");
    }
    if (attr == Attr::kRole && std::find(kRoles.begin(), kRoles.end(), value) == kRoles.end()) {
      return fail(vstart, "unknown role " + quoted(value) + " (admin, reporter or auditor)");
    }
    i_ = vend;
    Node n;
    n.attr = attr;
    n.pos = static_cast<std::uint32_t>(start);
    n.value = std::string(value);
    p_.nodes_.push_back(std::move(n));
    return static_cast<std::uint32_t>(p_.nodes_.size() - 1);
  }

  Result<std::uint32_t> parse_level(std::size_t start) {
    skip_space();
    Cmp cmp = Cmp::kEq;
    const auto two = s_.substr(i_, 2);
    if (two == ">=" || two == "<=") {
      cmp = two == ">=" ? Cmp::kGe : Cmp::kLe;
      i_ += 2;
    } else if (!at_end() && (s_[i_] == '>' || s_[i_] == '<' || s_[i_] == '=')) {
      cmp = s_[i_] == '>' ? Cmp::kGt : s_[i_] == '<' ? Cmp::kLt : Cmp::kEq;
      ++i_;
    } else {
      return fail(i_, "expected >=, <=, >, < or = after 'level'");
    }
    skip_space();
    const std::size_t nstart = i_;
    const std::size_t nend = word_end(i_);
    const std::string_view digits = s_.substr(nstart, nend - nstart);
    if (!all_digits(digits)) {
      return fail(nstart, digits.empty() ? std::string("expected a level 0-99")
                                         : "expected a level 0-99, not " + quoted(digits));
    }
    const std::uint32_t level = to_number(digits);
    if (level > kMaxLevel) return fail(nstart, "level " + quoted(digits) + " is out of range 0-99");
    i_ = nend;
    Node n;
    n.attr = Attr::kLevel;
    n.cmp = cmp;
    n.number = level;
    n.pos = static_cast<std::uint32_t>(start);
    p_.nodes_.push_back(std::move(n));
    return static_cast<std::uint32_t>(p_.nodes_.size() - 1);
  }

  // INT "of" "(" or_expr ( "," or_expr )+ ")"; the number is the word [start, end).
  Result<std::uint32_t> parse_gate(std::size_t start, std::size_t end) {
    std::size_t dend = start;
    while (dend < end && is_digit(s_[dend])) ++dend;
    if (dend != end) return fail(dend, "expected ' of (' after the number");
    const std::uint32_t k = to_number(s_.substr(start, end - start));
    if (k == 0) return fail(start, "k of (...) needs k >= 1");
    if (k > kMaxGateChildren) {
      return fail(start, "k of (...) needs k <= " + std::to_string(kMaxGateChildren) +
                             ", the most operands a gate has");
    }
    i_ = end;
    skip_space();
    if (!keyword_here("of")) return fail(i_, "expected 'of' after the number");
    i_ += 2;
    skip_space();
    if (at_end() || s_[i_] != '(') return fail(i_, "expected '(' after 'of'");
    RL_TRY(open_paren());
    std::vector<std::uint32_t> ops;
    std::size_t close = 0;
    while (true) {
      skip_space();
      if (ops.size() == kMaxGateChildren) {
        return fail(i_, "more than " + std::to_string(kMaxGateChildren) + " operands in 'k of'");
      }
      RL_ASSIGN_OR_RETURN(const std::uint32_t op, parse_or());
      ops.push_back(op);
      skip_space();
      if (!at_end() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (!at_end() && s_[i_] == ')') {
        close = i_++;
        break;
      }
      return fail(i_, "expected ',' or ')'");
    }
    --parens_;
    if (ops.size() < 2) return fail(close, "'k of' needs at least 2 operands");
    if (k > ops.size()) {
      return fail(start, std::to_string(k) + " of " + std::to_string(ops.size()) + " operands");
    }
    return add_gate(Kind::kOf, ops, start, k);
  }

  // Gate depth is known only bottom-up, once the tree is built (the parentheses bounded the
  // recursion meanwhile). When it is too deep, the error points at the first gate that sits
  // below kMaxDepth others: where the nesting went too far, not at the root.
  Status check_depth() {
    const auto& nodes = p_.nodes_;
    std::vector<std::size_t> height(nodes.size(), 0);
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      if (nodes[i].kind == Kind::kAtom) continue;
      std::size_t h = 0;
      for (std::uint32_t c = 0; c < nodes[i].count; ++c) {
        h = std::max(h, height[p_.kids_[nodes[i].first + c]]);
      }
      height[i] = h + 1;
    }
    p_.depth_ = height.back();
    if (p_.depth_ <= kMaxDepth) return {};
    // Levels from the root down: parents come after their operands, so walk backwards.
    std::vector<std::size_t> level(nodes.size(), 0);
    level.back() = 1;
    std::size_t first = s_.size();
    for (std::size_t i = nodes.size(); i-- > 0;) {
      if (nodes[i].kind == Kind::kAtom) continue;
      if (level[i] == kMaxDepth + 1) first = std::min<std::size_t>(first, nodes[i].pos);
      for (std::uint32_t c = 0; c < nodes[i].count; ++c)
        level[p_.kids_[nodes[i].first + c]] = level[i] + 1;
    }
    return fail(first, "nesting deeper than " + std::to_string(kMaxDepth));
  }

  std::string_view s_;
  std::size_t i_ = 0;
  std::size_t parens_ = 0;
  std::size_t leaves_ = 0;
  Policy p_;
};

Result<Policy> Policy::parse(std::string_view text) {
  return Parser(text).run();
}

bool Policy::allows(const ReaderAttributes& reader) const {
  // Operands precede their gate, so one forward pass sees every operand's value first.
  if (nodes_.empty()) return false;  // only a moved-from Policy
  std::array<bool, kMaxNodes> v{};
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    const Node& n = nodes_[i];
    bool r = false;
    switch (n.kind) {
      case Kind::kAtom:
        switch (n.attr) {
          case Attr::kOrg:
            r = reader.org == n.value;
            break;
          case Attr::kKind:
            r = reader.org_kind == n.value;
            break;
          case Attr::kRole:
            r = reader.role == n.value;
            break;
          case Attr::kDept:
            r = !reader.department.empty() && reader.department == n.value;
            break;
          case Attr::kAttr:
            r = reader.granted.find(std::string_view(n.value)) != reader.granted.end();
            break;
          case Attr::kLevel:
            switch (n.cmp) {
              case Cmp::kGe:
                r = reader.level >= n.number;
                break;
              case Cmp::kLe:
                r = reader.level <= n.number;
                break;
              case Cmp::kGt:
                r = reader.level > n.number;
                break;
              case Cmp::kLt:
                r = reader.level < n.number;
                break;
              case Cmp::kEq:
                r = reader.level == n.number;
                break;
            }
            break;
        }
        break;
      case Kind::kAnd:
      case Kind::kOr:
      case Kind::kOf: {
        std::uint32_t held = 0;
        for (std::uint32_t c = 0; c < n.count; ++c) held += v[kids_[n.first + c]] ? 1 : 0;
        r = n.kind == Kind::kAnd  ? held == n.count
            : n.kind == Kind::kOr ? held > 0
                                  : held >= n.number;
        break;
      }
    }
    v[i] = r;
  }
  return v[nodes_.size() - 1];
}

// Recursion here is bounded: parse() refused every tree deeper than kMaxDepth gates.
void Policy::write(std::string& out, std::uint32_t node, Kind parent) const {
  static constexpr std::array<std::string_view, 6> kNames = {"org",  "kind", "role",
                                                             "dept", "attr", "level"};
  static constexpr std::array<std::string_view, 5> kCmps = {">=", "<=", ">", "<", "="};
  const Node& n = nodes_[node];
  switch (n.kind) {
    case Kind::kAtom:
      out += kNames[static_cast<std::size_t>(n.attr)];
      if (n.attr == Attr::kLevel) {
        out += kCmps[static_cast<std::size_t>(n.cmp)];
        out += std::to_string(n.number);
      } else {
        out += ':';
        out += n.value;
      }
      return;
    case Kind::kOf:
      out += std::to_string(n.number);
      out += " of (";
      for (std::uint32_t c = 0; c < n.count; ++c) {
        if (c > 0) out += ", ";
        write(out, kids_[n.first + c], Kind::kOf);
      }
      out += ')';
      return;
    case Kind::kAnd:
    case Kind::kOr: {
      const bool parens = parent == Kind::kAnd || parent == Kind::kOr;
      if (parens) out += '(';
      for (std::uint32_t c = 0; c < n.count; ++c) {
        if (c > 0) out += n.kind == Kind::kAnd ? " and " : " or ";
        write(out, kids_[n.first + c], n.kind);
      }
      if (parens) out += ')';
      return;
    }
  }
}

std::string Policy::canonical() const {
  std::string out;
  if (nodes_.empty()) return out;  // only a moved-from Policy
  // The root has no parent gate; kAtom stands for "none" here.
  write(out, static_cast<std::uint32_t>(nodes_.size() - 1), Kind::kAtom);
  return out;
}

std::size_t Policy::leaves() const {
  return leaves_;
}
std::size_t Policy::depth() const {
  return depth_;
}

}  // namespace rl::ledger::seal_policy
