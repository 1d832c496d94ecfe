// Gossiped transactions wait in a bounded queue for their own worker: everything pushed within
// the bound is admitted in order, beyond it pushes fail and are counted, and stop() joins.
#include "node/validator/tx_admission_queue.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <vector>

namespace rl::node {
namespace {

TEST(TxAdmissionQueue, AdmitsInOrderAndDropsBeyondTheBound) {
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::mutex mu;
  std::vector<std::uint8_t> seen;
  TxAdmissionQueue q(3, 1 << 20, [&](const Bytes& tx) {
    gate.wait();  // hold the worker so the queue fills
    std::lock_guard lock(mu);
    seen.push_back(tx[0]);
  });
  // The worker may take the first item and block on the gate; then three more fill the queue.
  std::size_t accepted = 0;
  for (int i = 0; i < 200 && q.dropped() == 0; ++i) {
    if (q.push(std::make_shared<const Bytes>(Bytes{static_cast<std::uint8_t>(i)}))) ++accepted;
  }
  EXPECT_GE(q.dropped(), 1u);
  EXPECT_FALSE(q.push(std::make_shared<const Bytes>(Bytes{99})));
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
  TxAdmissionQueue q(100, 10, [&](const Bytes&) { admitted++; });
  EXPECT_FALSE(q.push(std::make_shared<const Bytes>(Bytes(11, 0))));
  q.stop();
  EXPECT_FALSE(q.push(std::make_shared<const Bytes>(Bytes(1, 0))));
  EXPECT_EQ(q.dropped(), 2u);
}

}  // namespace
}  // namespace rl::node
