#pragma once
// GET /explorer/...: the web explorer's static files (docs/explorer.md). The pages read the
// chain only through the public JSON API, with the viewer's own session, so serving them needs
// no session and shows nothing by itself.
//
//   /explorer           -> 301 to /explorer/
//   /explorer/          -> index.html
//   /explorer/<name>    -> the embedded file <name>; any other name 404s
//
// Every answer carries a strict Content-Security-Policy (scripts only from this origin, no
// inline script, fetches only to this origin) and X-Content-Type-Options: nosniff.

#include <span>
#include <string_view>

#include "api/http_types.hpp"
#include "node/explorer/explorer_assets.hpp"

namespace rl::node::explorer {

// True for /explorer and everything under /explorer/.
bool is_route(std::string_view path);

// Answers a request whose path is_route(). `assets` defaults to the embedded files; tests pass
// their own.
http::HttpResponse serve(const http::HttpRequest& req);
http::HttpResponse serve(const http::HttpRequest& req, std::span<const Asset> assets);

// The Content-Type of a file by its extension; "" for an extension the explorer does not use.
std::string_view content_type_for(std::string_view name);

// The policy sent with every explorer answer.
inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

}  // namespace rl::node::explorer
