#pragma once
// The per-transfer session: ECDH between the two ephemeral keys, then the session key
// (offline/key_hierarchy.hpp). Shared by both sides of the device and by the tests.

#include <string_view>

#include "crypto/keys.hpp"

namespace rl::offline {

// Codes: bad_key (peer key undecodable or of another suite), bad_random.
Result<Bytes> session_key_for(crypto::Suite suite, const crypto::PrivateKey& own_ephemeral,
                              ByteView peer_ephemeral_der, ByteView ra, ByteView rb,
                              std::string_view dispersion_factor);

// A peer's timestamp is fresh when within `window` seconds of our clock, either way (device
// clocks drift; a window bounds how old a replayed message can be).
inline bool is_fresh(std::int64_t now, std::int64_t t, std::int64_t window) {
  return t >= now - window && t <= now + window;
}

}  // namespace rl::offline
