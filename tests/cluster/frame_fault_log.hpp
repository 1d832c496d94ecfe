#pragma once
// What regledgerd_frame_faults did to the frames it received, read back from its log: the last
// "p2p frame faults TEST-ONLY summary" line (node/p2p/frame_faults.hpp), logged every 5 s and
// once more, with final=true, when the node stops.

#include <cstdint>
#include <map>
#include <string>

namespace rl::testing {

struct FrameFaultSummary {
  bool found = false;
  bool final = false;
  // Every numeric key=value of the line: seed, frames, passed, dropped, duplicated, reordered,
  // delayed, reorder_released_by_timer, pending, faulted_<channel>.
  std::map<std::string, std::uint64_t> counts;
  std::uint64_t get(const std::string& key) const;  // 0 when absent
};

FrameFaultSummary read_frame_fault_summary(const std::string& log_path);

}  // namespace rl::testing
