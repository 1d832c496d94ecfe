#pragma once
// Equivocation evidence on the ledger (decision 0077). A validator that signs two conflicting
// votes for one (height, round, type) is caught by every honest node's vote tally
// (consensus::DuplicateVoteEvidence); a proposer puts the proof in its block (Block.evidence,
// committed to by the header's evidence_root) and every validator re-checks it here before the
// block's transactions run. Each proven slot is recorded once, as an EvidenceRecord in the
// state (so app_hash covers it), and anyone can re-verify the stored bytes offline with the
// validator set of that height.
//
// The rules, applied identically when a block is built and when it is checked:
//   - at most kMaxBlockEvidence items, each at most kMaxEvidenceBytes, in strictly increasing
//     slot-key order (one encoding per block);
//   - each item decodes strictly and is canonical: its bytes are encode_evidence of what they
//     decode to, with the smaller value hash first;
//   - its height is at most the block's and at most kMaxEvidenceAge heights older;
//   - both signatures verify for the same member of the set in force at that height
//     (consensus::verify_evidence);
//   - its slot has no record yet.

#include <cstdint>
#include <vector>

#include "common/bytes.hpp"
#include "common/result.hpp"
#include "consensus/messages.hpp"
#include "ledger/genesis.hpp"
#include "ledger/state_overlay.hpp"
#include "ledger/validator_keys.hpp"
#include "regledger.pb.h"

namespace rl::ledger {

inline constexpr std::size_t kMaxBlockEvidence = 16;
inline constexpr std::size_t kMaxEvidenceBytes = 2048;
inline constexpr std::uint64_t kMaxEvidenceAge = 10'000;  // heights

// The state key of the slot a proof is about: "evidence/" u64be(height) u64be(validator)
// u64be(round) u8(type). Height first, so a listing reads in height order.
Bytes evidence_slot_key(const consensus::Vote& vote);
Bytes evidence_prefix();

// The canonical form of a proof: the vote with the smaller value hash first.
consensus::DuplicateVoteEvidence canonical_evidence(consensus::DuplicateVoteEvidence e);

// RFC 6962 root over the exact evidence bytes (the header's evidence_root); empty for none.
Bytes evidence_root(crypto::Suite suite, const std::vector<Bytes>& evidence);

// Checks a block's evidence against `state` (committed state plus this block so far) and stages
// one EvidenceRecord per item in it. Code: bad_evidence (which item and why).
Status record_block_evidence(const TrustAnchor& anchor, StateOverlay& state,
                             std::uint64_t block_height, const std::vector<Bytes>& evidence);

// Offline, for an auditor holding the genesis file: `record` proves that member
// record.validator_index of `set` (the set in force at record.height, e.g. followed from genesis
// through the handoffs of /v1/headers) signed two conflicting votes. The proof decodes in its
// canonical form, both signatures verify, and every field of the record says what the proof and
// the set say. Code: evidence_invalid (with the reason).
Status verify_evidence_record(const TrustAnchor& anchor, const ValidatorKeys& set,
                              const pb::EvidenceRecord& record);

// For a proposer: the `candidates` (encode_evidence bytes, any order, possibly stale) that
// record_block_evidence would accept in a block at `block_height`, canonical and in slot order,
// at most kMaxBlockEvidence. Never fails: a candidate that does not pass is left out.
std::vector<Bytes> select_block_evidence(const TrustAnchor& anchor, const StateOverlay& state,
                                         std::uint64_t block_height,
                                         const std::vector<Bytes>& candidates);

struct EvidencePage {
  std::vector<pb::EvidenceRecord> records;
  Bytes next;  // the last record's slot key when the page is full: the `after` of the next page
};
// Recorded evidence in slot order, at most `limit`: from the votes at `from_height`, or, when
// `after` (a previous page's `next`) is given, from the slot after it.
Result<EvidencePage> list_evidence(const Store& store, std::uint64_t from_height, ByteView after,
                                   std::size_t limit);

}  // namespace rl::ledger
