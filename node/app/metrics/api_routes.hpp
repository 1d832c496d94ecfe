#pragma once
// The client API's routes as templates (docs/api/openapi.yaml), for metric labels: a raw path
// carries ids, heights and organizations, so labelling by it would give every report its own
// time series. Every path maps to one of a fixed list, "other" when it matches none.

#include <cstddef>
#include <span>
#include <string_view>

namespace rl::node::metrics {

inline constexpr std::size_t kApiRouteCount = 40;

// The templates, in matching order ("other" last).
std::span<const std::string_view> api_route_templates();
// Index into api_route_templates() of the template `path` (no query string) matches.
std::size_t api_route_index(std::string_view path);
inline std::string_view api_route_template(std::string_view path) {
  return api_route_templates()[api_route_index(path)];
}

}  // namespace rl::node::metrics
