#pragma once
// Equivocation proofs this validator saw (the core's Ready::evidence), waiting to be put in a
// block it proposes (ledger/evidence.hpp). One proof per voting slot, at most kMaxPending: a
// Byzantine validator can equivocate at every round, and proofs beyond the bound wait for the
// ones before them to be recorded. Owned by the shell thread.

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "common/bytes.hpp"
#include "consensus/messages.hpp"

namespace rl::ledger {
class Chain;
}  // namespace rl::ledger

namespace rl::node {

class EvidencePool {
 public:
  static constexpr std::size_t kMaxPending = 256;

  // Keeps `proof` (in canonical form) unless its slot is already pending or the pool is full.
  // Returns whether it was added.
  bool add(const consensus::DuplicateVoteEvidence& proof);
  // The pending proofs' bytes (encode_evidence), oldest slots first: candidates for a block.
  std::vector<Bytes> candidates() const;
  // After a commit: drops the proofs the chain has recorded and those too old to record.
  void prune(const ledger::Chain& chain);
  std::size_t size() const { return pending_.size(); }

 private:
  struct Pending {
    std::uint64_t height = 0;
    Bytes bytes;
  };
  std::map<Bytes, Pending> pending_;  // by slot key
};

}  // namespace rl::node
