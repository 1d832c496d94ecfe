// The access-policy language of sealed reports (ledger/seal_policy.hpp, docs/sealed-policy.md):
// each atom, precedence, k-of-n, case rules, the canonical form (hand-picked and on random trees
// against an independent evaluator), and every refusal with its exact message and byte position.
#include "ledger/seal_policy.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace rl::ledger::seal_policy {
namespace {

std::optional<Policy> parsed(std::string_view text) {
  auto p = Policy::parse(text);
  if (!p.ok()) {
    ADD_FAILURE() << "'" << text << "' refused: " << p.error().to_string();
    return std::nullopt;
  }
  return std::move(p).value();
}

// The message of the refusal, or a note that it parsed (which no caller expects).
std::string refusal(std::string_view text) {
  auto p = Policy::parse(text);
  if (p.ok()) return "parsed as " + p->canonical();
  EXPECT_EQ(p.error().code, "bad_policy");
  return p.error().message;
}

bool allows(std::string_view text, const ReaderAttributes& reader) {
  auto p = parsed(text);
  return p && p->allows(reader);
}

std::string canonical(std::string_view text) {
  auto p = parsed(text);
  return p ? p->canonical() : "<refused>";
}

// A regulator's auditor at level 30 in the AML department, cleared for AML.
ReaderAttributes reader() {
  ReaderAttributes r;
  r.org = "fiu";
  r.org_kind = "regulator";
  r.role = "auditor";
  r.department = "aml";
  r.level = 30;
  r.granted = {"aml-cleared", "fiu"};
  return r;
}

ReaderAttributes with_attrs(std::set<std::string, std::less<>> granted) {
  ReaderAttributes r = reader();
  r.granted = std::move(granted);
  return r;
}

TEST(SealPolicy, OrgAtomComparesTheOrganizationId) {
  EXPECT_TRUE(allows("org:fiu", reader()));
  EXPECT_FALSE(allows("org:bank1", reader()));
  EXPECT_FALSE(allows("org:fi", reader()));  // whole value, not a prefix
}

TEST(SealPolicy, KindAtomComparesTheOrganizationKind) {
  EXPECT_TRUE(allows("kind:regulator", reader()));
  EXPECT_FALSE(allows("kind:institution", reader()));
  ReaderAttributes tp = reader();
  tp.org_kind = "third_party";
  EXPECT_TRUE(allows("kind:third_party", tp));
  EXPECT_FALSE(allows("kind:regulator", tp));
}

TEST(SealPolicy, RoleAtomComparesTheAccountRole) {
  EXPECT_TRUE(allows("role:auditor", reader()));
  EXPECT_FALSE(allows("role:admin", reader()));
  EXPECT_FALSE(allows("role:reporter", reader()));
}

TEST(SealPolicy, DeptAtomComparesTheDepartment) {
  EXPECT_TRUE(allows("dept:aml", reader()));
  EXPECT_FALSE(allows("dept:supervision", reader()));
}

TEST(SealPolicy, EmptyDepartmentNeverMatchesADeptAtom) {
  ReaderAttributes r = reader();
  r.department.clear();
  EXPECT_FALSE(allows("dept:x", r));
  EXPECT_FALSE(allows("dept:aml", r));
  EXPECT_EQ(refusal("dept:"), "at byte 5: expected a value (1-64 of A-Z a-z 0-9 . _ -)");
  r.department = "x";
  EXPECT_TRUE(allows("dept:x", r));
}

TEST(SealPolicy, AttrAtomLooksInTheGrantedSet) {
  EXPECT_TRUE(allows("attr:aml-cleared", reader()));
  EXPECT_FALSE(allows("attr:tax-cleared", reader()));
  EXPECT_FALSE(allows("attr:aml", reader()));
  // attr:fiu is about the granted set, not the reader's organization.
  ReaderAttributes r = reader();
  r.granted.clear();
  EXPECT_FALSE(allows("attr:fiu", r));
}

TEST(SealPolicy, LevelComparisonsAtTheirBoundaries) {
  struct Case {
    const char* policy;
    bool at29, at30, at31;
  };
  const Case cases[] = {
      {"level>=30", false, true, true}, {"level<=30", true, true, false},
      {"level>30", false, false, true}, {"level<30", true, false, false},
      {"level=30", false, true, false},
  };
  for (const Case& c : cases) {
    ReaderAttributes r = reader();
    r.level = 29;
    EXPECT_EQ(allows(c.policy, r), c.at29) << c.policy << " at 29";
    r.level = 30;
    EXPECT_EQ(allows(c.policy, r), c.at30) << c.policy << " at 30";
    r.level = 31;
    EXPECT_EQ(allows(c.policy, r), c.at31) << c.policy << " at 31";
  }
  ReaderAttributes r = reader();
  r.level = 0;
  EXPECT_TRUE(allows("level>=0", r));
  EXPECT_FALSE(allows("level<0", r));
  EXPECT_TRUE(allows("level=0", r));
  r.level = 99;
  EXPECT_TRUE(allows("level<=99", r));
  EXPECT_FALSE(allows("level>99", r));
  EXPECT_TRUE(allows("level=99", r));
}

TEST(SealPolicy, AndBindsTighterThanOr) {
  // a or (b and c) holds for {a}; (a or b) and c would not.
  EXPECT_TRUE(allows("attr:a or attr:b and attr:c", with_attrs({"a"})));
  EXPECT_FALSE(allows("(attr:a or attr:b) and attr:c", with_attrs({"a"})));
  // (a and b) or c holds for {c}; a and (b or c) would not.
  EXPECT_TRUE(allows("attr:a and attr:b or attr:c", with_attrs({"c"})));
  EXPECT_FALSE(allows("attr:a and (attr:b or attr:c)", with_attrs({"c"})));
  EXPECT_FALSE(allows("attr:a or attr:b and attr:c", with_attrs({"b"})));
  EXPECT_TRUE(allows("attr:a or attr:b and attr:c", with_attrs({"b", "c"})));
}

TEST(SealPolicy, AndNeedsAllOrNeedsOne) {
  EXPECT_TRUE(allows("attr:a and attr:b and attr:c", with_attrs({"a", "b", "c"})));
  EXPECT_FALSE(allows("attr:a and attr:b and attr:c", with_attrs({"a", "c"})));
  EXPECT_TRUE(allows("attr:a or attr:b or attr:c", with_attrs({"c"})));
  EXPECT_FALSE(allows("attr:a or attr:b or attr:c", with_attrs({"d"})));
}

TEST(SealPolicy, KOfNCountsTheOperandsThatHold) {
  const std::string one = "1 of (attr:a, attr:b, attr:c)";
  const std::string two = "2 of (attr:a, attr:b, attr:c)";
  const std::string all = "3 of (attr:a, attr:b, attr:c)";
  const std::vector<std::set<std::string, std::less<>>> held = {
      {}, {"b"}, {"a", "c"}, {"a", "b", "c"}};
  const bool expect_one[] = {false, true, true, true};
  const bool expect_two[] = {false, false, true, true};
  const bool expect_all[] = {false, false, false, true};
  for (std::size_t i = 0; i < held.size(); ++i) {
    EXPECT_EQ(allows(one, with_attrs(held[i])), expect_one[i]) << i;
    EXPECT_EQ(allows(two, with_attrs(held[i])), expect_two[i]) << i;
    EXPECT_EQ(allows(all, with_attrs(held[i])), expect_all[i]) << i;
  }
  // Operands are whole expressions.
  EXPECT_TRUE(allows("2 of (attr:a and attr:b, attr:c or attr:d, level>=30)", with_attrs({"d"})));
  EXPECT_FALSE(
      allows("2 of (attr:a and attr:b, attr:c or attr:d, level>=31)", with_attrs({"a", "d"})));
}

TEST(SealPolicy, KeywordsAreCaseInsensitiveValuesAreNot) {
  EXPECT_TRUE(allows("ORG:fiu AND Kind:regulator", reader()));
  EXPECT_TRUE(allows("org:x Or DEPT:aml", reader()));
  EXPECT_TRUE(allows("LEVEL>=30 and ROLE:auditor and ATTR:aml-cleared", reader()));
  EXPECT_TRUE(allows("2 OF (org:fiu, org:x, dept:aml)", reader()));
  EXPECT_TRUE(allows("2 Of (org:fiu, org:x, dept:aml)", reader()));
  EXPECT_EQ(canonical("ORG:fiu AND Kind:regulator OR 1 OF (LeVeL=3, Attr:x)"),
            "(org:fiu and kind:regulator) or 1 of (level=3, attr:x)");
  EXPECT_FALSE(allows("org:FIU", reader()));
  EXPECT_FALSE(allows("dept:AML", reader()));
  EXPECT_FALSE(allows("attr:AML-cleared", reader()));
  EXPECT_EQ(canonical("org:FIU"), "org:FIU");
  EXPECT_EQ(refusal("kind:Regulator"),
            "at byte 5: unknown kind 'Regulator' (institution, regulator, auditor or third_party)");
  EXPECT_EQ(refusal("role:Auditor"),
            "at byte 5: unknown role 'Auditor' (admin, reporter or auditor)");
}

TEST(SealPolicy, KindAndRoleValuesAreTheLedgers) {
  for (const char* k : {"institution", "regulator", "auditor", "third_party"}) {
    EXPECT_TRUE(Policy::parse(std::string("kind:") + k).ok()) << k;
  }
  for (const char* r : {"admin", "reporter", "auditor"}) {
    EXPECT_TRUE(Policy::parse(std::string("role:") + r).ok()) << r;
  }
  EXPECT_EQ(refusal("org:a or kind:bank"),
            "at byte 14: unknown kind 'bank' (institution, regulator, auditor or third_party)");
  EXPECT_EQ(refusal("role:root"), "at byte 5: unknown role 'root' (admin, reporter or auditor)");
}

TEST(SealPolicy, WhitespaceIsFreeBetweenTokens) {
  EXPECT_EQ(canonical(" org\t:\nfiu\nand\tlevel >=  30 "), "org:fiu and level>=30");
  EXPECT_EQ(canonical("(org:a)or(org:b)"), "org:a or org:b");
  EXPECT_EQ(canonical("2 of(org:a,org:b)"), "2 of (org:a, org:b)");
  EXPECT_EQ(canonical("\n2\nof\n(\norg:a\n,\norg:b\n)\n"), "2 of (org:a, org:b)");
  // Two words need a separator: "org:aor" is one value.
  EXPECT_EQ(refusal("org:aor org:b"), "at byte 8: expected 'and', 'or' or the end of the policy");
  EXPECT_EQ(refusal("2of (org:a, org:b)"), "at byte 1: expected ' of (' after the number");
}

TEST(SealPolicy, CanonicalFormRule) {
  struct Case {
    const char* in;
    const char* out;
    std::size_t depth, leaves;
  };
  const Case cases[] = {
      {"org:a", "org:a", 0, 1},
      {"((org:a))", "org:a", 0, 1},
      {"org:a or org:b and org:c", "org:a or (org:b and org:c)", 2, 3},
      {"org:a and org:b or org:c", "(org:a and org:b) or org:c", 2, 3},
      {"(org:a or org:b) and org:c", "(org:a or org:b) and org:c", 2, 3},
      // A same-operator group merges into its parent gate.
      {"(org:a or org:b) or org:c", "org:a or org:b or org:c", 1, 3},
      {"org:a and (org:b and (org:c and org:d))", "org:a and org:b and org:c and org:d", 1, 4},
      {"org:a or (org:b or org:c) and org:d", "org:a or ((org:b or org:c) and org:d)", 3, 4},
      // k-of-n gates never merge and need no parentheses of their own.
      {"2 of (org:a, 2 of (org:b, org:c))", "2 of (org:a, 2 of (org:b, org:c))", 2, 3},
      {"1 of (org:a, org:b) and org:c", "1 of (org:a, org:b) and org:c", 2, 3},
      {"2 of (org:a or org:b and org:c, (org:d))", "2 of (org:a or (org:b and org:c), org:d)", 3,
       4},
      {"org:a and 1 of (org:b, org:c) or org:d", "(org:a and 1 of (org:b, org:c)) or org:d", 3, 4},
      {"level>=007 or level = 0 or level<99", "level>=7 or level=0 or level<99", 1, 3},
      {"attr:A.b_c-9 and dept:Sup.2", "attr:A.b_c-9 and dept:Sup.2", 1, 2},
      {"kind:regulator or attr:fiu", "kind:regulator or attr:fiu", 1, 2},
      {"dept:aml or role:auditor", "dept:aml or role:auditor", 1, 2},
  };
  for (const Case& c : cases) {
    auto p = parsed(c.in);
    if (!p) continue;
    EXPECT_EQ(p->canonical(), c.out) << c.in;
    EXPECT_EQ(p->depth(), c.depth) << c.in;
    EXPECT_EQ(p->leaves(), c.leaves) << c.in;
    auto again = parsed(p->canonical());
    if (!again) continue;
    EXPECT_EQ(again->canonical(), p->canonical()) << c.in;
    EXPECT_EQ(again->depth(), p->depth()) << c.in;
    EXPECT_EQ(again->leaves(), p->leaves()) << c.in;
  }
}

// --- Random trees, rendered in a random (non-canonical) style, against a plain evaluator. ---

struct Tree {
  enum Kind { kAtom, kAnd, kOr, kOf } kind = kAtom;
  std::string attr, value;   // atoms; attr "level" uses value as "CMP" and `number`
  std::uint32_t number = 0;  // level or k
  std::vector<Tree> kids;
};

const std::vector<std::string> kOrgs = {"o1", "o2", "O1"};
const std::vector<std::string> kKinds = {"institution", "regulator", "auditor", "third_party"};
const std::vector<std::string> kRoles = {"admin", "reporter", "auditor"};
const std::vector<std::string> kDepts = {"d1", "d2"};
const std::vector<std::string> kGranted = {"g1", "g2", "g.3"};
const std::vector<std::uint32_t> kLevels = {0, 29, 30, 31, 99};

class Generator {
 public:
  explicit Generator(std::uint32_t seed) : rng_(seed) {}

  std::size_t pick(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }
  template <typename T>
  const T& pick(const std::vector<T>& v) {
    return v[pick(v.size())];
  }

  Tree tree(std::size_t depth_left, std::size_t& leaves_left) {
    Tree t;
    if (depth_left == 0 || leaves_left < 3 || pick(3) == 0) {
      --leaves_left;
      switch (pick(6)) {
        case 0:
          t.attr = "org", t.value = pick(kOrgs);
          break;
        case 1:
          t.attr = "kind", t.value = pick(kKinds);
          break;
        case 2:
          t.attr = "role", t.value = pick(kRoles);
          break;
        case 3:
          t.attr = "dept", t.value = pick(kDepts);
          break;
        case 4:
          t.attr = "attr", t.value = pick(kGranted);
          break;
        default:
          t.attr = "level";
          t.value = pick(std::vector<std::string>{">=", "<=", ">", "<", "="});
          t.number = pick(kLevels);
      }
      return t;
    }
    t.kind = static_cast<Tree::Kind>(1 + pick(3));
    const std::size_t n = 2 + pick(3);
    for (std::size_t i = 0; i < n && leaves_left > 0; ++i) {
      t.kids.push_back(tree(depth_left - 1, leaves_left));
    }
    if (t.kids.size() < 2) {  // out of leaves: this one becomes an atom
      return t.kids.front();
    }
    if (t.kind == Tree::kOf) t.number = 1 + static_cast<std::uint32_t>(pick(t.kids.size()));
    return t;
  }

  std::string keyword(const std::string& kw) {
    std::string out = kw;
    for (char& c : out) {
      if (pick(2) == 0) c = static_cast<char>(c - 'a' + 'A');
    }
    return out;
  }
  std::string space(bool required) {
    static const std::vector<std::string> kSpaces = {" ", "  ", "\t", "\n", " \n\t"};
    if (!required && pick(3) == 0) return "";
    return pick(kSpaces);
  }

  // Text for `t`; parentheses where precedence needs them and, near the root, now and then
  // where it does not (at most two of those on a path, so that all stay within the limit of 8).
  std::string render(const Tree& t, Tree::Kind parent, std::size_t parens) {
    const bool needs = t.kind == Tree::kOr && parent == Tree::kAnd;
    const bool wrap = needs || (parens < 2 && pick(4) == 0);
    const std::size_t inner = parens + (wrap ? 1 : 0);
    std::string body;
    switch (t.kind) {
      case Tree::kAtom:
        if (t.attr == "level") {
          body =
              keyword("level") + space(false) + t.value + space(false) + std::to_string(t.number);
        } else {
          body = keyword(t.attr) + space(false) + ":" + space(false) + t.value;
        }
        break;
      case Tree::kOf:
        body = std::to_string(t.number) + space(true) + keyword("of") + space(false) + "(";
        for (std::size_t i = 0; i < t.kids.size(); ++i) {
          if (i > 0) body += space(false) + "," + space(false);
          body += render(t.kids[i], Tree::kOf, inner + 1);
        }
        body += space(false) + ")";
        break;
      case Tree::kAnd:
      case Tree::kOr:
        for (std::size_t i = 0; i < t.kids.size(); ++i) {
          if (i > 0)
            body += space(true) + keyword(t.kind == Tree::kAnd ? "and" : "or") + space(true);
          body += render(t.kids[i], t.kind, inner);
        }
        break;
    }
    return wrap ? "(" + space(false) + body + space(false) + ")" : body;
  }

  ReaderAttributes reader() {
    ReaderAttributes r;
    r.org = pick(kOrgs);
    r.org_kind = pick(kKinds);
    r.role = pick(kRoles);
    r.department = pick(3) == 0 ? "" : pick(kDepts);
    r.level = pick(kLevels) + static_cast<std::uint32_t>(pick(3)) - 1;
    if (r.level > 99) r.level = pick(2) == 0 ? 0 : 99;
    for (const auto& g : kGranted) {
      if (pick(2) == 0) r.granted.insert(g);
    }
    return r;
  }

 private:
  std::mt19937 rng_;
};

bool eval(const Tree& t, const ReaderAttributes& r) {
  switch (t.kind) {
    case Tree::kAtom:
      if (t.attr == "org") return r.org == t.value;
      if (t.attr == "kind") return r.org_kind == t.value;
      if (t.attr == "role") return r.role == t.value;
      if (t.attr == "dept") return !r.department.empty() && r.department == t.value;
      if (t.attr == "attr") return r.granted.count(t.value) > 0;
      if (t.value == ">=") return r.level >= t.number;
      if (t.value == "<=") return r.level <= t.number;
      if (t.value == ">") return r.level > t.number;
      if (t.value == "<") return r.level < t.number;
      return r.level == t.number;
    case Tree::kAnd:
      for (const Tree& k : t.kids) {
        if (!eval(k, r)) return false;
      }
      return true;
    case Tree::kOr:
      for (const Tree& k : t.kids) {
        if (eval(k, r)) return true;
      }
      return false;
    case Tree::kOf: {
      std::uint32_t held = 0;
      for (const Tree& k : t.kids) held += eval(k, r) ? 1 : 0;
      return held >= t.number;
    }
  }
  return false;
}

std::size_t leaf_count(const Tree& t) {
  if (t.kind == Tree::kAtom) return 1;
  std::size_t n = 0;
  for (const Tree& k : t.kids) n += leaf_count(k);
  return n;
}

// The operands of an and/or gate once same-operator operands are merged into it.
void merged_operands(const Tree& t, std::vector<const Tree*>& out) {
  for (const Tree& k : t.kids) {
    if (t.kind != Tree::kOf && k.kind == t.kind) {
      merged_operands(k, out);
    } else {
      out.push_back(&k);
    }
  }
}

std::size_t merged_depth(const Tree& t) {
  if (t.kind == Tree::kAtom) return 0;
  std::vector<const Tree*> ops;
  merged_operands(t, ops);
  std::size_t d = 0;
  for (const Tree* k : ops) d = std::max(d, merged_depth(*k));
  return d + 1;
}

TEST(SealPolicy, RandomTreesRoundTripAndAgreeWithAPlainEvaluator) {
  Generator gen(20240615);
  std::size_t trees = 0;
  for (int iter = 0; iter < 2000; ++iter) {
    std::size_t leaves_left = 1 + gen.pick(kMaxLeaves);
    const Tree t = gen.tree(1 + gen.pick(5), leaves_left);
    const std::string text = gen.render(t, Tree::kAtom, 0);
    // Far from the byte limit, which has its own tests.
    if (text.size() > 900) continue;
    auto p = Policy::parse(text);
    ASSERT_TRUE(p.ok()) << text << "\n" << p.error().to_string();
    const std::string canon = p->canonical();
    auto again = Policy::parse(canon);
    ASSERT_TRUE(again.ok()) << canon << "\n" << again.error().to_string();
    ASSERT_EQ(again->canonical(), canon) << text;
    EXPECT_EQ(p->leaves(), leaf_count(t)) << text;
    EXPECT_EQ(again->leaves(), leaf_count(t)) << text;
    EXPECT_EQ(p->depth(), merged_depth(t)) << text;
    EXPECT_EQ(again->depth(), merged_depth(t)) << text;
    for (int i = 0; i < 40; ++i) {
      const ReaderAttributes r = gen.reader();
      const bool want = eval(t, r);
      ASSERT_EQ(p->allows(r), want) << text;
      ASSERT_EQ(again->allows(r), want) << canon;
    }
    ++trees;
  }
  EXPECT_GT(trees, 1500u);
}

// --- Refusals: the exact message and byte. ---

TEST(SealPolicy, EmptyAndWhitespaceOnlyAreRefused) {
  EXPECT_EQ(refusal(""), "at byte 0: policy is empty");
  EXPECT_EQ(refusal(" \t\n  "), "at byte 0: policy is empty");
}

TEST(SealPolicy, UnbalancedParenthesesAreRefused) {
  EXPECT_EQ(refusal("(org:a"), "at byte 6: expected ')'");
  EXPECT_EQ(refusal("(org:a or (org:b and org:c)"), "at byte 27: expected ')'");
  EXPECT_EQ(refusal("org:a)"), "at byte 5: ')' without a matching '('");
  EXPECT_EQ(refusal("(org:a))"), "at byte 7: ')' without a matching '('");
  EXPECT_EQ(refusal("()"), "at byte 1: expected an attribute, level, '(' or 'k of (' here");
  EXPECT_EQ(refusal(")"), "at byte 0: expected an attribute, level, '(' or 'k of (' here");
}

TEST(SealPolicy, TrailingGarbageIsRefused) {
  EXPECT_EQ(refusal("org:a org:b"), "at byte 6: expected 'and', 'or' or the end of the policy");
  EXPECT_EQ(refusal("org:a ;"), "at byte 6: expected 'and', 'or' or the end of the policy");
  EXPECT_EQ(refusal("org:a andor org:b"),
            "at byte 6: expected 'and', 'or' or the end of the policy");
  EXPECT_EQ(refusal("(org:a org:b)"), "at byte 7: expected ')'");
}

TEST(SealPolicy, OperatorWithoutOperandIsRefused) {
  const std::string ends = "the policy ends where an attribute, level, '(' or 'k of (' is expected";
  EXPECT_EQ(refusal("org:a and"), "at byte 9: " + ends);
  EXPECT_EQ(refusal("org:a or "), "at byte 9: " + ends);
  EXPECT_EQ(refusal("and org:a"),
            "at byte 0: 'and' where an attribute, level, '(' or 'k of (' is expected");
  EXPECT_EQ(refusal("org:a or and org:b"),
            "at byte 9: 'and' where an attribute, level, '(' or 'k of (' is expected");
  EXPECT_EQ(refusal("org:a and , org:b"),
            "at byte 10: expected an attribute, level, '(' or 'k of (' here");
}

TEST(SealPolicy, BadValuesAreRefused) {
  EXPECT_EQ(refusal("org:fi$u"), "at byte 6: '$' is not allowed in a value (A-Z a-z 0-9 . _ -)");
  EXPECT_EQ(refusal("org:fiu/x"), "at byte 7: '/' is not allowed in a value (A-Z a-z 0-9 . _ -)");
  EXPECT_EQ(refusal("org:a:b"), "at byte 5: ':' is not allowed in a value (A-Z a-z 0-9 . _ -)");
  EXPECT_EQ(refusal("org:\"fiu\""), "at byte 4: expected a value (1-64 of A-Z a-z 0-9 . _ -)");
  EXPECT_EQ(refusal("org:"), "at byte 4: expected a value (1-64 of A-Z a-z 0-9 . _ -)");
  EXPECT_EQ(refusal("org"), "at byte 3: expected ':' after 'org'");
  EXPECT_EQ(refusal("dept=aml"), "at byte 4: expected ':' after 'dept'");
  const std::string v64(64, 'v');
  EXPECT_TRUE(Policy::parse("org:" + v64).ok());
  EXPECT_EQ(refusal("org:" + v64 + "w"), "at byte 68: value is longer than 64 bytes");
  EXPECT_EQ(refusal("org:a or attr:" + v64 + "ww"), "at byte 78: value is longer than 64 bytes");
}

TEST(SealPolicy, UnknownAttributeIsRefused) {
  EXPECT_EQ(refusal("colour:red"), "at byte 0: unknown attribute 'colour'");
  EXPECT_EQ(refusal("org:a and colour:red"), "at byte 10: unknown attribute 'colour'");
  EXPECT_EQ(refusal("organization:fiu"), "at byte 0: unknown attribute 'organization'");
  EXPECT_EQ(refusal("levels>=3"), "at byte 0: unknown attribute 'levels'");
  EXPECT_EQ(refusal("org:a or " + std::string(100, 'x')),
            "at byte 9: unknown attribute '" + std::string(40, 'x') + "...'");
}

TEST(SealPolicy, BadLevelsAreRefused) {
  EXPECT_EQ(refusal("level>=100"), "at byte 7: level '100' is out of range 0-99");
  EXPECT_EQ(refusal("level=99999999999999999999"),
            "at byte 6: level '99999999999999999999' is out of range 0-99");
  EXPECT_EQ(refusal("level>=abc"), "at byte 7: expected a level 0-99, not 'abc'");
  EXPECT_EQ(refusal("level>=-1"), "at byte 7: expected a level 0-99, not '-1'");
  EXPECT_EQ(refusal("level>=3a"), "at byte 7: expected a level 0-99, not '3a'");
  EXPECT_EQ(refusal("level>="), "at byte 7: expected a level 0-99");
  EXPECT_EQ(refusal("level=>30"), "at byte 6: expected a level 0-99");
  EXPECT_EQ(refusal("level:30"), "at byte 5: expected >=, <=, >, < or = after 'level'");
  EXPECT_EQ(refusal("level != 3"), "at byte 6: expected >=, <=, >, < or = after 'level'");
  EXPECT_EQ(refusal("level"), "at byte 5: expected >=, <=, >, < or = after 'level'");
}

TEST(SealPolicy, BadKOfNGatesAreRefused) {
  EXPECT_EQ(refusal("0 of (org:a, org:b)"), "at byte 0: k of (...) needs k >= 1");
  EXPECT_EQ(refusal("3 of (org:a, org:b)"), "at byte 0: 3 of 2 operands");
  EXPECT_EQ(refusal("org:x or 3 of (org:a, org:b)"), "at byte 9: 3 of 2 operands");
  EXPECT_EQ(refusal("1 of (org:a)"), "at byte 11: 'k of' needs at least 2 operands");
  EXPECT_EQ(refusal("1 of ()"), "at byte 6: expected an attribute, level, '(' or 'k of (' here");
  EXPECT_EQ(refusal("17 of (org:a, org:b)"),
            "at byte 0: k of (...) needs k <= 16, the most operands a gate has");
  EXPECT_EQ(refusal("2 of org:a"), "at byte 5: expected '(' after 'of'");
  EXPECT_EQ(refusal("2 (org:a, org:b)"), "at byte 2: expected 'of' after the number");
  EXPECT_EQ(refusal("2 of (org:a org:b)"), "at byte 12: expected ',' or ')'");
  EXPECT_EQ(refusal("2 of (org:a, org:b"), "at byte 18: expected ',' or ')'");
  EXPECT_EQ(refusal("2 of (org:a,, org:b)"),
            "at byte 12: expected an attribute, level, '(' or 'k of (' here");
}

std::string operands(std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += (i ? ", attr:g" : "attr:g") + std::to_string(i);
  return s;
}

TEST(SealPolicy, KOfNHasAtMostSixteenOperands) {
  auto p = parsed("16 of (" + operands(16) + ")");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->leaves(), 16u);
  const std::string seventeen = "1 of (" + operands(17) + ")";
  EXPECT_EQ(refusal(seventeen), "at byte " + std::to_string(seventeen.find("attr:g16")) +
                                    ": more than 16 operands in 'k of'");
  // And/or chains are bounded by the number of attributes only.
  std::string chain = "attr:g0";
  for (int i = 1; i < 20; ++i) chain += " or attr:g" + std::to_string(i);
  EXPECT_TRUE(Policy::parse(chain).ok());
}

// `gates` nested k-of-n gates: each '(' is one gate deeper.
std::string nested_gates(std::size_t gates) {
  std::string s;
  for (std::size_t i = 0; i < gates; ++i) s += "2 of (attr:a" + std::to_string(i) + ", ";
  s += "attr:z";
  s += std::string(gates, ')');
  return s;
}

// `gates` alternating and/or gates: one '(' fewer than gates.
std::string alternating(std::size_t gates) {
  std::string s = "attr:a1 and attr:b1";
  for (std::size_t i = 2; i <= gates; ++i) {
    s = "attr:a" + std::to_string(i) + (i % 2 ? " and (" : " or (") + s + ")";
  }
  return s;
}

TEST(SealPolicy, NestingOfEightIsAcceptedNineRefused) {
  auto eight = parsed(nested_gates(8));
  ASSERT_TRUE(eight);
  EXPECT_EQ(eight->depth(), 8u);
  const std::string nine = nested_gates(9);
  EXPECT_EQ(refusal(nine),
            "at byte " + std::to_string(nine.find("(attr:a8")) + ": nesting deeper than 8");

  // Nine gates written with eight parentheses: refused once the tree's depth is known, at the
  // innermost gate (where its parenthesis opens).
  auto alt8 = parsed(alternating(8));
  ASSERT_TRUE(alt8);
  EXPECT_EQ(alt8->depth(), 8u);
  EXPECT_EQ(alt8->canonical(), alternating(8));
  const std::string alt9 = alternating(9);
  ASSERT_EQ(std::count(alt9.begin(), alt9.end(), '('), 8);
  EXPECT_EQ(refusal(alt9),
            "at byte " + std::to_string(alt9.find("(attr:a1 ")) + ": nesting deeper than 8");
  // The same without the innermost parentheses, which precedence makes redundant.
  std::string bare = alt9;
  bare.replace(bare.find("(attr:a1 and attr:b1)"), 21, "attr:a1 and attr:b1");
  EXPECT_EQ(refusal(bare),
            "at byte " + std::to_string(bare.find("attr:a1 ")) + ": nesting deeper than 8");

  // Redundant parentheses count while parsing too.
  auto parens8 = parsed(std::string(8, '(') + "org:a" + std::string(8, ')'));
  ASSERT_TRUE(parens8);
  EXPECT_EQ(parens8->depth(), 0u);
  EXPECT_EQ(refusal(std::string(9, '(') + "org:a" + std::string(9, ')')),
            "at byte 8: nesting deeper than 8");
}

TEST(SealPolicy, VeryDeepInputIsRefusedQuickly) {
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(refusal(std::string(100000, '(')), "at byte 1024: policy is longer than 1024 bytes");
  EXPECT_EQ(refusal(std::string(1024, '(')), "at byte 8: nesting deeper than 8");
  EXPECT_EQ(refusal(std::string(500, '(') + "org:a" + std::string(500, ')')),
            "at byte 8: nesting deeper than 8");
  std::string gates;
  while (gates.size() < 1000) gates += "1 of (";
  EXPECT_EQ(refusal(gates), "at byte 53: nesting deeper than 8");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

TEST(SealPolicy, AtMostThirtyTwoAttributes) {
  std::string text = "attr:g0";
  for (int i = 1; i < 32; ++i) text += " or attr:g" + std::to_string(i);
  auto p = parsed(text);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->leaves(), 32u);
  const std::string more = text + " or level>=3";
  EXPECT_EQ(refusal(more),
            "at byte " + std::to_string(text.size() + 4) + ": more than 32 attributes");
  // Counted across gates as well.
  const std::string split = "2 of (" + operands(16) + ") and 1 of (" + operands(16) + ") and org:x";
  EXPECT_EQ(refusal(split),
            "at byte " + std::to_string(split.find("org:x")) + ": more than 32 attributes");
}

TEST(SealPolicy, TextLongerThan1024BytesIsRefused) {
  const std::string at_limit = "org:a" + std::string(kMaxPolicyBytes - 5, ' ');
  ASSERT_EQ(at_limit.size(), 1024u);
  EXPECT_TRUE(Policy::parse(at_limit).ok());
  EXPECT_EQ(refusal(at_limit + " "), "at byte 1024: policy is longer than 1024 bytes");
}

// "a and b or c and d ..." gains two bytes of parentheses per and-group in canonical form.
TEST(SealPolicy, PolicyWhoseCanonicalFormIsTooLongIsRefused) {
  for (std::size_t len : {21, 22}) {
    const std::string v(len, 'v');
    std::string text, canon;
    for (int i = 0; i < 16; ++i) {
      const std::string pair = "attr:" + v + " and attr:" + v;
      text += (i ? " or " : "") + pair;
      canon += (i ? " or (" : "(") + pair + ")";
    }
    ASSERT_LE(text.size(), kMaxPolicyBytes);
    if (canon.size() <= kMaxPolicyBytes) {
      auto p = parsed(text);
      ASSERT_TRUE(p);
      EXPECT_EQ(p->canonical(), canon);
      EXPECT_TRUE(Policy::parse(canon).ok());
    } else {
      EXPECT_EQ(refusal(text), "at byte " + std::to_string(text.size()) +
                                   ": the canonical form is " + std::to_string(canon.size()) +
                                   " bytes, longer than 1024");
    }
  }
}

TEST(SealPolicy, NulAndNonAsciiBytesAreRefused) {
  const std::string why = " is not allowed (printable ASCII, space, tab, newline)";
  EXPECT_EQ(refusal(std::string("org:a\0", 6)), "at byte 5: byte 0x00" + why);
  EXPECT_EQ(refusal(std::string("\0org:a", 6)), "at byte 0: byte 0x00" + why);
  EXPECT_EQ(refusal(std::string("org:a\0 or org:b", 15)), "at byte 5: byte 0x00" + why);
  EXPECT_EQ(refusal("org:caf\xc3\xa9"), "at byte 7: byte 0xc3" + why);
  EXPECT_EQ(refusal("org:a\r\nor org:b"), "at byte 5: byte 0x0d" + why);
  EXPECT_EQ(refusal("org:a\x7f"), "at byte 5: byte 0x7f" + why);
  EXPECT_EQ(refusal("org:a\x0b"), "at byte 5: byte 0x0b" + why);
}

// The two policies a sealed report carries, as docs/sealed-policy.md shows them.
TEST(SealPolicy, RegulatorAndDepartmentPoliciesTogether) {
  auto t = parsed("kind:regulator or attr:fiu");
  auto s = parsed("dept:aml or role:auditor");
  ASSERT_TRUE(t && s);
  ReaderAttributes analyst;  // an institution's AML analyst holding the FIU attribute
  analyst.org = "bank1";
  analyst.org_kind = "institution";
  analyst.role = "reporter";
  analyst.department = "aml";
  analyst.level = 20;
  analyst.granted = {"fiu"};
  EXPECT_TRUE(t->allows(analyst) && s->allows(analyst));
  analyst.department = "retail";
  EXPECT_FALSE(t->allows(analyst) && s->allows(analyst));
  ReaderAttributes examiner = reader();
  examiner.department.clear();
  EXPECT_TRUE(t->allows(examiner) && s->allows(examiner));  // an auditor role, no department
  examiner.role = "admin";
  EXPECT_FALSE(t->allows(examiner) && s->allows(examiner));
}

}  // namespace
}  // namespace rl::ledger::seal_policy
