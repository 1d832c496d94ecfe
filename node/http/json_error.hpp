#pragma once
// The API's error shape: {"error":{"code":"...","message":"..."}} (docs/api/openapi.yaml).

#include <string_view>

#include "api/http_types.hpp"
#include "common/result.hpp"

namespace rl::http {

HttpResponse json_error(int status, std::string_view code, std::string_view message);
inline HttpResponse json_error(int status, const Error& error) {
  return json_error(status, error.code, error.message);
}

}  // namespace rl::http
