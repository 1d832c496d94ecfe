#pragma once
// The node's CRL: the certificates the ledger records as revoked, signed by the issuing CA
// configured on this node (identity.ca_cert / identity.ca_key). The ledger is the source of
// truth; the CRL is a standard view of it for relying parties that speak X.509
// (`openssl verify -crl_check`).

#include <cstddef>
#include <cstdint>
#include <string>

#include "crypto/x509.hpp"
#include "ledger/chain.hpp"

namespace rl::node::identity {

struct IssuingCa {
  crypto::Certificate cert;
  crypto::PrivateKey key;
};

struct CrlSnapshot {
  std::string pem;
  std::uint64_t height = 0;  // the committed height whose state it lists (at least)
  std::size_t revoked = 0;
};

// Bounds the scan of revoked certificate records (and so the CRL's size and the time one request
// may take). A network with more revocations than this needs paged or delta CRLs.
inline constexpr std::size_t kMaxCrlRevoked = 200'000;

// Lists every revoked certificate record issued by `ca` (issuer name match). nextUpdate is
// `validity_s` after `now_s`. Codes: storage errors, state_corrupt, crl_too_large (more than
// `max_revoked` records: a limit of the node, answered 500, not of the request).
Result<CrlSnapshot> build_crl(const ledger::Chain& chain, const IssuingCa& ca, std::int64_t now_s,
                              std::int64_t validity_s = 3600,
                              std::size_t max_revoked = kMaxCrlRevoked);

}  // namespace rl::node::identity
