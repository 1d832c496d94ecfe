#pragma once
// The P2P wire format as pure functions (no sockets), so that unit tests and a libFuzzer target
// can drive exactly the code the connections use.
//
//   frame   = u32be length || u8 channel || payload      (length = 1 + payload size)
//   channel 0 carries this layer's own control messages, first byte = type:
//     Hello = 0x01 || u16be protocol version || u8 n || chain id (n bytes) || u8 m || name (m)
//     Ping  = 0x02                     (keepalive; resets the receiver's idle timer)
//     Bye   = 0x03                     (sender retires this duplicate connection; see
//                                       p2p_network.cpp: nothing follows it on this connection)
// Every control message has exactly this length: trailing bytes are an error.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "common/bytes.hpp"
#include "common/result.hpp"
#include "node/p2p/p2p_network.hpp"

namespace rl::p2p {

inline constexpr std::size_t kFrameHeaderBytes = 5;
inline constexpr std::uint16_t kProtocolVersion = 1;
// Frame payloads are limited to what a u32 length can describe (length counts the channel byte).
inline constexpr std::size_t kMaxFramePayload = 0xFFFFFFFFu - 1;
// Names and chain ids travel with a one-byte length.
inline constexpr std::size_t kMaxHelloString = 255;

using FrameHeaderBytes = std::array<std::uint8_t, kFrameHeaderBytes>;

struct FrameHeader {
  Channel channel = Channel::kHello;
  std::size_t payload_bytes = 0;
};

// The 5-byte header for a payload of `payload_bytes` (<= kMaxFramePayload).
FrameHeaderBytes encode_frame_header(Channel channel, std::size_t payload_bytes);
// Header followed by payload, in one buffer (tests, fuzzing; connections write the two parts
// with scatter I/O instead of copying).
Bytes encode_frame(Channel channel, ByteView payload);

// Validates a received header before any payload memory is allocated. Errors:
// "frame_empty" (length 0: not even a channel byte), "frame_too_large" (payload above
// `max_payload_bytes`), "frame_unknown_channel".
Result<FrameHeader> decode_frame_header(const FrameHeaderBytes& header,
                                        std::size_t max_payload_bytes);

struct Frame {
  Channel channel = Channel::kHello;
  Bytes payload;
};
// One step of decoding a byte stream: either a complete frame and how many bytes it used, or
// (frame empty, consumed 0) when `in` does not yet hold a whole frame. Header errors as above.
struct DecodeStep {
  std::optional<Frame> frame;
  std::size_t consumed = 0;
};
Result<DecodeStep> decode_frame(ByteView in, std::size_t max_payload_bytes);

struct Hello {
  std::uint16_t protocol_version = kProtocolVersion;
  std::string chain_id;
  std::string name;
};
struct Ping {};
struct Bye {};
using ControlMessage = std::variant<Hello, Ping, Bye>;

// Errors: "hello_invalid" when chain id or name is empty or longer than kMaxHelloString.
Result<Bytes> encode_hello(const Hello& hello);
Bytes encode_ping();
Bytes encode_bye();
// Parses a channel-0 payload. Errors: "control_invalid" (empty, unknown type, wrong length,
// empty name or chain id).
Result<ControlMessage> decode_control(ByteView payload);

}  // namespace rl::p2p
