#pragma once
// The consensus core's injected crypto, backed by the node's real keys: votes and proposals are
// signed with the validator key of the genesis suite (P-256 or SM2), and a proposed value (a
// serialized Block) is identified by the suite hash of its header bytes, exactly the block hash
// the ledger stores and receipts carry.

#include <map>
#include <mutex>
#include <optional>

#include "consensus/crypto_hooks.hpp"
#include "crypto/keys.hpp"
#include "crypto/suite.hpp"

namespace rl::node {

class KeySigner final : public consensus::Signer {
 public:
  explicit KeySigner(crypto::PrivateKey key) : key_(std::move(key)) {}
  // An empty result is never a valid signature: the core's peers then refuse the message, which
  // is the right failure for a key that cannot sign.
  Bytes sign(ByteView message) override;
  Bytes public_key_der() const { return key_.public_key().to_der(); }

 private:
  crypto::PrivateKey key_;
};

class KeyVerifier final : public consensus::Verifier {
 public:
  // Validator ids are public keys as SubjectPublicKeyInfo DER; parsed keys are cached.
  bool verify(const consensus::Validator& validator, ByteView message,
              ByteView signature) const override;

 private:
  mutable std::mutex mu_;
  mutable std::map<Bytes, std::optional<crypto::PublicKey>> keys_;
};

class BlockHasher final : public consensus::ValueHasher {
 public:
  explicit BlockHasher(crypto::Suite suite) : suite_(suite) {}
  // suite_hash(Block.header); the empty hash for bytes that are not a Block, which no valid
  // proposal can carry.
  Bytes hash(ByteView value) const override;

 private:
  crypto::Suite suite_;
};

}  // namespace rl::node
