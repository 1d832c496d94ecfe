// libFuzzer target: the consensus message codec (every P2P consensus frame reaches it).
#include <cstddef>
#include <cstdint>

#include "consensus/codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  rl::ByteView b(data, size);
  (void)rl::consensus::decode_message(b);
  (void)rl::consensus::decode_certificate(b);
  (void)rl::consensus::decode_evidence(b);
  (void)rl::consensus::decode_safety_state(b);
  return 0;
}
