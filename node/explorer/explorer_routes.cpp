#include "node/explorer/explorer_routes.hpp"

#include <string>

#include "api/error_codes.hpp"
#include "api/routes.hpp"
#include "node/http/json_error.hpp"

namespace rl::node::explorer {
namespace {

using api::ApiError;

// The paths of the route table (api/routes.hpp): /explorer redirects to /explorer/, and every
// name under /explorer/ is the explorer's to answer.
constexpr std::string_view kRoot = api::route_template(api::Route::kExplorerRoot);
constexpr std::string_view kPrefix = api::route_template(api::Route::kExplorerIndex);

// Headers for every explorer answer, errors included: a 404 page is still a page of this origin.
void add_security_headers(http::HttpResponse& r) {
  r.headers.emplace_back("content-security-policy", std::string(kContentSecurityPolicy));
  r.headers.emplace_back("x-content-type-options", "nosniff");
  r.headers.emplace_back("x-frame-options", "DENY");
  r.headers.emplace_back("referrer-policy", "no-referrer");
  // The files change only with the node's binary; revalidating each load costs one small
  // request and never leaves a browser on an old app.js after an upgrade.
  r.headers.emplace_back("cache-control", "no-cache");
}

http::HttpResponse finish(http::HttpResponse r) {
  add_security_headers(r);
  return r;
}

}  // namespace

bool is_route(std::string_view path) {
  return path == kRoot || path.starts_with(kPrefix);
}

std::string_view content_type_for(std::string_view name) {
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos) return {};
  const auto ext = name.substr(dot + 1);
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "js") return "text/javascript; charset=utf-8";
  return {};
}

http::HttpResponse serve(const http::HttpRequest& req) {
  return serve(req, embedded_assets());
}

http::HttpResponse serve(const http::HttpRequest& req, std::span<const Asset> assets) {
  // Every explorer route answers the same methods; an unknown name is checked as a file's.
  if (!api::route_allows(api::Route::kExplorerFile, req.method)) {
    return finish(http::method_not_allowed(api::Route::kExplorerFile));
  }
  std::string_view path = req.path;
  if (path == kRoot) {
    // Relative links in index.html resolve against /explorer/, not /.
    http::HttpResponse r{301, "text/plain; charset=utf-8", "moved to /explorer/\n", {}};
    r.headers.emplace_back("location", std::string(kPrefix));
    return finish(std::move(r));
  }
  std::string_view name = path.substr(kPrefix.size());
  if (name.empty()) name = "index.html";
  // Only the exact names of embedded files: no directories, no percent-decoding, so "..",
  // "%2e%2e" or "a/b" can never name anything but a 404.
  for (const auto& asset : assets) {
    if (asset.name != name) continue;
    const auto type = content_type_for(name);
    if (type.empty()) break;
    http::HttpResponse r;
    r.content_type = std::string(type);
    r.body.assign(reinterpret_cast<const char*>(asset.bytes.data()), asset.bytes.size());
    return finish(std::move(r));
  }
  return finish(http::json_error(ApiError::kNotFound, "the explorer has no file " + req.path));
}

}  // namespace rl::node::explorer
