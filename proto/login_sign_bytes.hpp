#pragma once
// What a login signature covers: "regledger/login/v1\0" || chain_id || challenge. The domain
// prefix keeps a login signature from ever being a valid transaction signature
// ("regledger/tx/v1\0" || body) and the chain id keeps it from being replayed on another
// network. Header-only and free of node types: the node checks and the client library builds
// the same bytes.

#include <cstring>
#include <string_view>

#include "common/bytes.hpp"

namespace rl::node::identity {

inline Bytes login_message(std::string_view chain_id, ByteView challenge) {
  static constexpr std::string_view kDomain = "regledger/login/v1";
  // Sized up front and filled with memcpy: GCC 12 at -O3 reports a false -Warray-bounds for the
  // construct + insert form.
  Bytes m(kDomain.size() + 1 + chain_id.size() + challenge.size());
  std::memcpy(m.data(), kDomain.data(), kDomain.size());
  m[kDomain.size()] = 0;  // the terminating NUL of the domain
  if (!chain_id.empty())
    std::memcpy(m.data() + kDomain.size() + 1, chain_id.data(), chain_id.size());
  if (!challenge.empty()) {
    std::memcpy(m.data() + kDomain.size() + 1 + chain_id.size(), challenge.data(),
                challenge.size());
  }
  return m;
}

}  // namespace rl::node::identity
