#include "offline/session.hpp"

#include "offline/codec.hpp"
#include "offline/key_hierarchy.hpp"

namespace rl::offline {

Result<Bytes> session_key_for(crypto::Suite suite, const crypto::PrivateKey& own_ephemeral,
                              ByteView peer_ephemeral_der, ByteView ra, ByteView rb,
                              std::string_view dispersion_factor) {
  auto peer = crypto::PublicKey::from_der(peer_ephemeral_der);
  if (!peer.ok() || peer->suite() != suite) {
    return fail(err::kBadKey, "peer ephemeral key is not a key of the network's suite");
  }
  auto secret = crypto::ecdh(own_ephemeral, *peer);
  if (!secret.ok()) return fail(err::kBadKey, secret.error().to_string());
  return derive_session_key(suite, *secret, ra, rb, dispersion_factor);
}

}  // namespace rl::offline
