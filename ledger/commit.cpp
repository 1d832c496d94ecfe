#include "ledger/commit.hpp"

#include "consensus/certificate.hpp"
#include "proto/vote_sign_bytes.hpp"

namespace rl::ledger {

consensus::CommitCertificate certificate_from_pb(const pb::CommitCertificate& c) {
  consensus::CommitCertificate out;
  out.height = c.height();
  out.round =
      static_cast<consensus::Round>(c.round());  // u32 on the wire; range-checked by the rule
  out.block_hash = to_bytes(c.block_hash());
  out.signatures.reserve(static_cast<std::size_t>(c.signatures_size()));
  for (const auto& s : c.signatures()) {
    out.signatures.push_back({s.validator_index(), to_bytes(s.signature())});
  }
  return out;
}

pb::CommitCertificate certificate_to_pb(const consensus::CommitCertificate& c) {
  pb::CommitCertificate out;
  out.set_height(c.height);
  out.set_round(static_cast<std::uint32_t>(c.round));
  out.set_block_hash(to_string(c.block_hash));
  for (const auto& s : c.signatures) {
    auto* sig = out.add_signatures();
    sig->set_validator_index(s.validator);
    sig->set_signature(to_string(s.signature));
  }
  return out;
}

Status verify_commit(const TrustAnchor& anchor, const ValidatorKeys& set, std::uint64_t height,
                     ByteView block_hash, const pb::CommitCertificate& cert) {
  if (cert.height() != height) return make_error("bad_commit", "certificate is for another height");
  if (!bytes_equal(cert.block_hash(), block_hash)) {
    return make_error("bad_commit", "certificate is for another block hash");
  }
  // Bounded before anything is copied: no valid certificate has more signers than members.
  if (static_cast<std::size_t>(cert.signatures_size()) > set.set.size()) {
    return make_error("bad_commit", "more signatures than validators");
  }
  const ValidatorKeysVerifier verifier(set);
  auto ok =
      consensus::verify_certificate(anchor.chain_id, set.set, verifier, certificate_from_pb(cert));
  if (!ok.ok()) return make_error("bad_commit", ok.error().message);
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
