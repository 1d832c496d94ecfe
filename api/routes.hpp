#pragma once
// Every route of the client API: its methods and its path template, in one table (decision
// 0076). The node dispatches requests with it, labels its request metrics with its templates,
// and the client builds its request paths from it, so that a route cannot be renamed on one
// side only. docs/api/openapi.yaml documents exactly these paths (tests/app/routes_test.cpp).
//
// Adding a route: one enumerator and one table line, at the same place in both.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace rl::api {

// In the table's order (checked below at compile time).
enum class Route : std::uint8_t {
  kHealthz,
  kStatus,
  kTxs,
  kTxsBatch,
  kTx,
  kReceipt,
  kBlock,
  kHeader,
  kEvidence,
  kReports,
  kReport,
  kReportVersions,
  kReportChunks,
  kReportChunk,
  kChunk,
  kBalance,
  kEvents,
  kTemplates,
  kTemplate,
  kThirdPartyReports,
  kThirdPartyReport,
  kKeyServices,
  kKeysService,
  kKeysRelease,
  kSealedSearch,
  kSealed,
  kAuthChallenge,
  kAuthLogin,
  kAuthLogout,
  kAuthSession,
  kAudit,
  kCrl,
  kEnroll,
  kEnrollment,
  kEnrollmentApprove,
  kDevicesEnroll,
  kExplorerRoot,
  kExplorerIndex,
  kExplorerFile,
  kCount,  // not a route: the number of routes, so that a missing table line fails to compile
};

struct RouteInfo {
  Route route;
  // The methods it answers, as an Allow header lists them ("GET", "GET, HEAD").
  std::string_view methods;
  // "{name}" is a placeholder for exactly one non-empty segment; everything else is literal.
  std::string_view path;
};

// The most placeholders any template has (/v1/reports/{id}/chunks/{n}).
inline constexpr std::size_t kMaxPlaceholders = 2;

namespace detail {
// The matching order: the first template that matches a path is its route, so a literal path
// comes before a template that would also match it (/v1/txs/batch before /v1/txs/{id},
// /v1/sealed/search before /v1/sealed/{id}); tests/app/routes_test.cpp checks that no route is
// hidden behind an earlier one.
// clang-format off: one line per route, so that adding one is one line
inline constexpr std::array kRoutes = std::to_array<RouteInfo>({
    {Route::kHealthz, "GET", "/healthz"},
    {Route::kStatus, "GET", "/v1/status"},
    {Route::kTxs, "POST", "/v1/txs"},
    {Route::kTxsBatch, "POST", "/v1/txs/batch"},
    {Route::kTx, "GET", "/v1/txs/{id}"},
    {Route::kReceipt, "GET", "/v1/receipts/{id}"},
    {Route::kBlock, "GET", "/v1/blocks/{height}"},
    {Route::kHeader, "GET", "/v1/headers/{height}"},
    {Route::kEvidence, "GET", "/v1/evidence"},
    {Route::kReports, "GET", "/v1/reports"},
    {Route::kReport, "GET", "/v1/reports/{id}"},
    {Route::kReportVersions, "GET", "/v1/reports/{id}/versions"},
    {Route::kReportChunks, "GET", "/v1/reports/{id}/chunks"},
    {Route::kReportChunk, "GET", "/v1/reports/{id}/chunks/{n}"},
    {Route::kChunk, "GET", "/v1/chunks/{id}"},
    {Route::kBalance, "GET", "/v1/balances/{org}"},
    {Route::kEvents, "GET", "/v1/events"},
    {Route::kTemplates, "GET", "/v1/templates"},
    {Route::kTemplate, "GET", "/v1/templates/{id}"},
    {Route::kThirdPartyReports, "GET", "/v1/third-party/reports"},
    {Route::kThirdPartyReport, "GET", "/v1/third-party/reports/{id}"},
    {Route::kKeyServices, "GET", "/v1/key-services"},
    {Route::kKeysService, "GET", "/v1/keys/service"},
    {Route::kKeysRelease, "POST", "/v1/keys/release"},
    {Route::kSealedSearch, "POST", "/v1/sealed/search"},
    {Route::kSealed, "GET", "/v1/sealed/{id}"},
    {Route::kAuthChallenge, "POST", "/v1/auth/challenge"},
    {Route::kAuthLogin, "POST", "/v1/auth/login"},
    {Route::kAuthLogout, "POST", "/v1/auth/logout"},
    {Route::kAuthSession, "GET", "/v1/auth/session"},
    {Route::kAudit, "GET", "/v1/audit"},
    {Route::kCrl, "GET", "/v1/crl"},
    {Route::kEnroll, "POST", "/v1/enroll"},
    {Route::kEnrollment, "GET", "/v1/enroll/{id}"},
    {Route::kEnrollmentApprove, "POST", "/v1/enroll/{id}/approve"},
    {Route::kDevicesEnroll, "POST", "/v1/devices/enroll"},
    {Route::kExplorerRoot, "GET, HEAD", "/explorer"},
    {Route::kExplorerIndex, "GET, HEAD", "/explorer/"},
    {Route::kExplorerFile, "GET, HEAD", "/explorer/{file}"},
});
// clang-format on

constexpr std::size_t placeholders_in(std::string_view path) {
  std::size_t n = 0;
  for (char c : path) n += c == '{' ? 1 : 0;
  return n;
}

constexpr bool route_table_matches_enum() {
  if (kRoutes.size() != static_cast<std::size_t>(Route::kCount)) return false;
  for (std::size_t i = 0; i < kRoutes.size(); ++i) {
    if (kRoutes[i].route != static_cast<Route>(i)) return false;
    if (placeholders_in(kRoutes[i].path) > kMaxPlaceholders) return false;
  }
  return true;
}
static_assert(route_table_matches_enum(),
              "api::Route and kRoutes must list the same routes in the same order");

std::string fill(Route route, std::span<const std::string_view> segments);

}  // namespace detail

inline constexpr std::size_t kRouteCount = detail::kRoutes.size();

// The table, in matching order.
inline constexpr std::span<const RouteInfo> routes() {
  return detail::kRoutes;
}

constexpr const RouteInfo& route_info(Route r) {
  return detail::kRoutes[static_cast<std::size_t>(r)];
}

constexpr std::string_view route_template(Route r) {
  return route_info(r).path;
}

constexpr std::size_t placeholder_count(Route r) {
  return detail::placeholders_in(route_template(r));
}

struct RouteMatch {
  Route route;
  // The segments that stand for the template's placeholders, in order, exactly as sent (the
  // server does not percent-decode paths: an id is only ever made of unreserved characters).
  std::array<std::string_view, kMaxPlaceholders> params{};
};

// The first route whose template matches `path` (no query string); nullopt when none does.
std::optional<RouteMatch> match_route(std::string_view path);

// Whether `route` answers `method` (as sent: methods are case-sensitive).
bool route_allows(Route route, std::string_view method);

// RFC 3986 percent-encoding of everything but the unreserved characters: a value put into a
// path segment or a query can neither end it ('/', '?', '#', '&') nor change its meaning.
std::string percent_encode(std::string_view value);

// The path of `R` with its placeholders filled, in order, by `segments` (percent-encoded), e.g.
// route_path<Route::kReportVersions>(id) is "/v1/reports/<id>/versions". The number of
// segments is checked at compile time.
template <Route R, typename... Segments>
std::string route_path(const Segments&... segments) {
  static_assert(sizeof...(Segments) == placeholder_count(R),
                "one segment for each placeholder of the route's template");
  const std::array<std::string_view, sizeof...(Segments)> list{std::string_view(segments)...};
  return detail::fill(R, list);
}

}  // namespace rl::api
