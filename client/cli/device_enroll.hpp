#pragma once
// `regledger device enroll DIR --id ID --owner ORG [--as ADMIN]`: personalizes a simulated device
// through a node (POST /v1/devices/enroll) instead of with the network's CA and master key files.

#include <string>

#include "client/cli/context.hpp"

namespace rl::cli {

struct DeviceEnrollArgs {
  std::string dir;
  std::string id;
  std::string owner;
  std::string as;  // admin identity directory; empty: --identity
};

// Exit status: 0 enrolled (committed or pending), 1 on any error (printed).
int run_device_enroll(Globals& g, const DeviceEnrollArgs& a);

}  // namespace rl::cli
