// Block-sync and status payloads as a peer sends them: the decoders must refuse or accept
// without crashing, hanging, or allocating without bound.
#include <cstddef>
#include <cstdint>

#include "node/validator/sync_protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  rl::ByteView bytes(data, size);
  (void)rl::node::decode_peer_status(bytes);
  (void)rl::node::decode_sync_request(bytes);
  auto r = rl::node::decode_sync_response(bytes, 1 << 20);
  if (r.ok()) {
    for (const auto& e : r->blocks()) (void)e.block().size();
  }
  return 0;
}
