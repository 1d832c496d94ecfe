#include "node/http/json_error.hpp"

#include <nlohmann/json.hpp>

namespace rl::http {

HttpResponse json_error(int status, std::string_view code, std::string_view message) {
  nlohmann::json j = {{"error", {{"code", code}, {"message", message}}}};
  HttpResponse res;
  res.status = status;
  // `replace` keeps a handler that echoes hostile bytes from producing invalid JSON (or throwing).
  res.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return res;
}

}  // namespace rl::http
