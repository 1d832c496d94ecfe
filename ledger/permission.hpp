#pragma once
// Permission codes "RRLL": RR = 00 input only, 11 output only, 01 input and output;
// LL = level 00-99. The mapping table turns a level into the highest data level it may read
// (and the level a submission from that level is labelled with).

#include <array>
#include <cstdint>
#include <string_view>

#include "common/result.hpp"

namespace rl::ledger {

struct Permission {
  bool input = false;
  bool output = false;
  std::uint32_t level = 0;
};

inline Result<Permission> parse_permission_code(std::string_view code) {
  if (code.size() != 4) return make_error("bad_permission_code", "permission code is 4 digits");
  for (char c : code) {
    if (c < '0' || c > '9') return make_error("bad_permission_code", "permission code is digits");
  }
  Permission p;
  auto rr = code.substr(0, 2);
  if (rr == "00") {
    p.input = true;
  } else if (rr == "11") {
    p.output = true;
  } else if (rr == "01") {
    p.input = p.output = true;
  } else {
    return make_error("bad_permission_code", "RR must be 00 (input), 11 (output) or 01 (both)");
  }
  p.level = static_cast<std::uint32_t>((code[2] - '0') * 10 + (code[3] - '0'));
  return p;
}

using PermissionMapping = std::array<std::uint32_t, 100>;

// Organizations of these kinds supervise: their accounts read every organization's data
// (within their output permission and clearance). An institution reads its own organization's
// data and what governance granted it (GrantRead); docs/identity.md "Who reads whose data".
inline bool is_supervisor_kind(std::string_view org_kind) {
  return org_kind == "regulator" || org_kind == "auditor";
}

// Organizations of this kind read nothing through the ordinary data routes and hold no
// GrantRead: they see masked payloads through third-party grants only (decision 0060).
inline bool is_third_party_kind(std::string_view org_kind) {
  return org_kind == "third_party";
}

}  // namespace rl::ledger
