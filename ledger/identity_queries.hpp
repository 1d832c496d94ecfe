#pragma once
// Read side of the identity and governance state, over committed state: an account's
// certificates (for the node's certificate listing and login), the revoked set a CRL is built
// from, and proposals.

#include <optional>
#include <string_view>
#include <vector>

#include "ledger/store.hpp"
#include "ledger/tx.hpp"

namespace rl::ledger {

// Every certificate ever bound to `account`, revoked ones included, ordered by cert id.
Result<std::vector<pb::CertificateRecord>> account_certificates(const Store& store,
                                                                std::string_view account,
                                                                std::size_t limit);
// Every revoked certificate, ordered by cert id (the issuer's CRL filters by issuer).
Result<std::vector<pb::CertificateRecord>> revoked_certificates(const Store& store,
                                                                std::size_t limit);
Result<std::optional<pb::ProposalRecord>> find_proposal(const Store& store, std::string_view id);

}  // namespace rl::ledger
