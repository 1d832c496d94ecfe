#include "api/query_string.hpp"

#include "api/routes.hpp"

namespace rl::api {

QueryString& QueryString::add(std::string_view key, std::string_view value) {
  if (!encoded_.empty()) encoded_ += '&';
  encoded_ += percent_encode(key);
  encoded_ += '=';
  encoded_ += percent_encode(value);
  return *this;
}

QueryString& QueryString::add_if_set(std::string_view key, std::string_view value) {
  return value.empty() ? *this : add(key, value);
}

std::string QueryString::str() const {
  return encoded_.empty() ? std::string() : "?" + encoded_;
}

}  // namespace rl::api
