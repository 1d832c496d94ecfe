#pragma once
// The simulator's stand-in for a ledger block: enough structure to check the hash chain
// (height, parent hash) and to let proposers produce distinct values (proposer, nonce).
//   "SIMB" || u64 height || 32-byte prev_hash || u32 proposer || u64 nonce

#include <optional>

#include "common/bytes.hpp"
#include "tests/consensus/support/test_crypto.hpp"

namespace rl::consensus::sim {

struct SimBlock {
  std::uint64_t height = 0;
  Bytes prev_hash;
  std::uint32_t proposer = 0;
  std::uint64_t nonce = 0;

  static const Bytes& genesis_hash() {
    static const Bytes zero(32, 0);
    return zero;
  }

  Bytes encode() const {
    Bytes out = {'S', 'I', 'M', 'B'};
    testing::append_u64(out, height);
    out.insert(out.end(), prev_hash.begin(), prev_hash.end());
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<std::uint8_t>(proposer >> s));
    testing::append_u64(out, nonce);
    return out;
  }

  static std::optional<SimBlock> decode(ByteView b) {
    if (b.size() != 4 + 8 + 32 + 4 + 8 || b[0] != 'S' || b[1] != 'I' || b[2] != 'M' || b[3] != 'B')
      return std::nullopt;
    SimBlock s;
    s.height = read_u64_be(b.subspan(4, 8));
    s.prev_hash.assign(b.begin() + 12, b.begin() + 44);
    for (int i = 0; i < 4; ++i)
      s.proposer = (s.proposer << 8) | b[44 + static_cast<std::size_t>(i)];
    s.nonce = read_u64_be(b.subspan(48, 8));
    return s;
  }
};

}  // namespace rl::consensus::sim
