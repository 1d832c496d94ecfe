#include "tests/cluster/fault_run.hpp"

#include <utility>

namespace rl::testing {

FaultRun::FaultRun(ClusterOptions options, std::uint64_t network_seed) {
  const std::size_t validators = options.validators;
  cluster_.emplace(std::move(options));
  net_.emplace(*cluster_, validators, network_seed);
  cluster_->start_all();
  checks_.emplace(*cluster_, all_nodes(*cluster_));
}

}  // namespace rl::testing
