#pragma once
// The simulator's only source of randomness: xoshiro256** seeded by splitmix64. Each subsystem
// (network, faults, application, adversary, ...) gets its own stream derived from the run seed
// and the subsystem's name, so adding a random draw in one subsystem does not shift the others.

#include <cstdint>
#include <string_view>

namespace rl::consensus::sim {

inline std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

inline std::uint64_t mix64(std::uint64_t a, std::uint64_t b) {
  std::uint64_t x = a ^ (b * 0xD6E8FEB86659FD93ull);
  return splitmix64(x);
}

class Prng {
 public:
  explicit Prng(std::uint64_t seed) {
    for (auto& w : s_) w = splitmix64(seed);
  }
  // An independent stream for one subsystem.
  Prng split(std::string_view name) const {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (char c : name) h = (h ^ static_cast<std::uint8_t>(c)) * 0x100000001b3ull;
    return Prng(mix64(s_[0] ^ s_[2], h));
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, n) (n > 0); the modulo bias is irrelevant for fault injection.
  std::uint64_t below(std::uint64_t n) { return next() % n; }
  std::uint64_t between(std::uint64_t lo, std::uint64_t hi) { return lo + below(hi - lo + 1); }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return unit() < p; }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

}  // namespace rl::consensus::sim
