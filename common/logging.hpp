#pragma once
// Logging goes through spdlog with structured key=value fields, e.g.
//   spdlog::info("block committed height={} txs={} app_hash={}", h, n, hex);

#include <string>

namespace rl {

// Configures the default spdlog logger: level from a name ("debug", "info", ...), a pattern with
// an ISO-8601 timestamp, and the component name as the logger name.
void init_logging(const std::string& component, const std::string& level);

}  // namespace rl
