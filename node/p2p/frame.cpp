#include "node/p2p/frame.hpp"

#include <algorithm>
#include <cstring>

namespace rl::p2p {
namespace {

constexpr std::uint8_t kHelloType = 0x01;
constexpr std::uint8_t kPingType = 0x02;
constexpr std::uint8_t kByeType = 0x03;

std::uint32_t read_u32_be(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

bool valid_hello_string(const std::string& s) {
  return !s.empty() && s.size() <= kMaxHelloString;
}

// Reads a u8-length-prefixed string at `pos`; advances `pos`. False when it runs past the end.
bool read_short_string(ByteView in, std::size_t& pos, std::string& out) {
  if (pos >= in.size()) return false;
  std::size_t n = in[pos++];
  if (in.size() - pos < n) return false;
  out.assign(reinterpret_cast<const char*>(in.data() + pos), n);
  pos += n;
  return true;
}

}  // namespace

FrameHeaderBytes encode_frame_header(Channel channel, std::size_t payload_bytes) {
  const auto length = static_cast<std::uint32_t>(payload_bytes + 1);
  return {static_cast<std::uint8_t>(length >> 24), static_cast<std::uint8_t>(length >> 16),
          static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length),
          static_cast<std::uint8_t>(channel)};
}

Bytes encode_frame(Channel channel, ByteView payload) {
  const FrameHeaderBytes header = encode_frame_header(channel, payload.size());
  // Sized up front and filled with memcpy: GCC 12 reports a false -Warray-bounds for
  // vector::insert from a std::array here.
  Bytes out(header.size() + payload.size());
  std::memcpy(out.data(), header.data(), header.size());
  if (!payload.empty()) std::memcpy(out.data() + header.size(), payload.data(), payload.size());
  return out;
}

Result<FrameHeader> decode_frame_header(const FrameHeaderBytes& header,
                                        std::size_t max_payload_bytes) {
  const std::uint32_t length = read_u32_be(header.data());
  if (length == 0) return make_error("frame_empty", "frame length 0 has no channel byte");
  const std::size_t payload = std::size_t{length} - 1;
  if (payload > max_payload_bytes) {
    return make_error("frame_too_large", "frame payload of " + std::to_string(payload) +
                                             " bytes exceeds the limit of " +
                                             std::to_string(max_payload_bytes));
  }
  const std::uint8_t channel = header[4];
  if (channel > kMaxChannel) {
    return make_error("frame_unknown_channel", "unknown channel " + std::to_string(channel));
  }
  return FrameHeader{static_cast<Channel>(channel), payload};
}

Result<DecodeStep> decode_frame(ByteView in, std::size_t max_payload_bytes) {
  if (in.size() < kFrameHeaderBytes) return DecodeStep{};
  FrameHeaderBytes raw;
  std::copy_n(in.begin(), kFrameHeaderBytes, raw.begin());
  RL_ASSIGN_OR_RETURN(FrameHeader header, decode_frame_header(raw, max_payload_bytes));
  if (in.size() - kFrameHeaderBytes < header.payload_bytes) return DecodeStep{};
  auto body = in.subspan(kFrameHeaderBytes, header.payload_bytes);
  return DecodeStep{Frame{header.channel, Bytes(body.begin(), body.end())},
                    kFrameHeaderBytes + header.payload_bytes};
}

Result<Bytes> encode_hello(const Hello& hello) {
  if (!valid_hello_string(hello.chain_id) || !valid_hello_string(hello.name)) {
    return make_error("hello_invalid",
                      "chain id and name must be 1.." + std::to_string(kMaxHelloString) + " bytes");
  }
  Bytes out;
  out.reserve(5 + hello.chain_id.size() + hello.name.size());
  out.push_back(kHelloType);
  out.push_back(static_cast<std::uint8_t>(hello.protocol_version >> 8));
  out.push_back(static_cast<std::uint8_t>(hello.protocol_version));
  out.push_back(static_cast<std::uint8_t>(hello.chain_id.size()));
  out.insert(out.end(), hello.chain_id.begin(), hello.chain_id.end());
  out.push_back(static_cast<std::uint8_t>(hello.name.size()));
  out.insert(out.end(), hello.name.begin(), hello.name.end());
  return out;
}

Bytes encode_ping() {
  return Bytes{kPingType};
}

Bytes encode_bye() {
  return Bytes{kByeType};
}

Result<ControlMessage> decode_control(ByteView payload) {
  if (payload.empty()) return make_error("control_invalid", "empty control message");
  switch (payload[0]) {
    case kPingType:
      if (payload.size() != 1) return make_error("control_invalid", "ping has trailing bytes");
      return ControlMessage{Ping{}};
    case kByeType:
      if (payload.size() != 1) return make_error("control_invalid", "bye has trailing bytes");
      return ControlMessage{Bye{}};
    case kHelloType: {
      if (payload.size() < 3) return make_error("control_invalid", "hello is truncated");
      Hello hello;
      hello.protocol_version =
          static_cast<std::uint16_t>((std::uint16_t{payload[1]} << 8) | payload[2]);
      std::size_t pos = 3;
      if (!read_short_string(payload, pos, hello.chain_id) ||
          !read_short_string(payload, pos, hello.name)) {
        return make_error("control_invalid", "hello is truncated");
      }
      if (pos != payload.size()) return make_error("control_invalid", "hello has trailing bytes");
      if (hello.chain_id.empty() || hello.name.empty()) {
        return make_error("control_invalid", "hello has an empty chain id or name");
      }
      return ControlMessage{std::move(hello)};
    }
    default:
      return make_error("control_invalid",
                        "unknown control message type " + std::to_string(payload[0]));
  }
}

}  // namespace rl::p2p
