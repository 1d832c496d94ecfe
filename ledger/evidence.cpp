#include "ledger/evidence.hpp"

#include <algorithm>
#include <map>

#include "consensus/certificate.hpp"
#include "consensus/codec.hpp"
#include "crypto/merkle.hpp"
#include "ledger/validator_keys.hpp"
#include "ledger/validator_sets.hpp"

namespace rl::ledger {
namespace {

constexpr std::string_view kPrefix = "evidence/";

Error bad_evidence(std::size_t index, const std::string& why) {
  return make_error("bad_evidence", "evidence " + std::to_string(index) + ": " + why);
}

// One item checked against `state`: its decoded (canonical) proof and its slot key.
struct CheckedEvidence {
  consensus::DuplicateVoteEvidence proof;
  Bytes slot;
  ValidatorKeys set;  // in force at the votes' height
};

// Strict decoding, and only the canonical encoding: a re-ordered or re-encoded copy of a recorded
// proof is not a second proof, and a block's bytes must be what every validator would write.
Result<consensus::DuplicateVoteEvidence> decode_canonical(ByteView bytes) {
  if (bytes.size() > kMaxEvidenceBytes) {
    return make_error("too_large", std::to_string(bytes.size()) + " bytes; at most " +
                                       std::to_string(kMaxEvidenceBytes));
  }
  RL_ASSIGN_OR_RETURN(auto proof, consensus::decode_evidence(bytes));
  const Bytes canonical = consensus::encode_evidence(canonical_evidence(proof));
  if (!std::equal(canonical.begin(), canonical.end(), bytes.begin(), bytes.end())) {
    return make_error("not_canonical", "not the canonical encoding (smaller value hash first)");
  }
  return proof;
}

Result<CheckedEvidence> check_one(const TrustAnchor& anchor, const StateOverlay& state,
                                  std::uint64_t block_height, ByteView bytes) {
  RL_ASSIGN_OR_RETURN(auto proof, decode_canonical(bytes));
  const auto height = proof.first.height;
  if (height == 0 || height > block_height) {
    return make_error("wrong_height", "votes at height " + std::to_string(height) +
                                          " cannot be proven in block " +
                                          std::to_string(block_height));
  }
  if (block_height - height > kMaxEvidenceAge) {
    return make_error("too_old", "votes at height " + std::to_string(height) + " are more than " +
                                     std::to_string(kMaxEvidenceAge) + " heights old");
  }
  RL_ASSIGN_OR_RETURN(auto set, validator_keys_at(anchor, state, height));
  const ValidatorKeysVerifier verifier(set);
  RL_TRY(consensus::verify_evidence(anchor.chain_id, set.set, verifier, proof));
  Bytes slot = evidence_slot_key(proof.first);
  RL_ASSIGN_OR_RETURN(auto recorded, state.get(slot));
  if (recorded) return make_error("already_recorded", "this equivocation is already on the ledger");
  return CheckedEvidence{std::move(proof), std::move(slot), std::move(set)};
}

pb::EvidenceRecord record_of(const CheckedEvidence& c, std::uint64_t block_height, ByteView bytes) {
  const auto& a = c.proof.first;
  pb::EvidenceRecord r;
  r.set_height(a.height);
  r.set_round(static_cast<std::uint32_t>(a.round));
  r.set_vote_type(consensus::vote_type_name(a.type));
  r.set_validator_index(a.validator);
  r.set_validator_key(to_string(c.set.set.at(a.validator).id));
  r.set_first_value_hash(to_string(a.value_hash));
  r.set_second_value_hash(to_string(c.proof.second.value_hash));
  r.set_recorded_height(block_height);
  r.set_evidence(to_string(bytes));
  return r;
}

}  // namespace

Bytes evidence_prefix() {
  return to_bytes(std::string(kPrefix));
}

Bytes evidence_slot_key(const consensus::Vote& vote) {
  Bytes k = evidence_prefix();
  append_u64_be(k, vote.height);
  append_u64_be(k, vote.validator);
  append_u64_be(k, static_cast<std::uint64_t>(vote.round));
  k.push_back(static_cast<std::uint8_t>(vote.type));
  return k;
}

consensus::DuplicateVoteEvidence canonical_evidence(consensus::DuplicateVoteEvidence e) {
  if (e.second.value_hash < e.first.value_hash) std::swap(e.first, e.second);
  return e;
}

Bytes evidence_root(crypto::Suite suite, const std::vector<Bytes>& evidence) {
  if (evidence.empty()) return {};
  std::vector<Bytes> leaves;
  leaves.reserve(evidence.size());
  for (const auto& e : evidence) leaves.push_back(crypto::merkle_leaf_hash(suite, e));
  return crypto::merkle_root(suite, leaves);
}

Status record_block_evidence(const TrustAnchor& anchor, StateOverlay& state,
                             std::uint64_t block_height, const std::vector<Bytes>& evidence) {
  if (evidence.size() > kMaxBlockEvidence) {
    return make_error("bad_evidence", std::to_string(evidence.size()) +
                                          " evidence items; a block carries at most " +
                                          std::to_string(kMaxBlockEvidence));
  }
  // All or nothing, like a transaction: a block whose evidence fails is refused whole.
  state.begin_tx();
  Bytes previous_slot;
  for (std::size_t i = 0; i < evidence.size(); ++i) {
    auto checked = check_one(anchor, state, block_height, evidence[i]);
    if (checked.ok() && i > 0 && !(previous_slot < checked->slot)) {
      checked = make_error("bad_order", "not in strictly increasing slot order");
    }
    if (!checked.ok()) {
      state.abort_tx();
      return bad_evidence(i, checked.error().to_string());
    }
    const auto record = record_of(*checked, block_height, evidence[i]);
    state.put(checked->slot, to_bytes(record.SerializeAsString()));
    previous_slot = std::move(checked->slot);
  }
  state.commit_tx();
  return {};
}

Status verify_evidence_record(const TrustAnchor& anchor, const ValidatorKeys& set,
                              const pb::EvidenceRecord& record) {
  auto invalid = [](const std::string& why) { return make_error("evidence_invalid", why); };
  auto proof = decode_canonical(as_bytes(record.evidence()));
  if (!proof.ok()) return invalid(proof.error().to_string());
  const ValidatorKeysVerifier verifier(set);
  auto verified = consensus::verify_evidence(anchor.chain_id, set.set, verifier, *proof);
  if (!verified.ok()) return invalid(verified.error().message);
  const auto& a = proof->first;
  if (record.height() != a.height || record.round() != static_cast<std::uint32_t>(a.round) ||
      record.vote_type() != consensus::vote_type_name(a.type) ||
      record.validator_index() != a.validator) {
    return invalid("the record's slot is not the proof's");
  }
  if (!bytes_equal(record.first_value_hash(), a.value_hash) ||
      !bytes_equal(record.second_value_hash(), proof->second.value_hash)) {
    return invalid("the record's values are not the proof's");
  }
  if (!bytes_equal(record.validator_key(), set.set.at(a.validator).id)) {
    return invalid("the record's validator key is not that member's");
  }
  return {};
}

std::vector<Bytes> select_block_evidence(const TrustAnchor& anchor, const StateOverlay& state,
                                         std::uint64_t block_height,
                                         const std::vector<Bytes>& candidates) {
  std::map<Bytes, Bytes> by_slot;  // one proof per slot, in slot order
  for (const auto& bytes : candidates) {
    auto proof = consensus::decode_evidence(bytes);
    if (!proof.ok()) continue;
    const Bytes canonical = consensus::encode_evidence(canonical_evidence(*proof));
    auto checked = check_one(anchor, state, block_height, canonical);
    if (!checked.ok()) continue;
    by_slot.emplace(std::move(checked->slot), canonical);
  }
  std::vector<Bytes> out;
  for (auto& [slot, bytes] : by_slot) {
    if (out.size() == kMaxBlockEvidence) break;
    out.push_back(std::move(bytes));
  }
  return out;
}

Result<EvidencePage> list_evidence(const Store& store, std::uint64_t from_height, ByteView after,
                                   std::size_t limit) {
  EvidencePage page;
  if (limit == 0) return page;
  Bytes start(after.begin(), after.end());
  if (start.empty() && from_height > 0) {
    // Every slot key of a lower height sorts at or before this one.
    start = evidence_prefix();
    append_u64_be(start, from_height - 1);
    start.insert(start.end(), 8 * 2 + 1, 0xff);
  }
  bool corrupt = false;
  RL_TRY(
      store.visit_prefix(Cf::kState, evidence_prefix(), start, [&](ByteView key, ByteView value) {
        pb::EvidenceRecord r;
        if (!r.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          corrupt = true;
          return false;
        }
        page.records.push_back(std::move(r));
        if (page.records.size() < limit) return true;
        page.next.assign(key.begin(), key.end());
        return false;
      }));
  if (corrupt) return make_error("state_corrupt", "an evidence record does not decode");
  return page;
}

}  // namespace rl::ledger
