// libFuzzer target: the table schema parser (ledger/table_schema.hpp), which reads the template
// files regulators register. Whatever parses has a canonical text that parses to itself; the
// pattern language (ledger/text_pattern.hpp) compiled from the input matches in bounded time.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ledger/table_schema.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto s = rl::ledger::parse_table_schema(text); s.ok()) {
    auto again = rl::ledger::parse_table_schema(s->canonical);
    if (!again.ok() || again->canonical != s->canonical) std::abort();
  }
  // The same bytes as a pattern, matched against themselves.
  if (auto p = rl::ledger::TextPattern::compile(text.substr(0, 256)); p.ok()) {
    (void)p->matches(text);
  }
  return 0;
}
