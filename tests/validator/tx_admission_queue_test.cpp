// Gossiped transactions wait in a bounded queue for their own worker: everything pushed within
// the bound is admitted in order, beyond it pushes fail and are counted, stop() joins, and a
// proposal can take queued transactions by id so that the worker never sees them.
#include "node/validator/tx_admission_queue.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <vector>

namespace rl::node {
namespace {

// Only id and raw matter to the queue.
ledger::DecodedTx tx_with(std::uint8_t tag, std::size_t size = 1, std::uint8_t id = 0) {
  ledger::DecodedTx tx;
  tx.raw = Bytes(size, tag);
  tx.id = Bytes(32, id == 0 ? tag : id);
  return tx;
}

TEST(TxAdmissionQueue, AdmitsInOrderAndDropsBeyondTheBound) {
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::mutex mu;
  std::vector<std::uint8_t> seen;
  TxAdmissionQueue q(3, 1 << 20, [&](ledger::DecodedTx tx) {
    gate.wait();  // hold the worker so the queue fills
    std::lock_guard lock(mu);
    seen.push_back(tx.raw[0]);
  });
  // The worker may take the first item and block on the gate; then three more fill the queue.
  std::size_t accepted = 0;
  for (int i = 0; i < 200 && q.dropped() == 0; ++i) {
    if (q.push(tx_with(static_cast<std::uint8_t>(i + 1)))) ++accepted;
  }
  EXPECT_GE(q.dropped(), 1u);
  EXPECT_FALSE(q.push(tx_with(250)));
  release.set_value();
  for (int i = 0; i < 200; ++i) {
    {
      std::lock_guard lock(mu);
      if (seen.size() >= accepted) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  q.stop();
  std::lock_guard lock(mu);
  EXPECT_EQ(seen.size(), accepted);  // everything accepted is admitted
  EXPECT_GE(accepted, 3u);
  EXPECT_LE(accepted, 4u);  // the bound, plus at most the one in the worker's hands
  for (std::size_t i = 1; i < seen.size(); ++i) EXPECT_LT(seen[i - 1], seen[i]);  // FIFO
}

TEST(TxAdmissionQueue, ByteBoundAndStop) {
  std::atomic<int> admitted{0};
  TxAdmissionQueue q(100, 10, [&](ledger::DecodedTx) { admitted++; });
  EXPECT_FALSE(q.push(tx_with(1, 11)));
  q.stop();
  EXPECT_FALSE(q.push(tx_with(2, 1)));
  EXPECT_EQ(q.dropped(), 2u);
}

TEST(TxAdmissionQueue, TakenTxsLeaveTheQueueAndAreNeverAdmitted) {
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::mutex mu;
  std::vector<std::uint8_t> seen;
  TxAdmissionQueue q(100, 1000, [&](ledger::DecodedTx tx) {
    gate.wait();
    std::lock_guard lock(mu);
    seen.push_back(tx.raw[0]);
  });
  // Tx 1 may be in the worker's hands already; 2..6 wait in the queue. Tx 7 is a second
  // encoding (same id as 4, other bytes), as a faulty peer could send.
  for (std::uint8_t i = 1; i <= 6; ++i) ASSERT_TRUE(q.push(tx_with(i, 10)));
  ASSERT_TRUE(q.push(tx_with(7, 10, /*id=*/4)));
  const std::size_t before = q.pending();
  EXPECT_GE(before, 6u);

  auto taken = q.take({Bytes(32, 3), Bytes(32, 4), Bytes(32, 99), Bytes(32, 6)});
  std::vector<std::uint8_t> taken_tags;
  for (const auto& tx : taken) taken_tags.push_back(tx->raw[0]);
  EXPECT_EQ(taken_tags, (std::vector<std::uint8_t>{3, 4, 7, 6}));  // id 99 was never queued
  EXPECT_EQ(q.pending(), before - 4);
  EXPECT_TRUE(q.take({Bytes(32, 3)}).empty());  // taken once only

  // The byte bound counts only what is still queued: 100 - 4 x 10 bytes freed room for more.
  for (std::uint8_t i = 10; i < 14; ++i) EXPECT_TRUE(q.push(tx_with(i, 10)));

  release.set_value();
  for (int i = 0; i < 200; ++i) {
    {
      std::lock_guard lock(mu);
      if (seen.size() >= 7) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  q.stop();
  std::lock_guard lock(mu);
  EXPECT_EQ(seen, (std::vector<std::uint8_t>{1, 2, 5, 10, 11, 12, 13}));
}

}  // namespace
}  // namespace rl::node
