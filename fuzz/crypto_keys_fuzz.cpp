// libFuzzer target: PublicKey::from_der / from_pem and verify() with attacker-chosen key,
// message and signature bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "crypto/keys.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const rl::ByteView bytes(data, size);
  if (auto key = rl::crypto::PublicKey::from_der(bytes); key.ok()) {
    (void)key->to_pem();
    (void)rl::crypto::verify(*key, bytes, bytes);
  }
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto key = rl::crypto::PublicKey::from_pem(text); key.ok()) (void)key->to_der();
  if (auto key = rl::crypto::PrivateKey::from_pem(text); key.ok()) (void)key->public_key();
  // Split the input into a signature and a message for a fixed key.
  static const auto fixed = rl::crypto::PrivateKey::generate(rl::crypto::Suite::kSm2Sm3);
  if (fixed.ok() && size > 0) {
    const std::size_t split = data[0] % size;
    (void)rl::crypto::verify(fixed->public_key(), bytes.subspan(split), bytes.first(split));
  }
  return 0;
}
