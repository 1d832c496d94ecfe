// Soak (make soak, ctest label "soak"): one node commits 1,000,000 txs while replay records are
// pruned (decision 0045, issue #19). Every 100,000 txs it prints the replay records, the expiry
// index and the store size; the records must stay within the window's bound, and a replay of a
// tx whose record was pruned is still refused (it has expired).

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <random>

#include "client/lib/tx_builder.hpp"
#include "ledger/state_keys.hpp"
#include "tests/ledger/ledger_fixture.hpp"

namespace rl::ledger::testing {
namespace {

constexpr std::uint64_t kWindow = 50;
constexpr std::uint32_t kBlockTxs = 2000;
constexpr std::uint64_t kTotalTxs = 1'000'000;
constexpr std::uint64_t kReportEvery = 100'000;
constexpr const char* kTarget = "soak-target";

std::uint64_t directory_bytes(const std::string& dir) {
  std::uint64_t total = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) total += e.file_size();
  }
  return total;
}

class NonceSoak : public LedgerFixture {
 protected:
  NonceSoak() {
    genesis_.block.tx_expiry_window = kWindow;
    genesis_.block.max_block_txs = kBlockTxs;
  }
  std::size_t count(const Bytes& prefix) {
    return chain_->state_scan(prefix, 10'000'000).value().size();
  }
};

TEST_F(NonceSoak, AMillionTxsKeepReplayRecordsBoundedByTheWindow) {
  // The soak's txs suspend and reinstate one account, in turn: each rewrites the same account
  // record, so what the state gains per tx is its replay record alone.
  TxOptions within_window;
  within_window.expires_at_height = chain_->head().height + kWindow;
  commit_txs({sign_as(admin_, register_account(kTarget, kRegulatorOrg, "reporter", "0105"),
                      within_window)});

  std::mt19937_64 rng(19);
  std::uint64_t committed = 0;
  std::uint64_t nonce = std::uint64_t{1} << 40;  // apart from the fixture's fresh_nonce()
  bool suspend = true;
  std::vector<Bytes> first_block;  // replayed once their records are pruned
  std::uint64_t first_block_expiry_max = 0;
  // Live records: txs of the last window + 1 blocks; plus at most one block's worth of backlog
  // (the prune limit is twice the block size).
  const std::size_t bound = (kWindow + 2) * kBlockTxs;
  std::size_t max_records = 0;
  std::printf("soak: window %llu blocks, %u txs per block, bound %zu replay records\n",
              static_cast<unsigned long long>(kWindow), kBlockTxs, bound);
  std::printf("%10s %8s %14s %14s %14s\n", "txs", "height", "replay_records", "expiry_index",
              "store_bytes");
  while (committed < kTotalTxs) {
    const std::uint64_t next = chain_->head().height + 1;
    std::vector<DecodedTx> txs;
    txs.reserve(kBlockTxs);
    for (std::uint32_t i = 0; i < kBlockTxs; ++i) {
      TxOptions o;
      o.nonce = nonce++;
      o.expires_at_height = next + rng() % (kWindow + 1);  // anywhere in the window
      Bytes raw = sign_as(admin_, client::suspend_account(kTarget, suspend, "soak"), o);
      suspend = !suspend;
      if (committed == 0) {
        first_block.push_back(raw);
        first_block_expiry_max = std::max(first_block_expiry_max, o.expires_at_height);
      }
      txs.push_back(decode(raw));
    }
    std::vector<DroppedTx> dropped;
    auto b = chain_->build_block(txs, chain_->head().time_ms + 1000, 0, &dropped);
    ASSERT_TRUE(b.ok()) << b.error().to_string();
    ASSERT_TRUE(dropped.empty()) << dropped[0].error.to_string();
    ASSERT_EQ(b->txs.size(), kBlockTxs);
    seal(*chain_, *b);
    committed += kBlockTxs;
    if (committed % kReportEvery == 0) {
      const std::size_t records = count(to_bytes("nonce/"));
      max_records = std::max(max_records, records);
      std::printf("%10llu %8llu %14zu %14zu %14llu\n", static_cast<unsigned long long>(committed),
                  static_cast<unsigned long long>(chain_->head().height), records,
                  count(keys::nonce_expiry_prefix()),
                  static_cast<unsigned long long>(directory_bytes(dir_)));
      std::fflush(stdout);
      ASSERT_LE(records, bound);
    }
  }
  EXPECT_EQ(chain_->head().total_txs, kTotalTxs + 1);
  std::printf("soak: %llu txs committed; at most %zu replay records (bound %zu)\n",
              static_cast<unsigned long long>(committed), max_records, bound);

  // The first block's records are long gone; replaying any of its txs is refused as expired.
  ASSERT_GT(chain_->head().height, first_block_expiry_max);
  for (std::size_t i = 0; i < first_block.size(); i += 97) {
    const DecodedTx d = decode(first_block[i]);
    ASSERT_FALSE(chain_->state_value(keys::nonce(kAdminAccount, d.body.nonce())).value());
    auto replay = chain_->admit(d, chain_->head().time_ms + 1000);
    ASSERT_FALSE(replay.ok());
    EXPECT_EQ(replay.error().code, "tx_expired");
  }
  std::vector<DroppedTx> dropped;
  auto replay_block =
      chain_->build_block(decode_all(first_block), chain_->head().time_ms + 1000, 0, &dropped);
  ASSERT_TRUE(replay_block.ok());
  EXPECT_EQ(replay_block->txs.size(), 0u);
  EXPECT_EQ(dropped.size(), first_block.size());
  std::printf("soak: %zu replays of pruned txs refused (tx_expired)\n", dropped.size());
}

}  // namespace
}  // namespace rl::ledger::testing
