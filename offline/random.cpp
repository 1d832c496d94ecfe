#include "offline/random.hpp"

#include "crypto/hash.hpp"
#include "crypto/symmetric.hpp"

namespace rl::offline {

Bytes SystemRandom::bytes(std::size_t n) {
  return crypto::random_bytes(n);
}

Bytes SeededRandom::bytes(std::size_t n) {
  Bytes out;
  while (out.size() < n) {
    Bytes block;
    append_u64_be(block, seed_);
    append_u64_be(block, counter_++);
    const Bytes h = crypto::sha256(block);
    out.insert(out.end(), h.begin(), h.end());
  }
  out.resize(n);
  return out;
}

}  // namespace rl::offline
