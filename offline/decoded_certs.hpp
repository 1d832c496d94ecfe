#pragma once
// Decoded CA certificates by their DER bytes. Every device of a network names the same issuing
// CA in its chain, and under OpenSSL 3.0 decoding a certificate (its key through the provider
// decoders, behind a global lock) costs as much as verifying a signature: a cold chain check
// decodes the shared intermediate once here instead of once per device. Thread-safe; bounded
// (a full table is dropped, which costs decoding again, never a different answer: the same
// bytes decode to the same certificate).

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "crypto/x509.hpp"

namespace rl::offline {

class DecodedCerts {
 public:
  explicit DecodedCerts(std::size_t max_entries = 256) : max_entries_(max_entries) {}

  // crypto::Certificate::from_der of `der`, remembered when it decodes.
  Result<crypto::Certificate> decode(std::string_view der);

 private:
  const std::size_t max_entries_;
  std::mutex mu_;
  std::unordered_map<std::string, crypto::Certificate> by_der_;  // guarded by mu_
};

}  // namespace rl::offline
