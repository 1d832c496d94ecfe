// libFuzzer target: CertificateRequest::from_pem (and Crl::from_pem) on arbitrary text.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "crypto/x509.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto csr = rl::crypto::CertificateRequest::from_pem(text); csr.ok()) {
    (void)csr->to_pem();
    (void)csr->subject();
    (void)csr->public_key().to_der();
    (void)csr->verify_signature();
  }
  if (auto crl = rl::crypto::Crl::from_pem(text); crl.ok()) (void)crl->to_pem();
  return 0;
}
