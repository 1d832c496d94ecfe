#pragma once
// Internals shared by the offline device payloads (exec_devices.cpp, exec_settle.cpp).

#include <string>

#include "ledger/exec_internal.hpp"
#include "offline/settlement_check.hpp"

namespace rl::ledger::exec {

inline constexpr std::string_view kDeviceActive = "ACTIVE";
inline constexpr std::string_view kDeviceRevoked = "REVOKED";

// Code offline_disabled when genesis has no "offline" section.
Status require_offline(const ExecEnv& env);

// The network's trust for device certificates: the genesis roots. The ledger's own device
// status (dev/<id>), not a CRL, is what revokes a device here.
offline::TrustAnchors device_trust(const ExecEnv& env);

// The device's record. Code unknown_device when absent.
Result<pb::DeviceRecord> load_device(const StateOverlay& state, const std::string& device_id);

}  // namespace rl::ledger::exec
