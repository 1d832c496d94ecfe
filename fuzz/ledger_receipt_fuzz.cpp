// libFuzzer target: receipt JSON parsing and offline verification (what `regledger verify`
// runs on a file an auditor was handed). Uses a fixed, valid trust anchor built once.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ledger/receipt.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = rl::ledger::receipt_from_json(text);
  if (r.ok()) {
    // An anchor with no validators: verification must fail cleanly, never crash.
    rl::ledger::TrustAnchor anchor;
    anchor.chain_id = r->chain_id;
    anchor.suite = rl::crypto::Suite::kP256Sha256;
    (void)rl::ledger::verify_receipt(anchor, *r);
  }
  return 0;
}
