#pragma once
// Read-only access to the identity records of the committed world state (accounts,
// organizations, certificates, the permission mapping), decoded. Every login and every
// authenticated read consults these as committed, so a suspension or a revocation takes effect
// at the next request after the block that carries it.

#include <optional>
#include <string_view>

#include "ledger/chain.hpp"
#include "ledger/permission.hpp"

namespace rl::node::identity {

class LedgerView {
 public:
  explicit LedgerView(const ledger::Chain& chain) : chain_(chain) {}

  Result<std::optional<ledger::pb::AccountRecord>> account(std::string_view id) const;
  Result<std::optional<ledger::pb::OrganizationRecord>> organization(std::string_view id) const;
  Result<std::optional<ledger::pb::CertificateRecord>> certificate(ByteView cert_id) const;
  // level -> highest data level it may read. Code: state_corrupt.
  Result<ledger::PermissionMapping> mapping() const;
  Result<std::optional<ledger::pb::ReportRecord>> report(const std::string& id) const {
    return chain_.report(id);
  }

  const ledger::TrustAnchor& anchor() const { return chain_.anchor(); }
  const ledger::Chain& chain() const { return chain_; }

 private:
  const ledger::Chain& chain_;
};

}  // namespace rl::node::identity
