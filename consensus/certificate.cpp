#include "consensus/certificate.hpp"

#include "consensus/codec.hpp"
#include "consensus/sign_bytes.hpp"

namespace rl::consensus {

Status verify_certificate(std::string_view chain_id, const ValidatorSet& set,
                          const Verifier& verifier, const CommitCertificate& cert) {
  if (cert.block_hash.empty() || cert.block_hash.size() > kMaxHashBytes)
    return make_error("invalid_certificate", "bad block hash");
  if (cert.round < 0 || cert.round >= kMaxRound)
    return make_error("invalid_certificate", "round out of range");
  const Bytes msg = precommit_sign_bytes(chain_id, cert.height, cert.round, cert.block_hash);
  Power power = 0;
  bool first = true;
  ValidatorIndex prev = 0;
  for (const auto& s : cert.signatures) {
    // One order means one encoding per signer set, and a duplicate signer is caught by the
    // same comparison.
    if (!first && s.validator <= prev)
      return make_error("invalid_certificate",
                        "signer indices not strictly increasing (validator " +
                            std::to_string(s.validator) + " after " + std::to_string(prev) + ")");
    first = false;
    prev = s.validator;
    if (s.validator >= set.size())
      return make_error("invalid_certificate", "signer is not in the validator set");
    if (!verifier.verify(set.at(s.validator), msg, s.signature))
      return make_error("invalid_certificate",
                        "bad signature from validator " + std::to_string(s.validator));
    power += set.at(s.validator).power;
  }
  if (!set.is_quorum(power))
    return make_error("invalid_certificate", "signed power " + std::to_string(power) + " of " +
                                                 std::to_string(set.total_power()) +
                                                 " is not more than 2/3");
  return {};
}

Status verify_evidence(std::string_view chain_id, const ValidatorSet& set, const Verifier& verifier,
                       const DuplicateVoteEvidence& e) {
  const Vote& a = e.first;
  const Vote& b = e.second;
  if (a.height != b.height || a.round != b.round || a.type != b.type || a.validator != b.validator)
    return make_error("invalid_evidence", "votes are not for the same slot and validator");
  if (a.value_hash == b.value_hash) return make_error("invalid_evidence", "votes do not conflict");
  if (a.validator >= set.size()) return make_error("invalid_evidence", "not a validator");
  const Validator& v = set.at(a.validator);
  if (!verifier.verify(v, vote_sign_bytes(chain_id, a), a.signature) ||
      !verifier.verify(v, vote_sign_bytes(chain_id, b), b.signature))
    return make_error("invalid_evidence", "bad signature");
  return {};
}

}  // namespace rl::consensus
