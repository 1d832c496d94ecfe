#include "tests/cluster/fault_seeds.hpp"

#include <cstdlib>
#include <random>

namespace rl::testing {

std::vector<std::uint64_t> fault_seeds_from_env(int default_count) {
  if (const char* s = std::getenv("RL_FAULT_SEED"); s != nullptr && *s != '\0') {
    return {std::strtoull(s, nullptr, 10)};
  }
  int count = default_count;
  if (const char* n = std::getenv("RL_FAULT_SEEDS"); n != nullptr && std::atoi(n) > 0) {
    count = std::atoi(n);
  }
  std::random_device rd;
  std::vector<std::uint64_t> seeds;
  for (int i = 0; i < count; ++i) seeds.push_back((std::uint64_t{rd()} << 32) | rd());
  return seeds;
}

}  // namespace rl::testing
