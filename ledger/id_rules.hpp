#pragma once
// The shape of ledger ids (organizations, accounts, templates, devices, ...). Public so that a
// node checking a request before it builds a transaction (e.g. POST /v1/devices/enroll) applies
// exactly the rule the executor will: one rule, one place.

#include <string_view>

#include "common/result.hpp"
#include "ledger/limits.hpp"

namespace rl::ledger {

// 1..max of [A-Za-z0-9._-].
inline bool valid_id(std::string_view id, std::size_t max = limits::kMaxIdBytes) {
  if (id.empty() || id.size() > max) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// A report id: the lowercase hex of its submission's tx id (a 32-byte suite hash).
inline bool valid_report_id(std::string_view id) {
  if (id.size() != 64) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// A device id (RegisterDevice, LoadDevice, SettleVouchers and the node's device enrollment).
// Code bad_field.
inline Status check_device_id(std::string_view device_id) {
  if (!valid_id(device_id)) {
    return make_error("bad_field", "device_id must be 1-64 of [A-Za-z0-9._-]");
  }
  return {};
}

}  // namespace rl::ledger
