// libFuzzer target: the export bundle manifest parser (what `regledger verify-bundle` runs on a
// manifest.json an auditor was handed). An accepted manifest is, by the parser's contract, the
// exact text the writer produces for it; its signature check against an empty anchor fails
// cleanly.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "client/lib/bundle.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto m = rl::client::bundle::parse_manifest(text);
  if (m.ok()) {
    if (rl::client::bundle::manifest_to_json(*m) != text) std::abort();
    rl::ledger::TrustAnchor anchor;
    anchor.chain_id = m->chain_id;
    anchor.suite = rl::crypto::Suite::kP256Sha256;
    if (rl::client::bundle::verify_manifest_signature(*m, anchor).ok()) std::abort();
  }
  return 0;
}
