// libFuzzer target: the dataset layout parser of export bundles (reports/<id>.chunks.json, what
// `regledger verify-bundle` reads next to a chunked report's data). An accepted layout is, by
// the parser's contract, the exact text the writer produces for it, within every limit.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "client/lib/bundle_dataset.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace b = rl::client::bundle;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto layout = b::parse_layout(text);
  if (!layout.ok()) return 0;
  if (b::layout_to_json(*layout) != text) std::abort();
  if (layout->chunks.empty() || layout->chunks.size() > rl::ledger::limits::kMaxReportChunks) {
    std::abort();
  }
  for (const auto& c : layout->chunks) {
    if (c.bytes == 0 || c.bytes > rl::ledger::limits::kMaxChunkBytes) std::abort();
  }
  if (layout->header_bytes == 0 || layout->header_bytes > layout->chunks[0].bytes) std::abort();
  return 0;
}
