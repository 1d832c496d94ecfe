#pragma once
// Who is behind an authenticated request, as the committed ledger says now.

#include <string>

#include "common/bytes.hpp"
#include "ledger/permission.hpp"

namespace rl::node::identity {

struct Principal {
  std::string account;
  std::string org;
  std::string org_kind;  // institution | regulator | auditor
  std::string role;      // admin | reporter | auditor
  std::string permission_code;
  ledger::Permission permission;
  Bytes cert_id;
};

// Who may act for organization `org` in the node's own services (approving an enrollment,
// enrolling a device): an admin of that organization, or a regulator admin. The same rule the
// ledger applies to RegisterDevice; checked here because the node's operator, a regulator admin,
// is the transaction's signer and the ledger cannot see the caller.
inline bool may_administer(const Principal& p, const std::string& org) {
  return p.role == "admin" && (p.org == org || p.org_kind == "regulator");
}

}  // namespace rl::node::identity
