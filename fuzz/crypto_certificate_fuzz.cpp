// libFuzzer target: Certificate::from_der / from_pem / bundle_from_pem on arbitrary bytes, then
// every accessor on whatever parses. Must never crash, leak or trip a sanitizer.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "crypto/x509.hpp"

namespace {

void exercise(const rl::crypto::Certificate& cert) {
  (void)cert.to_der();
  (void)cert.to_pem();
  (void)cert.subject();
  (void)cert.subject_string();
  (void)cert.issuer_string();
  (void)cert.serial_hex();
  (void)cert.not_before();
  (void)cert.not_after();
  (void)cert.is_ca();
  (void)cert.public_key().to_der();
  (void)cert.id(rl::crypto::Suite::kP256Sha256);
  // A self-verification attempt drives the signature and extension code paths.
  (void)rl::crypto::verify_chain(cert, {}, {cert}, {}, 1700000000);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const rl::ByteView bytes(data, size);
  if (auto cert = rl::crypto::Certificate::from_der(bytes); cert.ok()) exercise(*cert);
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto cert = rl::crypto::Certificate::from_pem(text); cert.ok()) exercise(*cert);
  if (auto bundle = rl::crypto::Certificate::bundle_from_pem(text); bundle.ok()) {
    for (const auto& cert : *bundle) exercise(cert);
  }
  return 0;
}
