#include "node/app/identity/crl.hpp"

#include "ledger/state_keys.hpp"

namespace rl::node::identity {
namespace {

// Bounds the scan of certificate records (and so the CRL's size and the time one request may
// take). A network with more certificates than this needs paged or delta CRLs.
constexpr std::size_t kMaxRevoked = 200'000;

}  // namespace

Result<CrlSnapshot> build_crl(const ledger::Chain& chain, const IssuingCa& ca, std::int64_t now_s,
                              std::int64_t validity_s) {
  CrlSnapshot out;
  // Read the height first: the state scanned after it is at least that new.
  out.height = chain.head().height;
  // The revocation index, not every certificate record: this endpoint is public.
  RL_ASSIGN_OR_RETURN(auto revoked, chain.revoked_certificates(kMaxRevoked + 1));
  if (revoked.size() > kMaxRevoked) {
    return make_error("crl_too_large", "more revoked certificates than one CRL may list");
  }
  const auto issuer = ca.cert.subject_string();
  std::vector<std::string> serials;
  for (const auto& rec : revoked) {
    auto cert = crypto::Certificate::from_der(as_bytes(rec.certificate_der()));
    if (!cert.ok()) return make_error("state_corrupt", "bound certificate does not parse");
    if (cert->issuer_string() == issuer) serials.push_back(cert->serial_hex());
  }
  RL_ASSIGN_OR_RETURN(auto crl,
                      crypto::Crl::create(ca.cert, ca.key, serials, now_s, now_s + validity_s));
  out.pem = crl.to_pem();
  out.revoked = serials.size();
  return out;
}

}  // namespace rl::node::identity
