#include "node/app/identity/crl.hpp"

#include "api/error_codes.hpp"
#include "ledger/state_keys.hpp"
#include "node/http/json_error.hpp"

namespace rl::node::identity {

Result<CrlSnapshot> build_crl(const ledger::Chain& chain, const IssuingCa& ca, std::int64_t now_s,
                              std::int64_t validity_s, std::size_t max_revoked) {
  CrlSnapshot out;
  // Read the height first: the state scanned after it is at least that new.
  out.height = chain.head().height;
  // The revocation index, not every certificate record: this endpoint is public.
  RL_ASSIGN_OR_RETURN(auto revoked, chain.revoked_certificates(max_revoked + 1));
  if (revoked.size() > max_revoked) {
    return http::api_error(api::ApiError::kCrlTooLarge,
                           "more revoked certificates than one CRL may list");
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
