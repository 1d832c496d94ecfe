#pragma once
// Device certificates: what the network trusts and how a peer's chain is checked.

#include <cstdint>
#include <string>
#include <vector>

#include "crypto/x509.hpp"
#include "offline.pb.h"
#include "offline/limits.hpp"

namespace rl::offline {

// The network's trust anchors for device certificates and the revocation list in force.
struct TrustAnchors {
  std::vector<crypto::Certificate> roots;
  std::vector<crypto::Crl> revoked;  // checked against the device (leaf) certificate
};

struct VerifiedCert {
  crypto::Certificate cert;
  std::string device_id;  // the certificate's CN
  Bytes cert_id;          // suite hash of the DER
  // The window in which every certificate of the chain (leaf and intermediates, not the roots)
  // is valid: latest not_before, earliest not_after.
  std::int64_t valid_after = 0;
  std::int64_t valid_before = 0;
};

class DecodedCerts;

// Decodes a CertChain and verifies it against the roots at `at_unix`, with the suite and the
// device id (CN) it must carry. Codes: bad_certificate (undecodable, too large, CA, wrong suite
// or CN), certificate_untrusted, certificate_expired (also not yet valid), certificate_revoked.
// With `intermediates_cache`, intermediates are decoded through it (decoded_certs.hpp).
Result<VerifiedCert> verify_device_chain(crypto::Suite suite, const TrustAnchors& trust,
                                         const regledger::offline::v1::CertChain& chain,
                                         std::string_view expected_device_id, std::int64_t at_unix,
                                         const Limits& limits,
                                         DecodedCerts* intermediates_cache = nullptr);

// The chain of our own credentials, for messages.
regledger::offline::v1::CertChain encode_chain(const crypto::Certificate& leaf,
                                               const std::vector<crypto::Certificate>& inter);

}  // namespace rl::offline
