#pragma once
// The device's random source (rA, rB, ephemeral ECDH scalars), injected so that tests and the
// crash simulation are reproducible from a seed.

#include <cstdint>

#include "common/bytes.hpp"

namespace rl::offline {

class Random {
 public:
  virtual ~Random() = default;
  virtual Bytes bytes(std::size_t n) = 0;
};

// OpenSSL's CSPRNG: what a real device uses.
class SystemRandom final : public Random {
 public:
  Bytes bytes(std::size_t n) override;
};

// Deterministic bytes from a seed (SHA-256 in counter mode). For tests only: predictable.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(std::uint64_t seed) : seed_(seed) {}
  Bytes bytes(std::size_t n) override;

 private:
  std::uint64_t seed_;
  std::uint64_t counter_ = 0;
};

}  // namespace rl::offline
