#include "node/app/periodic_task.hpp"

namespace rl::node {

PeriodicTask::PeriodicTask(std::chrono::milliseconds interval, std::function<void()> run)
    : interval_(interval),
      run_(std::move(run)),
      thread_([this](std::stop_token st) { loop(st); }) {}

PeriodicTask::~PeriodicTask() {
  stop();
}

void PeriodicTask::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();  // wakes cv_.wait_for below
  thread_.join();
}

void PeriodicTask::loop(std::stop_token stop) {
  while (true) {
    {
      std::unique_lock lock(mu_);
      // Ends early only when stop is requested (the predicate never holds).
      (void)cv_.wait_for(lock, stop, interval_, [] { return false; });
      if (stop.stop_requested()) return;
    }
    run_();
  }
}

}  // namespace rl::node
