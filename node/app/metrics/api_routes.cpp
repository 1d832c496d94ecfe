#include "node/app/metrics/api_routes.hpp"

#include <array>

namespace rl::node::metrics {
namespace {

// Not served on the API port: counted so that a scraper pointed at the wrong port shows up.
constexpr std::size_t kMetricsLabel = api::kRouteCount;
constexpr std::size_t kOtherLabel = api::kRouteCount + 1;

constexpr std::array<std::string_view, kApiRouteCount> kLabels = [] {
  std::array<std::string_view, kApiRouteCount> out{};
  for (std::size_t i = 0; i < api::kRouteCount; ++i) out[i] = api::routes()[i].path;
  out[kMetricsLabel] = "/metrics";
  out[kOtherLabel] = "other";
  return out;
}();

}  // namespace

std::span<const std::string_view> api_route_templates() {
  return kLabels;
}

std::size_t api_route_index(std::string_view path) {
  if (const auto m = api::match_route(path)) return static_cast<std::size_t>(m->route);
  return path == kLabels[kMetricsLabel] ? kMetricsLabel : kOtherLabel;
}

}  // namespace rl::node::metrics
