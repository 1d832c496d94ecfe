#pragma once
// Runs body(i) for every i in [0, n) on the calling thread and one helper thread per further core,
// each taking the next unclaimed index; returns once every call has returned. For work that is
// independent per item and worth a thread each (signature checks ahead of a block's execution).

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <string_view>
#include <thread>
#include <vector>

#include "common/thread_name.hpp"

namespace rl {

template <typename Body>
void parallel_for(std::size_t n, std::string_view helper_thread_name, Body&& body) {
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < n; i = next++) body(i);
  };
  const unsigned helpers = std::max(1u, std::thread::hardware_concurrency()) - 1;
  std::vector<std::jthread> pool;
  for (unsigned t = 0; t < helpers; ++t) {
    pool.emplace_back([&] {
      name_this_thread(helper_thread_name);
      work();
    });
  }
  work();
  pool.clear();  // joins
}

}  // namespace rl
