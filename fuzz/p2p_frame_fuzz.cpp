// libFuzzer target: the P2P frame and control-message codec (every byte a peer sends reaches it).
// The input is treated as a stream: frames are taken off the front until the decoder needs more
// bytes or rejects the header, and every channel-0 payload goes through decode_control.
#include <cstddef>
#include <cstdint>
#include <variant>

#include "node/p2p/frame.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Small enough that the fuzzer reaches "too large" often, large enough for real payloads.
  constexpr std::size_t kMaxPayload = 4096;
  rl::ByteView in(data, size);
  while (!in.empty()) {
    auto step = rl::p2p::decode_frame(in, kMaxPayload);
    if (!step.ok() || !step->frame) break;
    const rl::p2p::Frame& frame = *step->frame;
    if (frame.channel == rl::p2p::Channel::kHello) {
      auto control = rl::p2p::decode_control(frame.payload);
      if (control.ok()) {
        if (const auto* hello = std::get_if<rl::p2p::Hello>(&*control)) {
          // What decodes must re-encode to the same bytes (the encoding is canonical).
          auto again = rl::p2p::encode_hello(*hello);
          if (!again.ok() || *again != frame.payload) __builtin_trap();
        }
      }
    }
    if (rl::p2p::encode_frame(frame.channel, frame.payload).size() != step->consumed) {
      __builtin_trap();
    }
    in = in.subspan(step->consumed);
  }
  return 0;
}
