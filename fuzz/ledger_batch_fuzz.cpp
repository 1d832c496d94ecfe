// libFuzzer target: the two decoders a POST /v1/txs/batch body reaches (the batch framing, then
// each transaction), and the report-payload scan that execution runs on every report. Splitting
// then joining must give back the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ledger/report_payload.hpp"
#include "ledger/tx.hpp"
#include "ledger/tx_batch.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const rl::ByteView body(data, size);
  auto parts = rl::ledger::split_tx_batch(body);
  if (parts.ok()) {
    std::vector<rl::Bytes> copies;
    for (auto p : *parts) {
      copies.emplace_back(p.begin(), p.end());
      (void)rl::ledger::decode_tx(rl::crypto::Suite::kP256Sha256, p);
    }
    if (rl::ledger::join_tx_batch(copies) != rl::Bytes(body.begin(), body.end())) std::abort();
  }
  (void)rl::ledger::check_json_object_fields(
      std::string_view(reinterpret_cast<const char*>(data), size), {"institution", "period"});
  return 0;
}
