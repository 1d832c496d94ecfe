#include "node/app/mempool.hpp"

#include <gtest/gtest.h>

namespace rl::node {
namespace {

ledger::DecodedTx fake_tx(const std::string& signer, std::uint64_t nonce, std::size_t size = 100) {
  ledger::DecodedTx t;
  t.body.set_signer(signer);
  t.body.set_nonce(nonce);
  t.raw.assign(size, 0xab);
  t.id = to_bytes(signer + "#" + std::to_string(nonce) + "#" + std::to_string(size));
  return t;
}

TEST(Mempool, RejectsDuplicatesAndPendingNonces) {
  Mempool m(10, 1 << 20);
  ASSERT_TRUE(m.add(fake_tx("a", 1)).ok());
  EXPECT_EQ(m.add(fake_tx("a", 1)).error().code, "duplicate_tx");
  EXPECT_EQ(m.add(fake_tx("a", 1, 200)).error().code, "nonce_pending");
  EXPECT_TRUE(m.add(fake_tx("b", 1)).ok());
  EXPECT_EQ(m.size(), 2u);
}

TEST(Mempool, BoundedByCountAndBytes) {
  Mempool by_count(2, 1 << 20);
  ASSERT_TRUE(by_count.add(fake_tx("a", 1)).ok());
  ASSERT_TRUE(by_count.add(fake_tx("a", 2)).ok());
  EXPECT_EQ(by_count.add(fake_tx("a", 3)).error().code, "mempool_full");
  EXPECT_TRUE(by_count.full());

  Mempool by_bytes(100, 250);
  EXPECT_FALSE(by_bytes.full());
  ASSERT_TRUE(by_bytes.add(fake_tx("a", 1)).ok());
  ASSERT_TRUE(by_bytes.add(fake_tx("a", 2)).ok());
  EXPECT_EQ(by_bytes.add(fake_tx("a", 3)).error().code, "mempool_full");
}

TEST(Mempool, PeersMayFillPeerFactorTimesTheClientBound) {
  // Clients are refused at the configured bound; relayed txs (what the peers' proposals are made
  // of) are taken up to peer_factor times it, and no further.
  Mempool m(2, 1 << 20, 2);
  ASSERT_TRUE(m.add(fake_tx("a", 1)).ok());
  ASSERT_TRUE(m.add(fake_tx("a", 2)).ok());
  EXPECT_TRUE(m.full());
  EXPECT_FALSE(m.full(TxOrigin::kPeer));
  EXPECT_EQ(m.add(fake_tx("a", 3)).error().code, "mempool_full");
  ASSERT_TRUE(m.add(fake_tx("b", 1), TxOrigin::kPeer).ok());
  ASSERT_TRUE(m.add(fake_tx("b", 2), TxOrigin::kPeer).ok());
  EXPECT_TRUE(m.full(TxOrigin::kPeer));
  EXPECT_EQ(m.add(fake_tx("b", 3), TxOrigin::kPeer).error().code, "mempool_full");
  EXPECT_EQ(m.size(), 4u);

  Mempool four(1, 1 << 20, 4);
  for (std::uint64_t n = 1; n <= 4; ++n)
    ASSERT_TRUE(four.add(fake_tx("c", n), TxOrigin::kPeer).ok());
  EXPECT_EQ(four.add(fake_tx("c", 5), TxOrigin::kPeer).error().code, "mempool_full");
  EXPECT_EQ(four.add(fake_tx("d", 1)).error().code, "mempool_full");

  Mempool by_bytes(100, 250, 2);
  ASSERT_TRUE(by_bytes.add(fake_tx("a", 1)).ok());
  ASSERT_TRUE(by_bytes.add(fake_tx("a", 2)).ok());
  EXPECT_EQ(by_bytes.add(fake_tx("a", 3)).error().code, "mempool_full");
  ASSERT_TRUE(by_bytes.add(fake_tx("a", 3), TxOrigin::kPeer).ok());
  EXPECT_EQ(by_bytes.add(fake_tx("a", 9, 300), TxOrigin::kPeer).error().code, "mempool_full");
}

TEST(Mempool, FindsPendingTxsById) {
  Mempool m(10, 1 << 20);
  auto t = fake_tx("a", 1);
  const Bytes id = t.id;
  ASSERT_TRUE(m.add(std::move(t)).ok());
  auto found = m.find(id);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->id, id);
  EXPECT_EQ(m.find(to_bytes("absent")), nullptr);
  m.take(1);  // taken (the single-validator sealer) is no longer pending
  EXPECT_EQ(m.find(id), nullptr);
}

TEST(Mempool, TakenTxsStayReservedUntilReleased) {
  Mempool m(10, 1 << 20);
  ASSERT_TRUE(m.add(fake_tx("a", 1)).ok());
  ASSERT_TRUE(m.add(fake_tx("a", 2)).ok());
  auto taken = m.take(1);
  ASSERT_EQ(taken.size(), 1u);
  EXPECT_EQ(taken[0]->body.nonce(), 1u);  // FIFO
  EXPECT_EQ(m.size(), 1u);
  EXPECT_EQ(m.add(fake_tx("a", 1)).error().code, "duplicate_tx");
  m.release(taken);
  EXPECT_TRUE(m.add(fake_tx("a", 1)).ok());
}

TEST(Mempool, PeekCopiesInOrderAndRemoveFreesIdsNoncesAndBytes) {
  Mempool m(10, 350);
  ASSERT_TRUE(m.add(fake_tx("a", 1)).ok());
  ASSERT_TRUE(m.add(fake_tx("b", 1)).ok());
  ASSERT_TRUE(m.add(fake_tx("c", 1)).ok());
  auto first_two = m.peek(2);
  ASSERT_EQ(first_two.size(), 2u);
  EXPECT_EQ(first_two[0]->body.signer(), "a");
  EXPECT_EQ(first_two[1]->body.signer(), "b");
  EXPECT_EQ(m.size(), 3u);  // peek leaves everything queued
  EXPECT_EQ(m.add(fake_tx("d", 1)).error().code, "mempool_full");

  // A committed block carried b; removing it frees its id, its nonce and its bytes.
  m.remove({fake_tx("b", 1).id, to_bytes("not-pending")});
  EXPECT_EQ(m.size(), 2u);
  EXPECT_FALSE(m.contains(fake_tx("b", 1).id));
  EXPECT_TRUE(m.add(fake_tx("d", 1)).ok());
  auto all = m.peek(10);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0]->body.signer(), "a");
  EXPECT_EQ(all[1]->body.signer(), "c");
  EXPECT_EQ(all[2]->body.signer(), "d");
}

TEST(Mempool, RemovingATakenTxKeepsItReservedUntilReleased) {
  Mempool m(10, 1 << 20);
  ASSERT_TRUE(m.add(fake_tx("a", 1)).ok());
  ASSERT_TRUE(m.add(fake_tx("b", 1)).ok());
  auto taken = m.take(1);
  m.remove({fake_tx("a", 1).id, fake_tx("b", 1).id});
  EXPECT_EQ(m.size(), 0u);
  EXPECT_EQ(m.add(fake_tx("a", 1)).error().code, "duplicate_tx");  // still reserved by take()
  EXPECT_TRUE(m.add(fake_tx("b", 1)).ok());                        // removed: free again
  m.release(taken);
  EXPECT_TRUE(m.add(fake_tx("a", 1)).ok());
}

}  // namespace
}  // namespace rl::node
