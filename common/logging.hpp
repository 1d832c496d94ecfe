#pragma once
// Logging goes through spdlog with structured key=value fields, e.g.
//   spdlog::info("block committed height={} txs={} app_hash={}", h, n, hex);

#include <string>
#include <string_view>

namespace rl {

// The level names a config file or --log-level may give. spdlog reads any other name as "off",
// so a typo would silence the node: callers refuse it with valid_log_level first.
inline constexpr std::string_view kLogLevels = "trace, debug, info, warn, error, critical, off";
bool valid_log_level(std::string_view level);

// Configures the default spdlog logger: level from a name ("debug", "info", ...), a pattern with
// an ISO-8601 timestamp, and the component name as the logger name.
void init_logging(const std::string& component, const std::string& level);

}  // namespace rl
