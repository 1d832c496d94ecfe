#pragma once
// Byte buffers and their text encodings (hex for ids, base64 for payloads in JSON).

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace rl {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
inline Bytes to_bytes(std::string_view s) {
  return Bytes(s.begin(), s.end());
}
inline std::string to_string(ByteView b) {
  return std::string(b.begin(), b.end());
}

// Byte-wise equality of a protobuf `bytes` field (std::string) and a byte buffer. (std::equal
// across char and uint8_t compares signed with unsigned values and gets bytes >= 0x80 wrong.)
inline bool bytes_equal(std::string_view a, ByteView b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

std::string to_hex(ByteView b);
Result<Bytes> from_hex(std::string_view hex);
std::string to_base64(ByteView b);
Result<Bytes> from_base64(std::string_view b64);

// Big-endian fixed-width encodings, used for RocksDB keys so that byte order equals numeric order.
void append_u64_be(Bytes& out, std::uint64_t v);
std::uint64_t read_u64_be(ByteView b);

}  // namespace rl
