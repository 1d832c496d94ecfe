// Chain::commit_block's invariants (ledger/chain_invariants.hpp): a prepared block that does not
// extend the head exactly is refused with ledger_invariant_violated naming the broken invariant,
// and nothing is written. Each test plants one bug into a block built by the real build path and
// certified by the real validator, so only the invariant can refuse it; the control commits.

#include <gtest/gtest.h>

#include "crypto/hash.hpp"
#include "ledger/chain_invariants.hpp"
#include "tests/ledger/ledger_fixture.hpp"

namespace rl::ledger::testing {
namespace {

class CommitInvariants : public LedgerFixture {
 protected:
  void SetUp() override {
    LedgerFixture::SetUp();
    commit_txs({sign_as(admin_, register_org("bank-a"))});
    head_ = chain_->head();
    block_ = build(*chain_, {sign_as(admin_, register_org("bank-b"))});
  }

  // A bug that edits the header and hashes it again (so only the edit itself is wrong).
  void rehash(PreparedBlock& b) const {
    b.block_hash = crypto::hash(chain_->anchor().suite, as_bytes(b.header.SerializeAsString()));
  }

  void expect_refused(const PreparedBlock& b, const std::string& invariant) {
    auto st = chain_->commit_block(b, certify(b.height, b.block_hash));
    ASSERT_FALSE(st.ok()) << "commit_block accepted a block that breaks " << invariant;
    EXPECT_EQ(st.error().code, kLedgerInvariantViolatedCode);
    EXPECT_EQ(st.error().message.rfind("invariant " + invariant + " violated", 0), 0u)
        << st.error().message;
    EXPECT_TRUE(same_head(chain_->head(), head_));
    EXPECT_FALSE(chain_->block_bytes(b.height).value().has_value());
    EXPECT_FALSE(chain_->tx_location(b.txs[0]->id).value().has_value());
  }

  ChainHead head_;
  PreparedBlock block_;
};

TEST_F(CommitInvariants, TheBuiltBlockCommits) {
  ASSERT_TRUE(chain_->commit_block(block_, certify(block_.height, block_.block_hash)).ok());
  EXPECT_EQ(chain_->head().height, head_.height + 1);
}

TEST_F(CommitInvariants, HeaderOfAnotherHeightIsRefused) {
  block_.header.set_height(block_.height + 1);
  rehash(block_);
  expect_refused(block_, "header_height_matches_block");
}

TEST_F(CommitInvariants, BlockOnAnotherParentIsRefused) {
  Bytes other = head_.block_hash;
  other[0] ^= 1;
  block_.header.set_prev_block_hash(to_string(other));
  rehash(block_);
  expect_refused(block_, "parent_is_head");
}

TEST_F(CommitInvariants, HashThatDoesNotCoverTheHeaderIsRefused) {
  block_.block_hash[0] ^= 1;  // the certificate signs this hash; the chain would store the header
  expect_refused(block_, "block_hash_matches_header");
}

TEST_F(CommitInvariants, AppHashNotChainedFromTheHeadIsRefused) {
  Bytes wrong = to_bytes(block_.header.app_hash());
  wrong[0] ^= 1;
  block_.header.set_app_hash(to_string(wrong));
  rehash(block_);
  expect_refused(block_, "app_hash_chained");
}

TEST_F(CommitInvariants, WritesThatAreNotTheBlocksAreRefused) {
  block_.writes[to_bytes("planted-key")] = to_bytes("planted-value");
  expect_refused(block_, "app_hash_chained");
}

TEST_F(CommitInvariants, DeletesThatAreNotTheBlocksAreRefused) {
  block_.deletes.insert(to_bytes("planted-key"));
  expect_refused(block_, "app_hash_chained");
}

}  // namespace
}  // namespace rl::ledger::testing
