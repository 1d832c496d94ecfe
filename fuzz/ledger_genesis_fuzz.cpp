// libFuzzer target: the genesis parser (operators and auditors load genesis files they receive).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ledger/genesis.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto g = rl::ledger::parse_genesis(std::string_view(reinterpret_cast<const char*>(data), size));
  if (g.ok()) (void)rl::ledger::make_trust_anchor(*g);
  return 0;
}
