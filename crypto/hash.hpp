#pragma once
#include <memory>

#include "common/bytes.hpp"
#include "crypto/suite.hpp"

namespace rl::crypto {

Bytes sha256(ByteView data);
Bytes sm3(ByteView data);
// The suite's hash: SHA-256 or SM3.
Bytes hash(Suite suite, ByteView data);

// Incremental hashing for data that arrives in parts (e.g. domain tag + body).
class Hasher {
 public:
  explicit Hasher(Suite suite);
  ~Hasher();
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;
  Hasher& update(ByteView data);
  Bytes finish();  // may be called once

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rl::crypto
