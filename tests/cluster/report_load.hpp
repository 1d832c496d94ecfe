#pragma once
// A background client for fault tests: submits signed SubmitReport txs, one every few tens of
// milliseconds, each to a random node (of those given), and records the id of every tx a node
// accepted (HTTP 202). Under faults a node may be cut off; it still admits txs into its mempool,
// and whether they commit is what the test then checks.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "client/lib/identity.hpp"
#include "tests/support/cluster.hpp"

namespace rl::testing {

class ReportLoad {
 public:
  // Submits to a random one of `targets` (every node when empty).
  ReportLoad(const Cluster& c, client::Identity reporter, std::uint64_t seed,
             std::vector<std::size_t> targets = {});
  ~ReportLoad();  // stops and joins
  ReportLoad(const ReportLoad&) = delete;
  ReportLoad& operator=(const ReportLoad&) = delete;

  // Paused: no new submission starts; returns once the one in flight (if any) has finished.
  void pause();
  void resume();
  // Ids accepted so far, in order.
  std::vector<std::string> accepted() const;
  // Those node `node` accepted, in order.
  std::vector<std::string> accepted_by(std::size_t node) const;
  // The node that accepted `id` (nullopt: none did), so that a check can say who lost a tx.
  std::optional<std::size_t> accepted_via(const std::string& id) const;
  std::uint64_t refused() const { return refused_.load(); }

 private:
  void run(std::uint64_t seed);

  const Cluster& c_;
  const client::Identity reporter_;
  const std::vector<std::size_t> targets_;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> refused_{0};  // not 202: full mempool, node unreachable, ...
  mutable std::mutex mu_;                  // held for a whole submission, so pause() waits for it
  bool paused_ = false;
  std::vector<std::string> accepted_;
  std::vector<std::size_t> via_;  // via_[k]: the node that accepted accepted_[k]
  std::thread thread_;
};

}  // namespace rl::testing
