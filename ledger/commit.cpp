#include "ledger/commit.hpp"

#include <set>

#include "proto/vote_sign_bytes.hpp"

namespace rl::ledger {

Status verify_commit(const TrustAnchor& anchor, std::uint64_t height, ByteView block_hash,
                     const pb::CommitCertificate& cert) {
  return verify_commit(anchor, anchor.genesis_set(), height, block_hash, cert);
}

Status verify_commit(const TrustAnchor& anchor, const ValidatorKeys& set, std::uint64_t height,
                     ByteView block_hash, const pb::CommitCertificate& cert) {
  if (cert.height() != height) return make_error("bad_commit", "certificate is for another height");
  if (!bytes_equal(cert.block_hash(), block_hash)) {
    return make_error("bad_commit", "certificate is for another block hash");
  }
  if (cert.signatures_size() > static_cast<int>(set.keys.size())) {
    return make_error("bad_commit", "more signatures than validators");
  }
  Bytes msg = proto::vote_sign_bytes(anchor.chain_id, height, cert.round(),
                                     proto::VoteType::kPrecommit, block_hash);
  std::set<std::uint32_t> seen;
  std::uint64_t power = 0;
  for (const auto& sig : cert.signatures()) {
    std::uint32_t i = sig.validator_index();
    if (i >= set.keys.size()) return make_error("bad_commit", "unknown validator index");
    if (!seen.insert(i).second) return make_error("bad_commit", "duplicate validator signature");
    if (!crypto::verify(set.keys[i], msg, as_bytes(sig.signature()))) {
      return make_error("bad_commit", "validator " + std::to_string(i) + " signature is invalid");
    }
    power += set.powers[i];
  }
  // Strictly more than two thirds: 3 * power > 2 * total.
  if (3 * power <= 2 * set.total_power) {
    return make_error("bad_commit", "signed power " + std::to_string(power) + " of " +
                                        std::to_string(set.total_power) + " is not more than 2/3");
  }
  return {};
}

Result<pb::CommitSignature> sign_precommit(const TrustAnchor& anchor, const crypto::PrivateKey& key,
                                           std::uint32_t validator_index, std::uint64_t height,
                                           std::uint32_t round, ByteView block_hash) {
  Bytes msg = proto::vote_sign_bytes(anchor.chain_id, height, round, proto::VoteType::kPrecommit,
                                     block_hash);
  RL_ASSIGN_OR_RETURN(auto sig, crypto::sign(key, msg));
  pb::CommitSignature out;
  out.set_validator_index(validator_index);
  out.set_signature(to_string(sig));
  return out;
}

}  // namespace rl::ledger
