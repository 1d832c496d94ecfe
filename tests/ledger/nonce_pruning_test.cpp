// Replay records are pruned after expiry, inside the block's write set, a bounded number per
// block, and a replay of a pruned tx is still refused (decision 0045, issue #19).

#include <gtest/gtest.h>

#include "ledger/state_keys.hpp"
#include "ledger/state_overlay.hpp"
#include "ledger/store.hpp"
#include "tests/ledger/ledger_fixture.hpp"

namespace rl::ledger::testing {
namespace {

constexpr std::uint64_t kWindow = 3;
constexpr std::uint32_t kBlockTxs = 4;  // prune limit: 2 * 4 = 8 per block

class NoncePruning : public LedgerFixture {
 protected:
  NoncePruning() {
    genesis_.block.tx_expiry_window = kWindow;
    genesis_.block.max_block_txs = kBlockTxs;
  }

  Bytes tx_expiring_at(std::uint64_t expires, std::uint64_t nonce) {
    TxOptions o;
    o.expires_at_height = expires;
    o.nonce = nonce;
    return sign_as(admin_, register_org("org-" + std::to_string(nonce)), o);
  }

  std::size_t records(Chain& chain) {
    return chain.state_scan(to_bytes("nonce/"), 100000).value().size();
  }
  std::size_t index_entries(Chain& chain) {
    return chain.state_scan(keys::nonce_expiry_prefix(), 100000).value().size();
  }
  bool has_record(std::uint64_t nonce) {
    return chain_->state_value(keys::nonce(kAdminAccount, nonce)).value().has_value();
  }
};

TEST_F(NoncePruning, ExpiryBeyondTheWindowIsRefusedEverywhere) {
  const std::uint64_t next = chain_->head().height + 1;
  expect_rejected(tx_expiring_at(next + kWindow + 1, 1), "tx_expiry_too_far");
  // Exactly at the edge is valid.
  commit_txs({tx_expiring_at(next + kWindow, 2)});
}

TEST_F(NoncePruning, RecordsAreDeletedAfterExpiryAndTheReplayIsStillRefused) {
  const std::uint64_t next = chain_->head().height + 1;
  const Bytes tx = tx_expiring_at(next, 7);
  commit_txs({tx});
  ASSERT_TRUE(has_record(7));
  EXPECT_EQ(index_entries(*chain_), 1u);

  // The block above the expiry height deletes the record and its index entry.
  PreparedBlock pruning = commit_txs({});
  EXPECT_EQ(pruning.deletes.size(), 2u);
  EXPECT_TRUE(pruning.deletes.count(keys::nonce(kAdminAccount, 7)));
  EXPECT_TRUE(pruning.writes.count(keys::nonce_prune_cursor()));
  EXPECT_FALSE(has_record(7));
  EXPECT_EQ(index_entries(*chain_), 0u);
  EXPECT_EQ(records(*chain_), 0u);

  // The record is gone, the replay is not: it has expired.
  expect_rejected(tx, "tx_expired");
}

TEST_F(NoncePruning, AtMostTwiceTheBlockSizeIsPrunedPerBlockOldestFirst) {
  const std::uint64_t expires = chain_->head().height + kWindow;
  // 12 txs sharing one expiry height, over three blocks.
  std::uint64_t nonce = 100;
  for (int b = 0; b < 3; ++b) {
    std::vector<Bytes> txs;
    for (std::uint32_t i = 0; i < kBlockTxs; ++i) txs.push_back(tx_expiring_at(expires, nonce++));
    commit_txs(txs);
  }
  ASSERT_EQ(records(*chain_), 12u);
  while (chain_->head().height < expires) commit_txs({});
  PreparedBlock first = commit_txs({});
  EXPECT_EQ(first.deletes.size(), 2u * 2 * kBlockTxs);  // 8 records and their 8 index entries
  EXPECT_EQ(records(*chain_), 4u);
  PreparedBlock second = commit_txs({});
  EXPECT_EQ(second.deletes.size(), 2u * 4);
  EXPECT_EQ(records(*chain_), 0u);
  PreparedBlock idle = commit_txs({});
  EXPECT_TRUE(idle.deletes.empty());
  EXPECT_TRUE(idle.writes.empty()) << "an idle block writes nothing, not even the cursor";
}

TEST_F(NoncePruning, PruningIsPartOfTheAppHashAndEveryReplicaAgrees) {
  // A second validator checks and commits every block the first one builds.
  auto replica = open_chain(make_temp_dir(), genesis_);
  std::uint64_t nonce = 1000;
  int pruning_blocks = 0;
  for (int i = 0; i < 12; ++i) {
    const std::uint64_t next = chain_->head().height + 1;
    std::vector<Bytes> txs = {
        tx_expiring_at(next + static_cast<std::uint64_t>(i) % (kWindow + 1), nonce++)};
    PreparedBlock b = build(*chain_, txs);
    // The deletes are hashed: a header whose app_hash covers the puts alone is refused.
    if (!b.deletes.empty()) {
      ++pruning_blocks;
      auto scratch = Store::open(make_temp_dir()).value();
      StateOverlay puts_only(*scratch);
      puts_only.begin_tx();
      for (const auto& [k, v] : b.writes) puts_only.put(k, v);
      puts_only.commit_tx();
      const Bytes wrong = chain_app_hash(genesis_.suite, chain_->head().app_hash,
                                         puts_only.write_set_hash(genesis_.suite));
      auto forged = rewrite_header(b.block_bytes,
                                   [&](pb::BlockHeader& h) { h.set_app_hash(to_string(wrong)); });
      auto refused = replica->check_block(forged);
      ASSERT_FALSE(refused.ok());
      EXPECT_NE(refused.error().message.find("app_hash mismatch"), std::string::npos)
          << refused.error().to_string();
    }
    auto checked = replica->check_block(b.block_bytes);
    ASSERT_TRUE(checked.ok()) << checked.error().to_string();
    EXPECT_EQ(checked->deletes, b.deletes);
    seal(*chain_, b);
    seal(*replica, *checked);
    ASSERT_EQ(replica->head().app_hash, chain_->head().app_hash);
  }
  EXPECT_GT(pruning_blocks, 5);
  EXPECT_LE(records(*chain_), kWindow + 1);
  EXPECT_EQ(records(*replica), records(*chain_));
}

}  // namespace
}  // namespace rl::ledger::testing
