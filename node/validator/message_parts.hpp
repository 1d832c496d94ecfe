#pragma once
// Large consensus messages (proposals carrying big blocks) travel in parts, so that no single
// P2P frame has to hold a whole block and votes queued behind a proposal wait for one part, not
// for the whole block. A message at or below the part size is sent as is.
//
// Part payload (on the consensus channel; a whole message starts with codec version 1, a part
// with kPartMagic, so the receiver tells them apart by the first byte):
//   u8 kPartMagic || u8 len(digest) || digest || u32be total_len || u32be stride ||
//   u16be index || u16be count || data
// Part i holds bytes [i * stride, min(total_len, (i + 1) * stride)) and count must equal
// ceil(total_len / stride).
// The digest is the suite hash of the whole message; a reassembled message whose hash differs
// is dropped, so a peer cannot splice parts of two messages together.

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "common/bytes.hpp"
#include "common/result.hpp"
#include "crypto/suite.hpp"

namespace rl::node {

inline constexpr std::uint8_t kPartMagic = 0xA7;
inline constexpr std::size_t kDefaultPartBytes = std::size_t{1} << 20;

// One payload per part (a single element, the message itself, when it fits in `part_bytes`).
std::vector<Bytes> split_message(crypto::Suite suite, ByteView message, std::size_t part_bytes);
bool is_part(ByteView payload);

// Reassembles parts from one peer. Bounded: at most `max_pending` messages in progress (the
// oldest is dropped), each at most `max_message_bytes`.
class PartAssembler {
 public:
  PartAssembler(crypto::Suite suite, std::size_t max_message_bytes, std::size_t max_pending = 2)
      : suite_(suite), max_message_bytes_(max_message_bytes), max_pending_(max_pending) {}

  // The whole message once its last part arrived and its digest matched; nothing otherwise.
  // Codes: bad_part (malformed, inconsistent with earlier parts, too large, digest mismatch).
  Result<std::optional<Bytes>> add(ByteView part);
  std::size_t pending() const { return pending_.size(); }

 private:
  struct Pending {
    std::uint32_t total_len = 0;
    std::uint32_t stride = 0;
    std::uint16_t count = 0;
    std::uint16_t received = 0;
    std::vector<bool> have;
    Bytes data;
  };
  crypto::Suite suite_;
  std::size_t max_message_bytes_;
  std::size_t max_pending_;
  std::map<Bytes, Pending> pending_;
  std::deque<Bytes> order_;
  // Digests of the last messages delivered: their retransmitted parts are ignored instead of
  // starting a new reassembly.
  std::deque<Bytes> completed_;
};

}  // namespace rl::node
