#include "node/validator/evidence_pool.hpp"

#include "consensus/codec.hpp"
#include "ledger/chain.hpp"
#include "ledger/evidence.hpp"

namespace rl::node {

bool EvidencePool::add(const consensus::DuplicateVoteEvidence& proof) {
  if (pending_.size() >= kMaxPending) return false;
  const auto canonical = ledger::canonical_evidence(proof);
  return pending_
      .emplace(ledger::evidence_slot_key(canonical.first),
               Pending{canonical.first.height, consensus::encode_evidence(canonical)})
      .second;
}

std::vector<Bytes> EvidencePool::candidates() const {
  std::vector<Bytes> out;
  out.reserve(pending_.size());
  for (const auto& [slot, p] : pending_) out.push_back(p.bytes);
  return out;
}

void EvidencePool::prune(const ledger::Chain& chain) {
  const std::uint64_t next = chain.head().height + 1;
  for (auto it = pending_.begin(); it != pending_.end();) {
    const bool too_old = next > it->second.height + ledger::kMaxEvidenceAge;
    auto recorded = chain.state_value(it->first);
    // A read error keeps the proof: the next block's selection re-checks it anyway.
    if (too_old || (recorded.ok() && recorded->has_value())) {
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace rl::node
