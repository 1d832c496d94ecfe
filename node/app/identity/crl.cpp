#include "node/app/identity/crl.hpp"

#include "ledger/state_keys.hpp"

namespace rl::node::identity {
namespace {

// Bounds the scan of certificate records (and so the CRL's size and the time one request may
// take). A network with more certificates than this needs paged or delta CRLs.
constexpr std::size_t kMaxCertificates = 200'000;

}  // namespace

Result<CrlSnapshot> build_crl(const ledger::Chain& chain, const IssuingCa& ca, std::int64_t now_s,
                              std::int64_t validity_s) {
  CrlSnapshot out;
  // Read the height first: the state scanned after it is at least that new.
  out.height = chain.head().height;
  auto prefix = to_bytes("cert/");
  RL_ASSIGN_OR_RETURN(auto rows, chain.state_scan(prefix, kMaxCertificates + 1));
  if (rows.size() > kMaxCertificates) {
    return make_error("crl_too_large", "more certificate records than one CRL may scan");
  }
  const auto issuer = ca.cert.subject_string();
  std::vector<std::string> serials;
  for (const auto& [key, value] : rows) {
    ledger::pb::CertificateRecord rec;
    if (!rec.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      return make_error("state_corrupt", "certificate record does not decode");
    }
    if (!rec.revoked()) continue;
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
