#pragma once
// Signing, verification and value hashing are injected so that the core stays pure and the
// simulator can run it with cheap deterministic crypto, the benchmark with null crypto, and the
// node with real keys (rl::crypto ECDSA P-256 / SM2).

#include "common/bytes.hpp"
#include "consensus/validator_set.hpp"

namespace rl::consensus {

class Signer {
 public:
  virtual ~Signer() = default;
  // Signs exactly `message` (already domain-separated by sign_bytes.hpp).
  virtual Bytes sign(ByteView message) = 0;
};

class Verifier {
 public:
  virtual ~Verifier() = default;
  // True only if `signature` is `validator`'s valid signature over `message`. Must not throw.
  virtual bool verify(const Validator& validator, ByteView message, ByteView signature) const = 0;
};

class ValueHasher {
 public:
  virtual ~ValueHasher() = default;
  // The application's identifier of a proposed value (the block hash of the serialized block).
  virtual Bytes hash(ByteView value) const = 0;
};

// Non-owning; the objects must outlive the Consensus instance that uses them.
struct CryptoHooks {
  Signer* signer = nullptr;  // may be null for a non-validating observer
  const Verifier* verifier = nullptr;
  const ValueHasher* hasher = nullptr;
};

}  // namespace rl::consensus
