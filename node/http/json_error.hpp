#pragma once
// The API's error shape: {"error":{"code":"...","message":"..."}} (docs/api/openapi.yaml). The
// status always comes from the one table of codes (api/error_codes.hpp), never from the caller,
// so that no route can answer a code with a status of its own.

#include <string>
#include <string_view>
#include <utility>

#include "api/error_codes.hpp"
#include "api/http_types.hpp"
#include "api/routes.hpp"
#include "common/result.hpp"

namespace rl::http {

// An error the node's own code names: the table's status.
HttpResponse json_error(api::ApiError code, std::string_view message);

// An error that came up from a lower layer (ledger, identity services) as a code string: the
// table's status for it; a code the table does not list is answered 400 with its own code kept
// on the wire (api::http_status_for).
HttpResponse json_error(const Error& error);

// method_not_allowed (405) for a route asked with a method the route table does not list for it,
// with the Allow header that a 405 must carry (RFC 9110), from the same table.
HttpResponse method_not_allowed(api::Route route);

// The Error of an API code, for functions that return Result<T> to a route handler.
inline Error api_error(api::ApiError code, std::string message) {
  return make_error(std::string(api::to_string(code)), std::move(message));
}

}  // namespace rl::http
