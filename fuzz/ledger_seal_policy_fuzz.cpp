// libFuzzer target: the sealing-policy parser (ledger/seal_policy.hpp) that every SubmitReport
// with a seal, SetSealedReportPolicy and SetSealingPolicy reaches, on arbitrary bytes. For every
// policy that parses: its canonical form parses to the same canonical form, stays within the
// limits, and admits exactly the same readers (a few derived from the input).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ledger/seal_policy.hpp"

namespace {

namespace sp = rl::ledger::seal_policy;

sp::ReaderAttributes reader_from(std::string_view in, std::size_t salt) {
  static constexpr const char* kValues[] = {
      "a", "b", "fiu", "aml", "regulator", "institution", "auditor", "reporter", "admin", "bank-a"};
  auto pick = [&](std::size_t i) {
    const std::size_t h =
        in.empty() ? i : static_cast<unsigned char>(in[(i * 7 + salt) % in.size()]);
    return std::string(kValues[(h + i + salt) % 10]);
  };
  sp::ReaderAttributes r;
  r.org = pick(1);
  r.org_kind = pick(2);
  r.role = pick(3);
  r.department = (salt % 3 == 0) ? std::string() : pick(4);
  r.level = static_cast<std::uint32_t>((in.size() * 31 + salt * 17) % 100);
  r.granted = {pick(5), pick(6)};
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto p = sp::Policy::parse(text);
  if (!p.ok()) {
    if (p.error().code != "bad_policy" || p.error().message.rfind("at byte ", 0) != 0) std::abort();
    return 0;
  }
  if (size > sp::kMaxPolicyBytes || p->leaves() > sp::kMaxLeaves || p->depth() > sp::kMaxDepth ||
      p->leaves() == 0) {
    std::abort();
  }
  const std::string canonical = p->canonical();
  auto again = sp::Policy::parse(canonical);
  if (!again.ok() || again->canonical() != canonical || again->leaves() != p->leaves() ||
      again->depth() != p->depth()) {
    std::abort();
  }
  for (std::size_t salt = 0; salt < 8; ++salt) {
    const auto r = reader_from(text, salt);
    if (p->allows(r) != again->allows(r)) std::abort();
  }
  return 0;
}
