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

}  // namespace rl::node::identity
