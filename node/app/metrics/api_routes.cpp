#include "node/app/metrics/api_routes.hpp"

#include <array>

namespace rl::node::metrics {
namespace {

// Literal routes come before the templates they would also match (/v1/txs/batch before
// /v1/txs/{id}, /v1/sealed/search before /v1/sealed/{id}).
constexpr std::array<std::string_view, kApiRouteCount> kTemplates = {
    "/healthz",
    "/v1/status",
    "/v1/txs",
    "/v1/txs/batch",
    "/v1/txs/{id}",
    "/v1/receipts/{id}",
    "/v1/blocks/{height}",
    "/v1/headers/{height}",
    "/v1/evidence",
    "/v1/reports",
    "/v1/reports/{id}",
    "/v1/reports/{id}/versions",
    "/v1/reports/{id}/chunks",
    "/v1/reports/{id}/chunks/{n}",
    "/v1/chunks/{id}",
    "/v1/balances/{org}",
    "/v1/events",
    "/v1/templates",
    "/v1/templates/{id}",
    "/v1/third-party/reports",
    "/v1/third-party/reports/{id}",
    "/v1/key-services",
    "/v1/keys/service",
    "/v1/keys/release",
    "/v1/sealed/search",
    "/v1/sealed/{id}",
    "/v1/auth/challenge",
    "/v1/auth/login",
    "/v1/auth/logout",
    "/v1/auth/session",
    "/v1/audit",
    "/v1/crl",
    "/v1/enroll",
    "/v1/enroll/{id}",
    "/v1/enroll/{id}/approve",
    "/v1/devices/enroll",
    "/explorer/",        // the explorer's page (node/explorer/explorer_routes.hpp)
    "/explorer/{file}",  // its scripts and stylesheet; an unknown name is counted here too
    "/metrics",  // not served on the API port; counted so that a misdirected scraper shows up
    "other",
};
// A list shorter than kApiRouteCount would leave empty entries at the end.
static_assert(kTemplates.back() == "other");

// The next '/'-separated segment of `s` (after a leading '/'), advancing `s` past it.
bool next_segment(std::string_view& s, std::string_view& seg) {
  if (s.empty() || s.front() != '/') return false;
  s.remove_prefix(1);
  const auto slash = s.find('/');
  seg = s.substr(0, slash);
  s = slash == std::string_view::npos ? std::string_view() : s.substr(slash);
  return true;
}

bool matches(std::string_view tmpl, std::string_view path) {
  std::string_view t, p;
  while (true) {
    const bool more_t = next_segment(tmpl, t);
    const bool more_p = next_segment(path, p);
    if (!more_t || !more_p) return more_t == more_p && path.empty();
    if (t.starts_with('{')) {
      if (p.empty()) return false;  // a placeholder is one non-empty segment
    } else if (t != p) {
      return false;
    }
  }
}

}  // namespace

std::span<const std::string_view> api_route_templates() {
  return kTemplates;
}

std::size_t api_route_index(std::string_view path) {
  for (std::size_t i = 0; i + 1 < kTemplates.size(); ++i) {
    if (matches(kTemplates[i], path)) return i;
  }
  return kTemplates.size() - 1;
}

}  // namespace rl::node::metrics
