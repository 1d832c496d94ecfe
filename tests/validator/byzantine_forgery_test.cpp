// The forgeries regledgerd_byzantine sends (node/validator/byzantine/forgery.hpp, decision 0074)
// against the rules that must refuse them, in one process: each malformed message in parts
// against PartAssembler, each forged block against Chain::check_block or compact rebuilding.
// tests/cluster/byzantine_validator_test sends them between real nodes; this test names the rule
// each one meets.
#include "node/validator/byzantine/forgery.hpp"

#include <gtest/gtest.h>

#include <map>
#include <optional>

#include "consensus/codec.hpp"
#include "node/validator/compact_block.hpp"
#include "node/validator/consensus_crypto.hpp"
#include "node/validator/message_parts.hpp"
#include "tests/ledger/ledger_fixture.hpp"

namespace rl::node::byzantine {
namespace {

using ledger::testing::LedgerFixture;
using ledger::testing::sign_as;

class ByzantineForgeryTest : public LedgerFixture {
 protected:
  void SetUp() override {
    LedgerFixture::SetUp();
    commit_txs(std::vector<Bytes>{sign_as(admin_, ledger::testing::register_org("bank-a"))});
    auto reporter = enroll("bank-a-rep", "bank-a", "reporter", "0105");
    std::vector<Bytes> txs;
    for (int i = 0; i < 3; ++i) {
      txs.push_back(sign_as(reporter, ledger::testing::submit_report(
                                          ledger::testing::kCapital, "2026-Q" + std::to_string(i),
                                          ledger::testing::capital_payload())));
    }
    block_ = build(*chain_, txs);
    ASSERT_EQ(block_.txs.size(), 3u);
  }
  crypto::Suite suite() const { return chain_->anchor().suite; }
  // The forged value, whose hash must be its own header's and not the honest block's.
  ForgedValue forge(BadBlock kind, const ledger::PreparedBlock& from) {
    auto forged = forge_bad_block(suite(), from, kind, rng_);
    EXPECT_TRUE(forged.ok()) << bad_block_name(kind);
    if (!forged.ok()) return {};
    EXPECT_EQ(BlockHasher(suite()).hash(forged->value), forged->value_hash);
    EXPECT_NE(forged->value_hash, from.block_hash);
    return std::move(forged).value();
  }
  std::string refusal(const ForgedValue& f) {
    auto checked = chain_->check_block(f.value);
    return checked.ok() ? "accepted" : checked.error().code + ": " + checked.error().message;
  }

  ledger::PreparedBlock block_;
  std::mt19937_64 rng_{7};
};

TEST_F(ByzantineForgeryTest, AGarbageTxIsRefusedWhereTheBlockIsDecoded) {
  const auto f = forge(BadBlock::kGarbageTx, block_);
  EXPECT_EQ(refusal(f).rfind("bad_block: tx 3: bad_tx_encoding", 0), 0u) << refusal(f);
  EXPECT_FALSE(is_compact(f.value));
}

TEST_F(ByzantineForgeryTest, AnAlteredSignatureIsRefusedWhereTheTxExecutes) {
  const auto f = forge(BadBlock::kBadSignatureTx, block_);
  const std::string why = refusal(f);
  EXPECT_EQ(why.rfind("bad_block: tx ", 0), 0u) << why;
  EXPECT_NE(why.find(": bad_signature: "), std::string::npos) << why;
  // An empty block has no signature to alter.
  const auto empty = build(*chain_, {});
  auto none = forge_bad_block(suite(), empty, BadBlock::kBadSignatureTx, rng_);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, "no_tx");
}

TEST_F(ByzantineForgeryTest, UnknownTxIdsLeaveACompactBlockThatNobodyCanRebuild) {
  const auto f = forge(BadBlock::kUnknownTxIds, block_);
  ASSERT_TRUE(is_compact(f.value));
  std::map<Bytes, ledger::TxRef> pool;
  for (const auto& tx : block_.txs) pool[tx->id] = tx;
  auto r = rebuild_block(f.value, 32, 5000, [&](const Bytes& id) -> ledger::TxRef {
    auto it = pool.find(id);
    return it == pool.end() ? nullptr : it->second;
  });
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  const auto* missing = std::get_if<MissingTxs>(&*r);
  ASSERT_NE(missing, nullptr) << "rebuilt from txs nobody has";
  EXPECT_EQ(missing->ids.size(), 3u);
  // An empty block still names one tx, so that there is something nobody has.
  const auto empty = forge(BadBlock::kUnknownTxIds, build(*chain_, {}));
  ::regledger::v1::Block b;
  ASSERT_TRUE(b.ParseFromArray(empty.value.data(), static_cast<int>(empty.value.size())));
  EXPECT_EQ(b.tx_ids_size(), 1);
}

TEST_F(ByzantineForgeryTest, EachBadPartIsRefusedForItsReasonOrNeverCompletes) {
  const std::map<BadPart, std::string> reasons = {
      {BadPart::kTotalTooLarge, "message size out of range"},
      {BadPart::kIndexOutOfRange, "part layout out of range"},
      {BadPart::kCountMismatch, "part layout out of range"},
      {BadPart::kTruncated, "part has the wrong length"},
      {BadPart::kOverlong, "part has the wrong length"},
      {BadPart::kShortHeader, "part too short"},
      {BadPart::kDigestMismatch, "does not match its digest"},
      {BadPart::kNeverCompletes, ""}};
  ASSERT_EQ(reasons.size(), kBadPartKinds);
  for (const auto& [kind, reason] : reasons) {
    SCOPED_TRACE(std::string(bad_part_name(kind)));
    // The assembler a shell keeps per peer (consensus_shell.cpp).
    PartAssembler assembler(suite(), consensus::kMaxValueBytes + (std::size_t{64} << 10));
    std::optional<Error> refused;
    bool delivered = false;
    for (const auto& part : forge_bad_parts(suite(), kind, rng_)) {
      ASSERT_TRUE(is_part(part));
      auto r = assembler.add(part);
      if (!r.ok()) {
        refused = r.error();
        break;
      }
      delivered = delivered || r->has_value();
    }
    EXPECT_FALSE(delivered);
    if (reason.empty()) {
      EXPECT_FALSE(refused.has_value());
      EXPECT_EQ(assembler.pending(), 1u);  // held until newer messages push it out
      continue;
    }
    ASSERT_TRUE(refused.has_value());
    EXPECT_EQ(refused->code, "bad_part");
    EXPECT_NE(refused->message.find(reason), std::string::npos) << refused->message;
  }
}

}  // namespace
}  // namespace rl::node::byzantine
