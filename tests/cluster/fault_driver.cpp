#include "tests/cluster/fault_driver.hpp"

#include <algorithm>
#include <chrono>
#include <sstream>
#include <thread>

namespace rl::testing {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// What every link should be now.
struct LinkState {
  explicit LinkState(std::size_t n)
      : n(n), fixed(n * n), jitter(n * n), stalled(n * n), refusing(n * n) {}
  std::size_t n;
  std::vector<milliseconds> fixed;  // [from * n + to]
  std::vector<milliseconds> jitter;
  std::vector<bool> stalled;
  std::vector<bool> refusing;  // [min * n + max]
};

std::size_t group_of(const FaultStep& s, std::size_t node) {
  for (std::size_t g = 0; g < s.groups.size(); ++g) {
    if (std::find(s.groups[g].begin(), s.groups[g].end(), node) != s.groups[g].end()) return g;
  }
  return s.groups.size();
}

LinkState desired(std::size_t n, const std::vector<const FaultStep*>& active) {
  LinkState st(n);
  for (const FaultStep* s : active) {
    const std::size_t link = s->from * n + s->to;
    if (s->kind == FaultKind::kDelay) {
      st.fixed[link] = std::max(st.fixed[link], s->fixed);
      st.jitter[link] = std::max(st.jitter[link], s->jitter);
    } else if (s->kind == FaultKind::kStall) {
      st.stalled[link] = true;
    } else if (s->kind == FaultKind::kPartition) {
      for (std::size_t a = 0; a < n; ++a) {
        for (std::size_t b = a + 1; b < n; ++b) {
          if (group_of(*s, a) != group_of(*s, b)) st.refusing[a * n + b] = true;
        }
      }
    }
  }
  return st;
}

// Sets what differs between `was` and `now`; a pair that starts refusing is also cut, so a
// partition ends the connections it separates, not only future ones.
std::uint64_t apply(FaultNetwork& net, const LinkState& was, const LinkState& now) {
  std::uint64_t reset = 0;
  const std::size_t n = now.n;
  for (std::size_t a = 0; a < n; ++a) {
    for (std::size_t b = 0; b < n; ++b) {
      if (a == b) continue;
      const std::size_t l = a * n + b;
      if (was.fixed[l] != now.fixed[l] || was.jitter[l] != now.jitter[l]) {
        net.set_delay(a, b, now.fixed[l], now.jitter[l]);
      }
      if (was.stalled[l] != now.stalled[l]) net.set_stalled(a, b, now.stalled[l]);
      if (a < b && was.refusing[l] != now.refusing[l]) {
        net.set_refusing(a, b, now.refusing[l]);
        if (now.refusing[l]) reset += net.cut(a, b);
      }
    }
  }
  return reset;
}

}  // namespace

std::string FaultTally::summary() const {
  std::ostringstream o;
  for (std::size_t k = 0; k < kFaultKinds; ++k) {
    o << fault_kind_name(static_cast<FaultKind>(k)) << "=" << steps[k] << " ";
  }
  o << "connections_reset=" << connections_reset;
  return o.str();
}

FaultTally play_faults(FaultNetwork& net, const std::vector<FaultStep>& steps,
                       const std::function<void(const FaultStep&)>& on_step) {
  struct Event {
    milliseconds at;
    bool start;
    const FaultStep* step;
  };
  std::vector<Event> events;
  for (const auto& s : steps) {
    events.push_back({s.at, true, &s});
    if (s.kind != FaultKind::kCut) events.push_back({s.at + s.duration, false, &s});
  }
  // Ends before starts at the same instant: a fault that ends as another begins does not
  // overlap it.
  std::stable_sort(events.begin(), events.end(), [](const Event& x, const Event& y) {
    return x.at != y.at ? x.at < y.at : (!x.start && y.start);
  });
  FaultTally tally;
  const std::size_t n = net.nodes();
  LinkState applied(n);
  std::vector<const FaultStep*> active;
  const auto t0 = Clock::now();
  for (const Event& e : events) {
    std::this_thread::sleep_until(t0 + e.at);
    if (e.start) {
      ++tally.steps[static_cast<std::size_t>(e.step->kind)];
      if (on_step) on_step(*e.step);
      if (e.step->kind == FaultKind::kCut) {
        tally.connections_reset += net.cut(e.step->from, e.step->to);
        continue;
      }
      active.push_back(e.step);
    } else {
      active.erase(std::find(active.begin(), active.end(), e.step));
    }
    LinkState next = desired(n, active);
    tally.connections_reset += apply(net, applied, next);
    applied = std::move(next);
  }
  net.heal();
  return tally;
}

}  // namespace rl::testing
