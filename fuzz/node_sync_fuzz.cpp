// Block-sync, status, block-request and consensus-part payloads as a peer sends them, and compact
// proposal values: the decoders must refuse or accept without crashing, hanging, or allocating
// without bound.
#include <cstddef>
#include <cstdint>

#include "node/validator/compact_block.hpp"
#include "node/validator/message_parts.hpp"
#include "node/validator/sync_protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  rl::ByteView bytes(data, size);
  (void)rl::node::decode_peer_status(bytes);
  (void)rl::node::decode_sync_request(bytes);
  auto r = rl::node::decode_sync_response(bytes, 1 << 20);
  if (r.ok()) {
    for (const auto& e : r->blocks()) (void)e.block().size();
  }
  (void)rl::node::decode_block_request(bytes, 32);
  (void)rl::node::decode_block_response(bytes, 32, 1 << 20);
  // A compact proposal value rebuilt against a "mempool" that holds nothing, and one that holds
  // a fixed tx for every id.
  (void)rl::node::is_compact(bytes);
  (void)rl::node::rebuild_block(bytes, 32, 5000, [](const rl::Bytes&) { return nullptr; });
  static const auto any = std::make_shared<const rl::ledger::DecodedTx>();
  (void)rl::node::rebuild_block(bytes, 32, 5000, [](const rl::Bytes&) { return any; });
  // Consensus message parts: a fresh assembler per input, plus the input split and fed back.
  rl::node::PartAssembler assembler(rl::crypto::Suite::kP256Sha256, 1 << 20);
  (void)assembler.add(bytes);
  return 0;
}
