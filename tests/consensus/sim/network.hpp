#pragma once
// The simulated network's link model: per-message delay with spikes (which reorders), loss,
// duplication, partitions (any directed link can be cut, so both symmetric and asymmetric
// partitions are sets of cut links) and clogged links that hold traffic until a given time.

#include <cstdint>
#include <vector>

#include "tests/consensus/sim/prng.hpp"

namespace rl::consensus::sim {

class Network {
 public:
  Network(int n, Prng rng) : n_(n), rng_(rng), cut_(n * n, 0), clog_until_(n * n, 0) {}

  double loss = 0;
  double duplicate = 0;
  double spike = 0;  // chance of an extra 20..400 ms on one message
  std::uint64_t min_delay_ms = 1;
  std::uint64_t max_delay_ms = 15;

  void cut(int from, int to) { cut_[idx(from, to)]++; }
  void restore(int from, int to) {
    if (cut_[idx(from, to)] > 0) cut_[idx(from, to)]--;
  }
  bool is_cut(int from, int to) const { return cut_[idx(from, to)] > 0; }
  void clog(int from, int to, std::uint64_t until) { clog_until_[idx(from, to)] = until; }

  void heal() {
    for (auto& c : cut_) c = 0;
    for (auto& c : clog_until_) c = 0;
    loss = duplicate = spike = 0;
  }

  // Delivery times for one message sent at `now` (empty = lost).
  std::vector<std::uint64_t> deliveries(int from, int to, std::uint64_t now) {
    std::vector<std::uint64_t> out;
    if (is_cut(from, to) || rng_.chance(loss)) return out;
    const int copies = rng_.chance(duplicate) ? 2 : 1;
    for (int c = 0; c < copies; ++c) {
      std::uint64_t t = now + rng_.between(min_delay_ms, max_delay_ms);
      if (rng_.chance(spike)) t += rng_.between(20, 400);
      const std::uint64_t held = clog_until_[idx(from, to)];
      if (held > t) t = held + rng_.between(0, max_delay_ms);
      out.push_back(t);
    }
    return out;
  }

 private:
  std::size_t idx(int from, int to) const { return static_cast<std::size_t>(from * n_ + to); }
  int n_;
  Prng rng_;
  std::vector<int> cut_;
  std::vector<std::uint64_t> clog_until_;
};

}  // namespace rl::consensus::sim
