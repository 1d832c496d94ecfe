// The shell's side of equivocation evidence: the pool keeps one canonical proof per voting slot,
// bounded, in slot order, and lets go of what the chain recorded; a compact proposal carries its
// block's evidence, so the block rebuilt from it is byte for byte the one that was built.
#include "node/validator/evidence_pool.hpp"

#include <gtest/gtest.h>

#include "consensus/codec.hpp"
#include "consensus/sign_bytes.hpp"
#include "crypto/hash.hpp"
#include "ledger/evidence.hpp"
#include "node/validator/compact_block.hpp"
#include "tests/ledger/four_validator_fixture.hpp"

namespace rl::node {
namespace {

namespace pb = ::regledger::v1;
using consensus::DuplicateVoteEvidence;
using consensus::Vote;
using consensus::VoteType;

class EvidencePoolTest : public ledger::testing::FourValidatorFixture {
 protected:
  Vote vote(std::uint32_t validator, std::uint64_t height, std::int32_t round,
            const std::string& value) const {
    Vote v;
    v.type = VoteType::kPrecommit;
    v.height = height;
    v.round = round;
    v.validator = validator;
    v.value_hash = crypto::hash(chain_->anchor().suite, to_bytes(value));
    v.signature =
        crypto::sign(keys_[validator], consensus::vote_sign_bytes(chain_->anchor().chain_id, v))
            .value();
    return v;
  }
  DuplicateVoteEvidence proof(std::uint32_t validator, std::uint64_t height, std::int32_t round) {
    return {vote(validator, height, round, "x"), vote(validator, height, round, "y")};
  }
};

TEST_F(EvidencePoolTest, OneCanonicalProofPerSlotInSlotOrder) {
  EvidencePool pool;
  auto p = proof(3, 1, 2);
  EXPECT_TRUE(pool.add(p));
  // The same equivocation seen the other way round, or with a third value: the same slot.
  EXPECT_FALSE(pool.add({p.second, p.first}));
  EXPECT_FALSE(pool.add({p.first, vote(3, 1, 2, "z")}));
  EXPECT_TRUE(pool.add(proof(1, 1, 0)));
  auto candidates = pool.candidates();
  ASSERT_EQ(candidates.size(), 2u);
  EXPECT_EQ(consensus::decode_evidence(candidates[0]).value().first.validator, 1u);
  EXPECT_EQ(candidates[1], consensus::encode_evidence(ledger::canonical_evidence(p)));
}

TEST_F(EvidencePoolTest, TheBoundHolds) {
  EvidencePool pool;
  for (std::size_t r = 0; r < EvidencePool::kMaxPending; ++r) {
    ASSERT_TRUE(pool.add(proof(3, 1, static_cast<std::int32_t>(r))));
  }
  EXPECT_FALSE(pool.add(proof(2, 1, 0)));
  EXPECT_EQ(pool.size(), EvidencePool::kMaxPending);
}

TEST_F(EvidencePoolTest, RecordedProofsLeaveThePoolOthersStay) {
  EvidencePool pool;
  pool.add(proof(3, 1, 0));
  pool.add(proof(2, 1, 0));
  // A block that records only the first (as a proposer that saw only it would build).
  auto block = chain_->build_block(
      std::vector<ledger::DecodedTx>{}, chain_->head().time_ms + 1000, 0, nullptr,
      {consensus::encode_evidence(ledger::canonical_evidence(proof(3, 1, 0)))});
  ASSERT_TRUE(block.ok()) << block.error().to_string();
  seal(*chain_, *block);
  pool.prune(*chain_);
  ASSERT_EQ(pool.size(), 1u);
  EXPECT_EQ(consensus::decode_evidence(pool.candidates()[0]).value().first.validator, 2u);
}

TEST_F(EvidencePoolTest, ACompactProposalCarriesItsEvidence) {
  auto org = ledger::testing::sign_as(admin_, ledger::testing::register_org("bank-a"));
  std::vector<Bytes> evidence = {
      consensus::encode_evidence(ledger::canonical_evidence(proof(3, 1, 0)))};
  auto built =
      chain_->build_block(decode_all({org}), chain_->head().time_ms + 1000, 0, nullptr, evidence);
  ASSERT_TRUE(built.ok()) << built.error().to_string();
  ASSERT_FALSE(built->header.evidence_root().empty());
  const Bytes compact = make_compact(*built);
  ASSERT_TRUE(is_compact(compact));
  const auto tx = built->txs[0];
  auto rebuilt = rebuild_block(compact, 32, 5000, [&](const Bytes& id) -> ledger::TxRef {
    return id == tx->id ? tx : nullptr;
  });
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.error().to_string();
  const auto* full = std::get_if<RebuiltBlock>(&*rebuilt);
  ASSERT_NE(full, nullptr);
  EXPECT_EQ(full->block_bytes, built->block_bytes);
  auto checked = chain_->check_block(full->block_bytes, &full->txs);
  ASSERT_TRUE(checked.ok()) << checked.error().to_string();
  EXPECT_EQ(checked->header.app_hash(), built->header.app_hash());
}

}  // namespace
}  // namespace rl::node
