#pragma once
// This process's CPU time, memory and file descriptors from /proc (Linux), for the standard
// process_* metrics that dashboards and alerts already know.

#include <cstdint>

#include "common/result.hpp"

namespace rl::node::metrics {

struct ProcessStats {
  double cpu_seconds = 0;  // user + system
  double resident_bytes = 0;
  double virtual_bytes = 0;
  double start_time_seconds = 0;  // unix time
  double open_fds = 0;
  double max_fds = 0;
  double threads = 0;
};

// Code: proc_unreadable.
Result<ProcessStats> read_process_stats();

}  // namespace rl::node::metrics
