#include "tests/cluster/split_commit.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace rl::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// proposer(h, r) = schedule[(h + r) % total] (consensus/validator_set.cpp); with equal powers
// the schedule is one slot per validator, so proposer(h, 0) = (h + offset) % n. The offset is
// read from committed headers (most were decided in round 0).
std::size_t proposer_offset(const Cluster& c, std::size_t n) {
  const std::uint64_t top = c.height(0);
  std::map<std::size_t, int> votes;
  auto client = c.target(0).client(3000);
  for (std::uint64_t h = top > 12 ? top - 12 : 1; h <= top; ++h) {
    auto r = client.get("/v1/blocks/" + std::to_string(h));
    if (!r.ok() || r->status != 200) continue;
    auto j = nlohmann::json::parse(r->body, nullptr, false);
    if (j.is_discarded() || !j.contains("proposer")) continue;
    const auto p = j["proposer"].get<std::size_t>();
    ++votes[(p + n - h % n) % n];
  }
  if (votes.empty()) throw std::runtime_error("split commit: no headers to learn proposers from");
  auto best = votes.begin();
  for (auto it = votes.begin(); it != votes.end(); ++it) {
    if (it->second > best->second) best = it;
  }
  return best->first;
}

}  // namespace

std::string SplitCommitAttempt::describe() const {
  std::ostringstream o;
  o << "height " << height << ": X=node" << x << " (decides alone) Y=node" << y
    << " (round-0 proposer) Z=node" << z << " W=node" << w << " (round-1 proposer)";
  return o.str();
}

SplitCommitAttempt play_split_commit(const Cluster& c, FaultNetwork& net, std::mt19937_64& rng,
                                     const SplitCommitTiming& t) {
  const std::size_t n = net.nodes();
  if (n != 4) throw std::invalid_argument("split commit is planned for four validators");
  const std::size_t offset = proposer_offset(c, n);
  net.heal();
  for (std::size_t a = 0; a < n; ++a) {
    for (std::size_t b = 0; b < n; ++b) {
      if (a != b) net.set_delay(a, b, t.link_delay, milliseconds(0));
    }
  }
  SplitCommitAttempt at;
  for (;;) {
    // Two heights ahead: the delays are in place for a whole height before the target one.
    at.height = c.height(0) + 3;
    at.y = (at.height + offset) % n;
    at.w = (at.height + 1 + offset) % n;
    std::vector<std::size_t> rest;
    for (std::size_t i = 0; i < n; ++i) {
      if (i != at.y && i != at.w) rest.push_back(i);
    }
    const bool swap = rng() % 2 == 1;
    at.x = rest[swap ? 1 : 0];
    at.z = rest[swap ? 0 : 1];
    net.set_delay(at.y, at.w, t.late_delay, milliseconds(0));
    // t0: Y decided h - 1; it proposes h a block interval later.
    std::uint64_t seen = c.height(at.y);
    while (seen < at.height - 1) {
      std::this_thread::sleep_for(milliseconds(5));
      seen = c.height(at.y);
    }
    if (seen == at.height - 1) break;
    net.set_delay(at.y, at.w, t.link_delay, milliseconds(0));  // missed it: aim again
  }
  const auto t0 = Clock::now();
  std::this_thread::sleep_until(t0 + t.stall_x_to_w);
  net.set_stalled(at.x, at.w, true);
  std::this_thread::sleep_until(t0 + t.stall_x_to_yz);
  net.set_stalled(at.x, at.y, true);
  net.set_stalled(at.x, at.z, true);
  std::this_thread::sleep_until(t0 + t.hold);
  // What X sent since its stalls (its precommit for h among it) is dropped, not delivered.
  for (std::size_t peer : {at.y, at.z, at.w}) net.cut(at.x, peer);
  net.heal();
  return at;
}

}  // namespace rl::testing
