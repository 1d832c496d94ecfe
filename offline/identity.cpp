#include "offline/identity.hpp"

#include <algorithm>

#include "offline/codec.hpp"
#include "offline/decoded_certs.hpp"
#include "offline/errors.hpp"

namespace rl::offline {

Result<VerifiedCert> verify_device_chain(crypto::Suite suite, const TrustAnchors& trust,
                                         const regledger::offline::v1::CertChain& chain,
                                         std::string_view expected_device_id, std::int64_t at_unix,
                                         const Limits& limits, DecodedCerts* intermediates_cache) {
  if (chain.leaf().size() > limits.max_cert_bytes ||
      static_cast<std::size_t>(chain.intermediates_size()) > limits.max_intermediates) {
    return fail(err::kBadCertificate, "certificate chain too large");
  }
  auto leaf = crypto::Certificate::from_der(as_bytes(chain.leaf()));
  if (!leaf.ok()) return fail(err::kBadCertificate, "device certificate does not decode");
  std::vector<crypto::Certificate> intermediates;
  for (const std::string& der : chain.intermediates()) {
    if (der.size() > limits.max_cert_bytes) return fail(err::kBadCertificate, "too large");
    auto c = intermediates_cache != nullptr ? intermediates_cache->decode(der)
                                            : crypto::Certificate::from_der(as_bytes(der));
    if (!c.ok()) return fail(err::kBadCertificate, "intermediate does not decode");
    intermediates.push_back(std::move(c).value());
  }
  if (leaf->is_ca()) return fail(err::kBadCertificate, "a CA certificate is not a device");
  if (leaf->public_key().suite() != suite) {
    return fail(err::kBadCertificate, "device key is not of the network's suite");
  }
  const std::string cn = leaf->subject().common_name;
  if (cn.empty() || cn != expected_device_id) {
    return fail(err::kBadCertificate, "certificate CN '" + cn + "' is not device '" +
                                          std::string(expected_device_id) + "'");
  }
  const Status chained = crypto::verify_chain(*leaf, intermediates, trust.roots, {}, at_unix);
  if (!chained.ok()) {
    const std::string& code = chained.error().code;
    if (code == "cert_untrusted") return fail(err::kCertificateUntrusted, chained.error().message);
    if (code == "cert_expired" || code == "cert_not_yet_valid") {
      return fail(err::kCertificateExpired, chained.error().message);
    }
    if (code == "cert_revoked") return fail(err::kCertificateRevoked, chained.error().message);
    return fail(err::kBadCertificate, chained.error().to_string());
  }
  // The injected revocation list names device certificates (the ledger revokes devices caught
  // double spending); CA revocation is the chain's business.
  for (const crypto::Crl& crl : trust.revoked) {
    if (crl.is_revoked(*leaf)) {
      return fail(err::kCertificateRevoked,
                  "device certificate " + leaf->serial_hex() + " is revoked");
    }
  }
  Bytes id = leaf->id(suite);
  std::int64_t valid_after = leaf->not_before();
  std::int64_t valid_before = leaf->not_after();
  for (const crypto::Certificate& c : intermediates) {
    valid_after = std::max(valid_after, c.not_before());
    valid_before = std::min(valid_before, c.not_after());
  }
  return VerifiedCert{std::move(leaf).value(), cn, std::move(id), valid_after, valid_before};
}

regledger::offline::v1::CertChain encode_chain(const crypto::Certificate& leaf,
                                               const std::vector<crypto::Certificate>& inter) {
  regledger::offline::v1::CertChain out;
  out.set_leaf(to_string(leaf.to_der()));
  for (const crypto::Certificate& c : inter) out.add_intermediates(to_string(c.to_der()));
  return out;
}

}  // namespace rl::offline
