#include "node/http/json_error.hpp"

#include <nlohmann/json.hpp>

namespace rl::http {
namespace {

HttpResponse error_body(int status, std::string_view code, std::string_view message) {
  nlohmann::json j = {{"error", {{"code", code}, {"message", message}}}};
  HttpResponse res;
  res.status = status;
  // `replace` keeps a handler that echoes hostile bytes from producing invalid JSON (or throwing).
  res.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return res;
}

}  // namespace

HttpResponse json_error(api::ApiError code, std::string_view message) {
  return error_body(api::http_status(code), api::to_string(code), message);
}

HttpResponse json_error(const Error& error) {
  return error_body(api::http_status_for(error.code), error.code, error.message);
}

HttpResponse method_not_allowed(api::Route route) {
  const auto methods = api::route_info(route).methods;
  std::string message = "use ";
  message += methods;
  auto res = json_error(api::ApiError::kMethodNotAllowed, message);
  res.headers.emplace_back("allow", std::string(methods));
  return res;
}

}  // namespace rl::http
