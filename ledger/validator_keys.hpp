#pragma once
// The one validator-set type that commit certificates are checked against, on every path: the
// consensus core, block sync, the ledger's commit, receipts and the client's verified reads
// (decision 0070). It is consensus::ValidatorSet (members' ids, powers, the quorum rule) plus
// what only the ledger side needs: each member's parsed public key and the set's canonical hash,
// the value block headers carry as validators_hash / next_validators_hash.

#include <cstdint>
#include <vector>

#include "common/bytes.hpp"
#include "common/result.hpp"
#include "consensus/crypto_hooks.hpp"
#include "consensus/validator_set.hpp"
#include "crypto/keys.hpp"
#include "crypto/suite.hpp"

namespace rl::ledger {

struct ValidatorKeys {
  consensus::ValidatorSet set;          // id of member i = SubjectPublicKeyInfo DER of keys[i]
  std::vector<crypto::PublicKey> keys;  // index = validator index
  Bytes hash;                           // validator_set_hash(suite, set)
};

// Builds the set of `keys` with `powers` (same length, validator-index order). Refused with
// code bad_validator_set: a key of another suite, and whatever consensus::ValidatorSet refuses
// (no member, zero power, the same key twice, total power above consensus::kMaxTotalPower).
Result<ValidatorKeys> make_validator_keys(crypto::Suite suite, std::vector<crypto::PublicKey> keys,
                                          const std::vector<std::uint64_t>& powers);

// Canonical validator-set hash: H("regledger/valset/v1\0" || for each member in index order:
// u64be power || u32be len(spki) || spki).
Bytes validator_set_hash(crypto::Suite suite, const consensus::ValidatorSet& set);

// consensus::Verifier over the parsed keys of one set: a signature verifies only when its
// validator is a member of `keys.set`. Holds a reference; `keys` must outlive it.
class ValidatorKeysVerifier final : public consensus::Verifier {
 public:
  explicit ValidatorKeysVerifier(const ValidatorKeys& keys) : keys_(keys) {}
  bool verify(const consensus::Validator& validator, ByteView message,
              ByteView signature) const override;

 private:
  const ValidatorKeys& keys_;
};

}  // namespace rl::ledger
