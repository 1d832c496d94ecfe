// Equivocation evidence on the ledger (ledger/evidence.hpp, decision 0077): each rule a block's
// evidence must pass has a test that breaks only that rule and sees check_block refuse it with
// that rule's reason; a valid proof is recorded once, listed, and re-checked identically by a
// second replica. Fixture: four validators of power 1 whose keys the test holds.

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "api/evidence_json.hpp"
#include "consensus/certificate.hpp"
#include "consensus/codec.hpp"
#include "consensus/sign_bytes.hpp"
#include "crypto/hash.hpp"
#include "ledger/chain_check.hpp"
#include "ledger/evidence.hpp"
#include "tests/ledger/four_validator_fixture.hpp"

namespace rl::ledger::testing {
namespace {

using consensus::DuplicateVoteEvidence;
using consensus::Vote;
using consensus::VoteType;

class EvidenceRules : public FourValidatorFixture {
 protected:
  Bytes value(const std::string& name) const {
    return crypto::hash(chain_->anchor().suite, to_bytes(name));
  }

  Vote vote(std::uint32_t validator, std::uint64_t height, std::int32_t round, VoteType type,
            const Bytes& value_hash) const {
    Vote v;
    v.type = type;
    v.height = height;
    v.round = round;
    v.validator = validator;
    v.value_hash = value_hash;
    v.signature =
        crypto::sign(keys_[validator], consensus::vote_sign_bytes(chain_->anchor().chain_id, v))
            .value();
    return v;
  }

  // Validator `validator` prevoting two values at (height, round), canonical bytes.
  Bytes double_prevote(std::uint32_t validator, std::uint64_t height, std::int32_t round = 0) {
    return consensus::encode_evidence(
        canonical_evidence({vote(validator, height, round, VoteType::kPrevote, value("a")),
                            vote(validator, height, round, VoteType::kPrevote, value("b"))}));
  }

  // An empty block at the next height, built with `evidence` offered to the proposer.
  PreparedBlock build_with(const std::vector<Bytes>& evidence) {
    auto b = chain_->build_block(std::vector<DecodedTx>{}, chain_->head().time_ms + 1000, 0,
                                 nullptr, evidence);
    if (!b.ok()) throw std::runtime_error("build_block: " + b.error().to_string());
    return std::move(b).value();
  }

  // An honest empty block whose evidence list is replaced by `evidence` (the header is not
  // fixed: the evidence rules run before the header is compared).
  Bytes forge(const std::vector<Bytes>& evidence) {
    const PreparedBlock honest = build_with({});
    pb::Block block;
    EXPECT_TRUE(block.ParseFromArray(honest.block_bytes.data(),
                                     static_cast<int>(honest.block_bytes.size())));
    block.clear_evidence();
    for (const auto& e : evidence) block.add_evidence(to_string(e));
    return to_bytes(block.SerializeAsString());
  }

  // check_block refuses `block_bytes` with bad_block naming `reason`; nothing changes.
  void expect_refused(const Bytes& block_bytes, const std::string& reason) {
    const auto head = chain_->head();
    auto checked = chain_->check_block(block_bytes);
    ASSERT_FALSE(checked.ok()) << "accepted; expected: " << reason;
    EXPECT_EQ(checked.error().code, "bad_block");
    EXPECT_NE(checked.error().message.find(reason), std::string::npos)
        << checked.error().message << " (expected: " << reason << ")";
    EXPECT_EQ(chain_->head().height, head.height);
    EXPECT_EQ(chain_->head().app_hash, head.app_hash);
  }
};

TEST_F(EvidenceRules, AValidProofIsRecordedOnceListedAndCheckedAlikeByAnotherReplica) {
  const Bytes proof = double_prevote(3, 1);
  const PreparedBlock block = build_with({proof});
  ASSERT_EQ(block.header.evidence_root(),
            to_string(evidence_root(chain_->anchor().suite, {proof})));
  // Another replica of the same chain re-executes the block to the same app hash.
  auto replica = open_chain(make_temp_dir(), genesis_);
  auto checked = replica->check_block(block.block_bytes);
  ASSERT_TRUE(checked.ok()) << checked.error().to_string();
  EXPECT_EQ(checked->header.app_hash(), block.header.app_hash());
  seal(*chain_, block);

  auto page = chain_->evidence(0, {}, 10).value();
  ASSERT_EQ(page.records.size(), 1u);
  const auto& r = page.records[0];
  EXPECT_EQ(r.height(), 1u);
  EXPECT_EQ(r.round(), 0u);
  EXPECT_EQ(r.vote_type(), "prevote");
  EXPECT_EQ(r.validator_index(), 3u);
  EXPECT_EQ(r.validator_key(), to_string(chain_->anchor().genesis_keys.set.at(3).id));
  EXPECT_EQ(r.recorded_height(), 1u);
  EXPECT_EQ(r.evidence(), to_string(proof));
  EXPECT_LT(r.first_value_hash(), r.second_value_hash());
  // The stored bytes re-verify against the validator set alone.
  auto decoded = consensus::decode_evidence(as_bytes(r.evidence())).value();
  const ValidatorKeysVerifier verifier(chain_->anchor().genesis_keys);
  EXPECT_TRUE(consensus::verify_evidence(chain_->anchor().chain_id,
                                         chain_->anchor().genesis_keys.set, verifier, decoded)
                  .ok());

  // Offered again, the proposer leaves it out; a block carrying it anyway is refused.
  EXPECT_TRUE(build_with({proof}).header.evidence_root().empty());
  expect_refused(forge({proof}), "already on the ledger");
  // A stored chain with evidence passes the backup check (evidence_root re-computed).
  EXPECT_TRUE(check_stored_chain(*chain_).ok());
}

TEST_F(EvidenceRules, ABlockWithoutEvidenceKeepsItsFormerHeader) {
  const PreparedBlock block = build_with({});
  EXPECT_TRUE(block.header.evidence_root().empty());
  pb::Block b;
  ASSERT_TRUE(
      b.ParseFromArray(block.block_bytes.data(), static_cast<int>(block.block_bytes.size())));
  EXPECT_EQ(b.evidence_size(), 0);
  // Field 12 is absent from the header bytes, so pre-evidence block hashes are unchanged.
  pb::BlockHeader hdr;
  ASSERT_TRUE(hdr.ParseFromString(b.header()));
  hdr.clear_evidence_root();
  EXPECT_EQ(hdr.SerializeAsString(), b.header());
}

TEST_F(EvidenceRules, EvidenceThatDoesNotMatchTheHeaderIsRefused) {
  const PreparedBlock block = build_with({double_prevote(3, 1)});
  pb::Block b;
  ASSERT_TRUE(
      b.ParseFromArray(block.block_bytes.data(), static_cast<int>(block.block_bytes.size())));
  b.clear_evidence();
  b.add_evidence(to_string(double_prevote(2, 1)));  // valid, but not what the header commits to
  expect_refused(to_bytes(b.SerializeAsString()), "evidence_root mismatch");
  b.clear_evidence();  // dropped altogether: the recorded state differs too
  expect_refused(to_bytes(b.SerializeAsString()), "evidence_root mismatch");
}

TEST_F(EvidenceRules, VotesForOneValueAreNoProof) {
  const auto v = vote(3, 1, 0, VoteType::kPrevote, value("a"));
  expect_refused(forge({consensus::encode_evidence({v, v})}), "do not conflict");
}

TEST_F(EvidenceRules, VotesOfDifferentSlotsAreNoProof) {
  auto other_round = canonical_evidence({vote(3, 1, 0, VoteType::kPrevote, value("a")),
                                         vote(3, 1, 1, VoteType::kPrevote, value("b"))});
  expect_refused(forge({consensus::encode_evidence(other_round)}), "not for the same slot");
  auto other_type = canonical_evidence({vote(3, 1, 0, VoteType::kPrevote, value("a")),
                                        vote(3, 1, 0, VoteType::kPrecommit, value("b"))});
  expect_refused(forge({consensus::encode_evidence(other_type)}), "not for the same slot");
  auto other_validator = canonical_evidence({vote(2, 1, 0, VoteType::kPrevote, value("a")),
                                             vote(3, 1, 0, VoteType::kPrevote, value("b"))});
  expect_refused(forge({consensus::encode_evidence(other_validator)}), "not for the same slot");
}

TEST_F(EvidenceRules, ABadSignatureIsNoProof) {
  auto e = canonical_evidence({vote(3, 1, 0, VoteType::kPrevote, value("a")),
                               vote(3, 1, 0, VoteType::kPrevote, value("b"))});
  e.second.signature = vote(2, 1, 0, VoteType::kPrevote, e.second.value_hash).signature;
  expect_refused(forge({consensus::encode_evidence(e)}), "bad signature");
}

TEST_F(EvidenceRules, ANonMemberIsNoValidator) {
  auto a = vote(3, 1, 0, VoteType::kPrevote, value("a"));
  auto b = vote(3, 1, 0, VoteType::kPrevote, value("b"));
  a.validator = b.validator = 9;
  expect_refused(forge({consensus::encode_evidence(canonical_evidence({a, b}))}),
                 "not a validator");
}

TEST_F(EvidenceRules, OnlyTheCanonicalOrderIsAccepted) {
  auto e = canonical_evidence({vote(3, 1, 0, VoteType::kPrevote, value("a")),
                               vote(3, 1, 0, VoteType::kPrevote, value("b"))});
  std::swap(e.first, e.second);
  expect_refused(forge({consensus::encode_evidence(e)}), "not the canonical encoding");
}

TEST_F(EvidenceRules, VotesAboveTheBlockHeightAreRefused) {
  expect_refused(forge({double_prevote(3, 2)}), "cannot be proven in block 1");
}

TEST_F(EvidenceRules, VotesOlderThanTheWindowAreRefused) {
  commit_txs({});
  // Checked directly at a block height just past the window: building that many blocks would
  // only slow the test, and the rule reads nothing but the heights and the set in force.
  StateOverlay state(chain_->store());
  auto st = record_block_evidence(chain_->anchor(), state, 1 + kMaxEvidenceAge + 1,
                                  {double_prevote(3, 1)});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("heights old"), std::string::npos) << st.error().message;
  StateOverlay at_edge(chain_->store());
  EXPECT_TRUE(
      record_block_evidence(chain_->anchor(), at_edge, 1 + kMaxEvidenceAge, {double_prevote(3, 1)})
          .ok());
}

TEST_F(EvidenceRules, ItemsMustBeInStrictlyIncreasingSlotOrder) {
  const Bytes low = double_prevote(1, 1);
  const Bytes high = double_prevote(3, 1);
  expect_refused(forge({high, low}), "strictly increasing slot order");
  // The same slot twice (another conflicting pair for it) is refused by the same comparison.
  const Bytes same_slot = consensus::encode_evidence(
      canonical_evidence({vote(3, 1, 0, VoteType::kPrevote, value("a")),
                          vote(3, 1, 0, VoteType::kPrevote, value("c"))}));
  expect_refused(forge({high, same_slot}), "evidence 1");
  // The proposer orders and de-duplicates what it is offered.
  const PreparedBlock block = build_with({high, low, same_slot});
  pb::Block b;
  ASSERT_TRUE(
      b.ParseFromArray(block.block_bytes.data(), static_cast<int>(block.block_bytes.size())));
  ASSERT_EQ(b.evidence_size(), 2);
  EXPECT_EQ(b.evidence(0), to_string(low));
}

TEST_F(EvidenceRules, ABlockCarriesAtMostTheLimit) {
  std::vector<Bytes> many;
  for (std::uint32_t i = 0; i <= kMaxBlockEvidence; ++i) many.push_back(double_prevote(3, 1, i));
  expect_refused(forge(many), "evidence items; at most");
  // The proposer takes the first kMaxBlockEvidence slots and leaves the rest for later.
  const PreparedBlock block = build_with(many);
  pb::Block b;
  ASSERT_TRUE(
      b.ParseFromArray(block.block_bytes.data(), static_cast<int>(block.block_bytes.size())));
  EXPECT_EQ(static_cast<std::size_t>(b.evidence_size()), kMaxBlockEvidence);
}

TEST_F(EvidenceRules, OversizedAndMalformedItemsAreRefused) {
  expect_refused(forge({Bytes(kMaxEvidenceBytes + 1, 0x01)}), "bytes; at most");
  Bytes truncated = double_prevote(3, 1);
  truncated.pop_back();
  expect_refused(forge({truncated}), "evidence 0");
  Bytes trailing = double_prevote(3, 1);
  trailing.push_back(0);
  expect_refused(forge({trailing}), "evidence 0");
  // The proposer drops what it could not record instead of failing the block.
  EXPECT_TRUE(build_with({truncated, trailing, Bytes{}}).header.evidence_root().empty());
}

TEST_F(EvidenceRules, PagesFollowTheCursorAndStartAtAHeight) {
  std::vector<Bytes> proofs;
  for (std::int32_t r = 0; r < 5; ++r) proofs.push_back(double_prevote(3, 1, r));
  seal(*chain_, build_with(proofs));
  seal(*chain_, build_with({double_prevote(2, 2)}));
  std::vector<std::string> seen;
  Bytes after;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = chain_->evidence(0, after, 2).value();
    for (const auto& r : page.records) seen.push_back(r.evidence());
    if (page.next.empty()) break;
    after = page.next;
  }
  ASSERT_EQ(seen.size(), 6u);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(seen[i], to_string(proofs[i]));
  auto from2 = chain_->evidence(2, {}, 10).value();
  ASSERT_EQ(from2.records.size(), 1u);
  EXPECT_EQ(from2.records[0].validator_index(), 2u);
  EXPECT_TRUE(chain_->evidence(3, {}, 10).value().records.empty());
}

// What an auditor runs (`regledger evidence --genesis`): the served record, through its JSON
// form, re-verifies against the set; a record that says anything the proof does not is refused,
// each field with its own reason.
TEST_F(EvidenceRules, ARecordVerifiesOfflineAndEachLieIsCaught) {
  seal(*chain_, build_with({double_prevote(3, 1)}));
  const auto record = chain_->evidence(0, {}, 1).value().records.at(0);
  const auto& set = chain_->anchor().genesis_keys;
  auto served = api::evidence_record_from_json(api::evidence_record_to_json(record));
  ASSERT_TRUE(served.ok()) << served.error().to_string();
  EXPECT_EQ(served->SerializeAsString(), record.SerializeAsString());
  ASSERT_TRUE(verify_evidence_record(chain_->anchor(), set, *served).ok());

  auto expect_lie = [&](const std::function<void(pb::EvidenceRecord&)>& lie,
                        const std::string& reason) {
    pb::EvidenceRecord r = record;
    lie(r);
    auto st = verify_evidence_record(chain_->anchor(), set, r);
    ASSERT_FALSE(st.ok()) << "accepted; expected: " << reason;
    EXPECT_EQ(st.error().code, "evidence_invalid");
    EXPECT_NE(st.error().message.find(reason), std::string::npos) << st.error().message;
  };
  expect_lie([](pb::EvidenceRecord& r) { r.set_height(r.height() + 1); },
             "slot is not the proof's");
  expect_lie([](pb::EvidenceRecord& r) { r.set_validator_index(2); }, "slot is not the proof's");
  expect_lie([](pb::EvidenceRecord& r) { r.set_vote_type("precommit"); },
             "slot is not the proof's");
  expect_lie([](pb::EvidenceRecord& r) { r.set_first_value_hash(r.second_value_hash()); },
             "values are not the proof's");
  expect_lie([&](pb::EvidenceRecord& r) { r.set_validator_key(to_string(set.set.at(2).id)); },
             "validator key is not that member's");
  expect_lie(
      [](pb::EvidenceRecord& r) {
        std::string e = r.evidence();
        e[e.size() - 5] ^= 0x01;  // inside the second signature
        r.set_evidence(e);
      },
      "");
  EXPECT_FALSE(api::evidence_record_from_json(nlohmann::json{{"height", "1"}}).ok());
}

}  // namespace
}  // namespace rl::ledger::testing
