// ledger/chain_check: a stored chain checked from genesis to its head (what verify-backup runs
// on a restored backup). Each test tampers with one stored record and expects the check to name
// the block.
#include "ledger/chain_check.hpp"

#include <gtest/gtest.h>

#include "ledger_fixture.hpp"

namespace rl::ledger::testing {
namespace {

Bytes height_key(std::uint64_t h) {
  Bytes k(8);
  for (int i = 7; i >= 0; --i, h >>= 8)
    k[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(h);
  return k;
}

class ChainCheckTest : public LedgerFixture {
 protected:
  // Three blocks: an org, a reporter, a report.
  void SetUp() override {
    LedgerFixture::SetUp();
    commit_txs({sign_as(admin_, register_org("bank-a"))});
    auto reporter = enroll("reporter", "bank-a", "reporter", "0105");
    commit_txs({sign_as(reporter, submit_report(kCapital, "2026-Q3", capital_payload()))});
    ASSERT_EQ(chain_->head().height, 3u);
  }
  void overwrite(Cf cf, std::uint64_t h, const Bytes& value) {
    WriteBatch b;
    b.put(cf, height_key(h), value);
    ASSERT_TRUE(chain_->store().write(b).ok());
  }
  void expect_invalid(const std::string& part) {
    auto r = check_stored_chain(*chain_);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "chain_invalid");
    EXPECT_NE(r.error().message.find(part), std::string::npos) << r.error().message;
  }
};

TEST_F(ChainCheckTest, AnUntouchedChainChecksToItsHead) {
  std::vector<std::uint64_t> seen;
  auto r = check_stored_chain(
      *chain_, [&](std::uint64_t h) { seen.push_back(h); }, 1);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->height, 3u);
  EXPECT_EQ(r->app_hash, chain_->head().app_hash);
  EXPECT_EQ(r->block_hash, chain_->head().block_hash);
  EXPECT_EQ(r->validator_handoffs, 0u);
  EXPECT_EQ(seen, (std::vector<std::uint64_t>{1, 2, 3}));
}

TEST_F(ChainCheckTest, ACertificateForAnotherBlockIsRefused) {
  overwrite(Cf::kCommits, 2, [&] {
    auto cert = certify(2, chain_->head().block_hash);  // block 3's hash, not block 2's
    const auto s = cert.SerializeAsString();
    return Bytes(s.begin(), s.end());
  }());
  expect_invalid("block 2: commit certificate");
}

TEST_F(ChainCheckTest, AChangedBlockNoLongerMatchesItsCertificate) {
  Bytes block = chain_->block_bytes(2).value().value();
  overwrite(Cf::kBlocks, 2,
            rewrite_header(block, [](pb::BlockHeader& h) { h.set_time_ms(h.time_ms() + 1); }));
  // Block 2's own certificate no longer matches its hash.
  expect_invalid("block 2: commit certificate");
}

TEST_F(ChainCheckTest, AHeaderThatDoesNotLinkIsRefused) {
  Bytes block = chain_->block_bytes(3).value().value();
  overwrite(Cf::kBlocks, 3, rewrite_header(block, [](pb::BlockHeader& h) {
              std::string prev = h.prev_block_hash();
              prev[0] = static_cast<char>(prev[0] ^ 1);
              h.set_prev_block_hash(prev);
            }));
  expect_invalid("block 3: prev_block_hash does not link to block 2");
}

TEST_F(ChainCheckTest, ChangedTransactionsDoNotMatchTheTxRoot) {
  Bytes block = chain_->block_bytes(3).value().value();
  pb::Block b = parse_block(block);
  b.clear_txs();
  const auto s = b.SerializeAsString();
  overwrite(Cf::kBlocks, 3, Bytes(s.begin(), s.end()));
  expect_invalid("block 3: transactions do not match");
}

TEST_F(ChainCheckTest, AMissingBlockIsRefused) {
  WriteBatch b;
  b.del(Cf::kBlocks, height_key(1));
  ASSERT_TRUE(chain_->store().write(b).ok());
  expect_invalid("block 1: missing");
}

}  // namespace
}  // namespace rl::ledger::testing
