#include "tests/cluster/fault_schedule.hpp"

#include <algorithm>
#include <random>
#include <sstream>

namespace rl::testing {
namespace {

using std::chrono::milliseconds;

milliseconds between(std::mt19937_64& rng, int lo, int hi) {
  return milliseconds(std::uniform_int_distribution<int>(lo, hi)(rng));
}

// Two or three groups, none empty. Isolating one node and a majority/minority split are the
// common cases worth testing most, so half of the partitions isolate a single node.
std::vector<std::vector<std::size_t>> draw_groups(std::mt19937_64& rng, std::size_t n) {
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  std::size_t k = (rng() % 2 == 0) ? 1 : 1 + rng() % (n - 1);  // size of the first group
  std::vector<std::vector<std::size_t>> groups(1);
  for (std::size_t i = 0; i < n; ++i) {
    if (i == k) groups.emplace_back();
    groups.back().push_back(order[i]);
  }
  // Sometimes split the rest once more.
  if (groups[1].size() >= 2 && rng() % 4 == 0) {
    std::size_t m = 1 + rng() % (groups[1].size() - 1);
    std::vector<std::size_t> third(groups[1].begin() + static_cast<std::ptrdiff_t>(m),
                                   groups[1].end());
    groups[1].resize(m);
    groups.push_back(std::move(third));
  }
  for (auto& g : groups) std::sort(g.begin(), g.end());
  return groups;
}

std::pair<std::size_t, std::size_t> draw_pair(std::mt19937_64& rng, std::size_t n) {
  std::size_t a = rng() % n;
  std::size_t b = (a + 1 + rng() % (n - 1)) % n;
  return {a, b};
}

}  // namespace

const char* fault_kind_name(FaultKind k) {
  switch (k) {
    case FaultKind::kDelay:
      return "delay";
    case FaultKind::kStall:
      return "stall";
    case FaultKind::kPartition:
      return "partition";
    case FaultKind::kCut:
      return "cut";
  }
  return "unknown";
}

std::string FaultStep::describe() const {
  std::ostringstream o;
  o << "t=" << at.count() << "ms " << fault_kind_name(kind) << " ";
  switch (kind) {
    case FaultKind::kDelay:
      o << from << "->" << to << " " << fixed.count() << "+U[0," << jitter.count() << "]ms";
      break;
    case FaultKind::kStall:
      o << from << "->" << to;
      break;
    case FaultKind::kCut:
      o << from << "<->" << to;
      break;
    case FaultKind::kPartition:
      for (std::size_t g = 0; g < groups.size(); ++g) {
        o << (g ? "|" : "") << "{";
        for (std::size_t i = 0; i < groups[g].size(); ++i) o << (i ? "," : "") << groups[g][i];
        o << "}";
      }
      break;
  }
  if (duration.count() > 0) o << " for " << duration.count() << "ms";
  return o.str();
}

std::vector<FaultStep> make_fault_schedule(std::uint64_t seed, std::size_t nodes,
                                           milliseconds span) {
  std::mt19937_64 rng(seed);
  std::vector<FaultStep> steps;
  for (milliseconds t = between(rng, 0, 500); t < span; t += between(rng, 200, 1500)) {
    FaultStep s;
    s.at = t;
    const int roll = static_cast<int>(rng() % 100);
    auto [a, b] = draw_pair(rng, nodes);
    s.from = a;
    s.to = b;
    if (roll < 30) {
      s.kind = FaultKind::kDelay;
      s.duration = between(rng, 1000, 4000);
      s.fixed = between(rng, 10, 400);
      s.jitter = between(rng, 0, 200);
    } else if (roll < 50) {
      s.kind = FaultKind::kStall;
      s.duration = between(rng, 500, 4000);
    } else if (roll < 80) {
      s.kind = FaultKind::kPartition;
      s.duration = between(rng, 1000, 5000);
      s.groups = draw_groups(rng, nodes);
    } else {
      s.kind = FaultKind::kCut;
    }
    steps.push_back(std::move(s));
  }
  return steps;
}

}  // namespace rl::testing
