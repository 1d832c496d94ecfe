#include "node/validator/consensus_crypto.hpp"

#include "crypto/hash.hpp"
#include "regledger.pb.h"

namespace rl::node {

Bytes KeySigner::sign(ByteView message) {
  auto sig = crypto::sign(key_, message);
  return sig.ok() ? std::move(sig).value() : Bytes{};
}

bool KeyVerifier::verify(const consensus::Validator& validator, ByteView message,
                         ByteView signature) const {
  const crypto::PublicKey* key = nullptr;
  {
    std::lock_guard lock(mu_);
    auto it = keys_.find(validator.id);
    if (it == keys_.end()) {
      auto parsed = crypto::PublicKey::from_der(validator.id);
      it = keys_
               .emplace(validator.id, parsed.ok() ? std::optional<crypto::PublicKey>(*parsed)
                                                  : std::optional<crypto::PublicKey>())
               .first;
    }
    if (!it->second) return false;
    key = &*it->second;  // map nodes are stable; entries are never erased
  }
  return crypto::verify(*key, message, signature);
}

Bytes BlockHasher::hash(ByteView value) const {
  ::regledger::v1::Block block;
  if (!block.ParseFromArray(value.data(), static_cast<int>(value.size()))) return {};
  return crypto::hash(suite_, as_bytes(block.header()));
}

}  // namespace rl::node
