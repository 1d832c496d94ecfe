#pragma once
// Deterministic, fast stand-ins for real signatures, for the scenario tests and the simulator.
// A "signature" is a keyed FNV-1a MAC with a per-validator secret: cheap, deterministic, and
// unforgeable by the simulated adversary (which only ever holds its own secrets). Not crypto.

#include <cstdint>
#include <map>
#include <string>

#include "consensus/crypto_hooks.hpp"

namespace rl::consensus::testing {

inline std::uint64_t fnv1a64(ByteView data, std::uint64_t h = 0xcbf29ce484222325ull) {
  for (std::uint8_t b : data) {
    h ^= b;
    h *= 0x100000001b3ull;
  }
  return h;
}

inline void append_u64(Bytes& out, std::uint64_t v) {
  for (int s = 56; s >= 0; s -= 8) out.push_back(static_cast<std::uint8_t>(v >> s));
}

inline Bytes keyed_mac(ByteView key, ByteView msg) {
  Bytes out;
  std::uint64_t h1 = fnv1a64(msg, fnv1a64(key));
  std::uint64_t h2 = fnv1a64(key, fnv1a64(msg, 0x84222325cbf29ce4ull));
  append_u64(out, h1);
  append_u64(out, h2);
  return out;
}

inline Bytes secret_for(ByteView id) {
  // Built through std::string: GCC 12 -O3 misfires -Warray-bounds on vector::insert here.
  return to_bytes("secret:" + std::string(id.begin(), id.end()));
}

class MacSigner : public Signer {
 public:
  explicit MacSigner(ByteView id) : secret_(secret_for(id)) {}
  Bytes sign(ByteView message) override { return keyed_mac(secret_, message); }

 private:
  Bytes secret_;
};

class MacVerifier : public Verifier {
 public:
  bool verify(const Validator& v, ByteView message, ByteView signature) const override {
    const Bytes expected = keyed_mac(secret_for(v.id), message);
    return std::equal(expected.begin(), expected.end(), signature.begin(), signature.end());
  }
};

// 32-byte non-cryptographic value hash (four salted FNV-1a passes).
class FnvHasher : public ValueHasher {
 public:
  Bytes hash(ByteView value) const override {
    Bytes out;
    for (std::uint64_t salt = 1; salt <= 4; ++salt)
      append_u64(out, fnv1a64(value, salt * 0x9E3779B97F4A7C15ull));
    return out;
  }
};

inline Bytes validator_id(std::size_t i) {
  return to_bytes("validator-" + std::to_string(i));
}

}  // namespace rl::consensus::testing
