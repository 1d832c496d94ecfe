#pragma once
// Size-bounded protobuf decoding and encoding. Every decoder in offline/ goes through
// decode<T>: input above `max_bytes` is refused before the parser sees it.

#include <string>
#include <string_view>

#include "common/bytes.hpp"
#include "offline/errors.hpp"

namespace rl::offline {

template <typename Msg>
Result<Msg> decode(ByteView bytes, std::size_t max_bytes, std::string_view error_code,
                   std::string_view what) {
  if (bytes.size() > max_bytes) {
    return make_error(std::string(err::kMessageTooLarge), std::string(what) + " is larger than " +
                                                              std::to_string(max_bytes) + " bytes");
  }
  Msg msg;
  if (!msg.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return make_error(std::string(error_code), std::string(what) + " does not decode");
  }
  return msg;
}

template <typename Msg>
Bytes encode(const Msg& msg) {
  Bytes out(msg.ByteSizeLong());
  if (!out.empty()) msg.SerializeToArray(out.data(), static_cast<int>(out.size()));
  return out;
}

inline Error fail(std::string_view code, std::string message) {
  return make_error(std::string(code), std::move(message));
}

}  // namespace rl::offline
