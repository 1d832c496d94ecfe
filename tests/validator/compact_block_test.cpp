// Compact proposals: the compact form of a real block rebuilds byte for byte from the
// transactions it names; whatever is missing is reported by id; malformed compact values are
// refused with bad_compact_block; and the ledger never checks or stores a compact block as if it
// were a block.
#include "node/validator/compact_block.hpp"

#include <gtest/gtest.h>

#include <map>

#include "crypto/hash.hpp"
#include "node/validator/consensus_crypto.hpp"
#include "tests/ledger/ledger_fixture.hpp"

namespace rl::node {
namespace {

namespace pb = ::regledger::v1;
using ledger::testing::LedgerFixture;
using ledger::testing::sign_as;

class CompactBlockTest : public LedgerFixture {
 protected:
  void SetUp() override {
    LedgerFixture::SetUp();
    auto bank = sign_as(admin_, ledger::testing::register_org("bank-a"));
    commit_txs(std::vector<Bytes>{bank});
    reporter_ = enroll("bank-a-rep", "bank-a", "reporter", "0105");
    std::vector<Bytes> txs;
    for (int i = 0; i < 5; ++i) {
      txs.push_back(sign_as(*reporter_, ledger::testing::submit_report(
                                            ledger::testing::kCapital, "2026-Q" + std::to_string(i),
                                            ledger::testing::capital_payload())));
    }
    block_ = build(*chain_, txs);
    ASSERT_EQ(block_.txs.size(), 5u);
    for (const auto& tx : block_.txs) pool_[tx->id] = std::make_shared<ledger::DecodedTx>(*tx);
  }
  TxLookup lookup() const {
    return [this](const Bytes& id) -> ledger::TxRef {
      auto it = pool_.find(id);
      return it == pool_.end() ? nullptr : it->second;
    };
  }
  // A compact value edited through its protobuf form.
  Bytes edit(const std::function<void(pb::Block&)>& f) const {
    pb::Block b;
    Bytes compact = make_compact(block_);
    EXPECT_TRUE(b.ParseFromArray(compact.data(), static_cast<int>(compact.size())));
    f(b);
    return to_bytes(b.SerializeAsString());
  }
  std::string refusal(ByteView compact, std::size_t max_txs = 5000) const {
    auto r = rebuild_block(compact, 32, max_txs, lookup());
    return r.ok() ? "accepted" : r.error().code + ": " + r.error().message;
  }

  std::optional<client::Identity> reporter_;
  ledger::PreparedBlock block_;
  std::map<Bytes, ledger::TxRef> pool_;
};

TEST_F(CompactBlockTest, RebuildsTheExactBlockWithTheSameHash) {
  Bytes compact = make_compact(block_);
  EXPECT_TRUE(is_compact(compact));
  EXPECT_FALSE(is_compact(block_.block_bytes));
  std::size_t tx_bytes = 0;
  for (const auto& tx : block_.txs) tx_bytes += tx->raw.size();
  // Ids (32 bytes each, plus tag and length) in place of the transactions; header and
  // last_commit as they were.
  EXPECT_LE(compact.size() + tx_bytes, block_.block_bytes.size() + 5 * 34);

  BlockHasher hasher(chain_->anchor().suite);
  EXPECT_EQ(hasher.hash(compact), block_.block_hash);  // one value hash for both forms

  auto r = rebuild_block(compact, 32, 5000, lookup());
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  const auto* rebuilt = std::get_if<RebuiltBlock>(&*r);
  ASSERT_NE(rebuilt, nullptr);
  EXPECT_EQ(rebuilt->block_bytes, block_.block_bytes);
  ASSERT_EQ(rebuilt->txs.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(rebuilt->txs[i]->id, block_.txs[i]->id);

  // The rebuilt block checks like the original, with the decoded transactions reused.
  auto checked = chain_->check_block(rebuilt->block_bytes, &rebuilt->txs);
  ASSERT_TRUE(checked.ok()) << checked.error().to_string();
  EXPECT_EQ(checked->block_hash, block_.block_hash);
  EXPECT_EQ(checked->header.app_hash(), block_.header.app_hash());
}

TEST_F(CompactBlockTest, ReportsExactlyTheMissingIds) {
  pool_.erase(block_.txs[1]->id);
  pool_.erase(block_.txs[3]->id);
  auto r = rebuild_block(make_compact(block_), 32, 5000, lookup());
  ASSERT_TRUE(r.ok());
  const auto* missing = std::get_if<MissingTxs>(&*r);
  ASSERT_NE(missing, nullptr);
  EXPECT_EQ(missing->ids, (std::vector<Bytes>{block_.txs[1]->id, block_.txs[3]->id}));
}

TEST_F(CompactBlockTest, MalformedCompactValuesAreRefused) {
  EXPECT_EQ(refusal(make_compact(block_)), "accepted");
  EXPECT_NE(refusal(to_bytes("\xff\xff garbage")).find("bad_compact_block"), std::string::npos);
  EXPECT_NE(refusal(edit([](pb::Block& b) {
              b.add_tx_ids(std::string(32, 'x'));
            })).find("tx_count 5 but 6"),
            std::string::npos);
  EXPECT_NE(refusal(edit([](pb::Block& b) { b.set_tx_ids(4, b.tx_ids(0)); })).find("repeated"),
            std::string::npos);
  EXPECT_NE(refusal(edit([](pb::Block& b) { b.set_tx_ids(2, "short"); })).find("not a hash"),
            std::string::npos);
  EXPECT_NE(refusal(edit([](pb::Block& b) { b.add_txs("a tx"); })).find("both"), std::string::npos);
  EXPECT_NE(refusal(make_compact(block_), 4).find("at most 4"), std::string::npos);
  EXPECT_NE(refusal(edit([](pb::Block& b) { b.set_header("not a header"); })).find("header"),
            std::string::npos);
}

// is_compact only picks the path (it walks the fields without parsing them): ids and no txs,
// well formed to the last byte. Anything else goes to the ordinary check, which refuses it.
TEST_F(CompactBlockTest, IsCompactNeedsIdsNoTxsAndWellFormedBytes) {
  const Bytes compact = make_compact(block_);
  EXPECT_TRUE(is_compact(compact));
  EXPECT_FALSE(is_compact(block_.block_bytes));
  EXPECT_FALSE(is_compact(edit([](pb::Block& b) { b.add_txs("a tx"); })));
  EXPECT_FALSE(is_compact(edit([](pb::Block& b) { b.clear_tx_ids(); })));
  EXPECT_FALSE(is_compact(Bytes(compact.begin(), compact.end() - 1)));  // truncated
  Bytes trailing = compact;
  trailing.push_back(0);  // tag 0 is never valid
  EXPECT_FALSE(is_compact(trailing));
  EXPECT_FALSE(is_compact({}));
  EXPECT_FALSE(is_compact(to_bytes("\xff\xff garbage")));
}

TEST_F(CompactBlockTest, TheLedgerNeverChecksACompactBlock) {
  const auto before = chain_->head();
  auto r = chain_->check_block(make_compact(block_));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "bad_block");
  EXPECT_NE(r.error().message.find("compact"), std::string::npos);
  EXPECT_TRUE(ledger::testing::same_head(before, chain_->head()));
}

TEST_F(CompactBlockTest, PreDecodedTxsThatDifferFromTheBlockCannotChangeTheVerdict) {
  // A "decoded" list whose entries are other transactions: check_block decodes the block's own
  // bytes instead and reaches the same verdict and hash.
  std::vector<ledger::TxRef> wrong(block_.txs.size());
  for (std::size_t i = 0; i < wrong.size(); ++i) {
    wrong[i] = block_.txs[(i + 1) % wrong.size()];
  }
  auto checked = chain_->check_block(block_.block_bytes, &wrong);
  ASSERT_TRUE(checked.ok()) << checked.error().to_string();
  EXPECT_EQ(checked->header.app_hash(), block_.header.app_hash());
  for (std::size_t i = 0; i < wrong.size(); ++i) EXPECT_EQ(checked->txs[i]->id, block_.txs[i]->id);
  std::vector<ledger::TxRef> short_list(2);
  EXPECT_EQ(chain_->check_block(block_.block_bytes, &short_list).error().code, "bad_block");
}

}  // namespace
}  // namespace rl::node
