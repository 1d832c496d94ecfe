#pragma once
// The consensus messages as C++ values. Their wire form is in codec.hpp, the bytes each one signs
// in sign_bytes.hpp. A message is only ever acted upon after its signature verified.

#include <compare>
#include <variant>
#include <vector>

#include "common/bytes.hpp"
#include "consensus/types.hpp"

namespace rl::consensus {

// A prevote or precommit. An empty value_hash is a vote for nil.
struct Vote {
  VoteType type = VoteType::kPrevote;
  Height height = 0;
  Round round = 0;
  ValidatorIndex validator = 0;
  Bytes value_hash;
  Bytes signature;

  bool is_nil() const { return value_hash.empty(); }
  bool operator==(const Vote&) const = default;
};

// ⟨PROPOSAL, h, r, v, validRound⟩ from the proposer of (h, r). `value` is opaque to consensus
// (the serialized block); `value_hash` is the application's hash of it, checked on receipt with
// the injected ValueHasher.
struct Proposal {
  Height height = 0;
  Round round = 0;
  Round pol_round = kNoRound;
  ValidatorIndex proposer = 0;
  Bytes value;
  Bytes value_hash;
  Bytes signature;

  bool operator==(const Proposal&) const = default;
};

using Message = std::variant<Proposal, Vote>;

struct CertificateSignature {
  ValidatorIndex validator = 0;
  Bytes signature;
  bool operator==(const CertificateSignature&) const = default;
};

// Precommits for `block_hash` in (height, round) from validators holding more than 2/3 of the
// power of the set at `height`. Each signature covers
// proto::vote_sign_bytes(chain_id, height, round, kPrecommit, block_hash). Sorted by validator.
struct CommitCertificate {
  Height height = 0;
  Round round = 0;
  Bytes block_hash;
  std::vector<CertificateSignature> signatures;
  bool operator==(const CommitCertificate&) const = default;
};

// Two votes by one validator for the same (height, round, type) and different values: proof of
// equivocation that the ledger can record and anyone can re-verify (verify_evidence).
struct DuplicateVoteEvidence {
  Vote first;
  Vote second;
  bool operator==(const DuplicateVoteEvidence&) const = default;
};

}  // namespace rl::consensus
