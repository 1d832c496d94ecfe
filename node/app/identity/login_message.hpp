#pragma once
// What a login signature covers: "regledger/login/v1\0" || chain_id || challenge. The domain
// prefix keeps a login signature from ever being a valid transaction signature
// ("regledger/tx/v1\0" || body) and the chain id keeps it from being replayed on another
// network. Header-only and free of node types: the client library builds the same bytes.

#include <string_view>

#include "common/bytes.hpp"

namespace rl::node::identity {

inline Bytes login_message(std::string_view chain_id, ByteView challenge) {
  static constexpr char kDomain[] = "regledger/login/v1";
  Bytes m(kDomain, kDomain + sizeof(kDomain));  // with the terminating NUL
  m.insert(m.end(), chain_id.begin(), chain_id.end());
  m.insert(m.end(), challenge.begin(), challenge.end());
  return m;
}

}  // namespace rl::node::identity
