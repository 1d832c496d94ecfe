// libFuzzer target: the access-policy language of sealed reports (ledger/seal_policy.hpp), which
// parses policy text that submitting departments and regulators write. Whatever parses must have
// a canonical form that parses to itself, stay within the limits, and allow exactly the readers
// that the policy as written allows; whatever is refused must say where, within the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/seal_policy.hpp"

namespace sp = rl::ledger::seal_policy;

namespace {

bool is_word(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

// Readers built from the words of the input, so that its own values match now and then.
std::vector<sp::ReaderAttributes> readers_from(std::string_view text) {
  std::vector<std::string> words;
  for (std::size_t i = 0; i < text.size();) {
    if (!is_word(text[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < text.size() && is_word(text[j])) ++j;
    words.emplace_back(text.substr(i, j - i));
    i = j;
  }
  if (words.empty()) words.emplace_back("x");
  static const char* const kKinds[] = {"institution", "regulator", "auditor", "third_party"};
  static const char* const kRoles[] = {"admin", "reporter", "auditor"};
  std::vector<sp::ReaderAttributes> readers;
  const std::size_t n = words.size();
  for (std::size_t r = 0; r < 4; ++r) {
    sp::ReaderAttributes a;
    a.org = words[r % n];
    a.org_kind = kKinds[(text.size() + r) % 4];
    a.role = kRoles[(n + r) % 3];
    a.department = r == 0 ? "" : words[(r * 3 + 1) % n];
    a.level = static_cast<std::uint32_t>((text.size() * 7 + r * 31) % 100);
    for (std::size_t w = r % 2; w < n; w += 2) a.granted.insert(words[w]);
    readers.push_back(std::move(a));
  }
  return readers;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto policy = sp::Policy::parse(text);
  if (!policy.ok()) {
    // "at byte N: ..." with N inside the input or just past its end (or at the byte limit).
    const auto& e = policy.error();
    if (e.code != "bad_policy" || e.message.rfind("at byte ", 0) != 0) std::abort();
    const std::size_t at = std::strtoul(e.message.c_str() + 8, nullptr, 10);
    if (at > size || at > sp::kMaxPolicyBytes) std::abort();
    return 0;
  }
  if (policy->depth() > sp::kMaxDepth || policy->leaves() > sp::kMaxLeaves ||
      policy->leaves() == 0) {
    std::abort();
  }
  const std::string canonical = policy->canonical();
  if (canonical.size() > sp::kMaxPolicyBytes) std::abort();
  auto again = sp::Policy::parse(canonical);
  if (!again.ok() || again->canonical() != canonical || again->depth() != policy->depth() ||
      again->leaves() != policy->leaves()) {
    std::abort();
  }
  for (const auto& reader : readers_from(text)) {
    if (policy->allows(reader) != again->allows(reader)) std::abort();
  }
  return 0;
}
