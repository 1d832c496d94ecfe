#pragma once
// A task run every `interval` on a thread of its own (the scheduled backups), stopped cleanly:
// stop() wakes the thread from its wait and joins it, letting a run in progress finish.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace rl::node {

class PeriodicTask {
 public:
  PeriodicTask(std::chrono::milliseconds interval, std::function<void()> run);
  ~PeriodicTask();
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;
  void stop();

 private:
  void loop(std::stop_token stop);

  const std::chrono::milliseconds interval_;
  const std::function<void()> run_;
  std::mutex mu_;
  std::condition_variable_any cv_;
  std::jthread thread_;  // last: started once everything above exists
};

}  // namespace rl::node
