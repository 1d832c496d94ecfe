#pragma once
// The label of a request in the API's metrics: its route's template from the one route table
// (api/routes.hpp), since a raw path carries ids, heights and organizations and labelling by it
// would give every report its own time series. Every path maps to one of a fixed list: the
// table's templates, "/metrics", or "other" when it matches none.

#include <cstddef>
#include <span>
#include <string_view>

#include "api/routes.hpp"

namespace rl::node::metrics {

// The table's routes, then "/metrics", then "other".
inline constexpr std::size_t kApiRouteCount = api::kRouteCount + 2;

// The labels, in that order.
std::span<const std::string_view> api_route_templates();
// Index into api_route_templates() of the label of `path` (no query string).
std::size_t api_route_index(std::string_view path);
inline std::string_view api_route_template(std::string_view path) {
  return api_route_templates()[api_route_index(path)];
}

}  // namespace rl::node::metrics
