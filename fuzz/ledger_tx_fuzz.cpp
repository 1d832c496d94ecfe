// libFuzzer target: the transaction decoder that every byte posted to /v1/txs reaches.
#include <cstddef>
#include <cstdint>

#include "ledger/tx.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto tx = rl::ledger::decode_tx(rl::crypto::Suite::kP256Sha256, rl::ByteView(data, size));
  if (tx.ok()) (void)rl::ledger::payload_name(tx->body);
  return 0;
}
