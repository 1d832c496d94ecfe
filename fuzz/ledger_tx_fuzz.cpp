// libFuzzer target: the transaction decoder that every byte posted to /v1/txs reaches.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "ledger/tx.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto tx = rl::ledger::decode_tx(rl::crypto::Suite::kP256Sha256, rl::ByteView(data, size));
  if (tx.ok()) {
    (void)rl::ledger::payload_name(tx->body);
    // One byte string per transaction (decision 0045): whatever decodes is its own canonical
    // encoding, so no second byte string can carry the same tx.
    if (tx->tx.SerializeAsString() != std::string(reinterpret_cast<const char*>(data), size) ||
        tx->body.SerializeAsString() != tx->tx.body()) {
      std::abort();
    }
  }
  return 0;
}
