#pragma once
// Plain HTTP message types shared by the HTTPS server (node/http) and the HTTPS client
// (client/http). No Beast or Asio types here, so handlers and callers stay transport-agnostic.

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace rl::http {

struct HttpRequest {
  std::string method;  // as sent, e.g. "GET"
  std::string target;  // raw request-target, e.g. "/v1/tx?id=ab%20c"
  std::string path;    // target without the query, NOT percent-decoded (see percent_decode)
  std::map<std::string, std::string> query;    // percent-decoded, '+' decoded as space
  std::map<std::string, std::string> headers;  // lower-cased names; repeats joined with ", "
  std::string body;
  std::string remote;  // peer "ip:port"
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Extra headers. The server sets Content-Type, Content-Length and Connection itself. On the
  // client side this holds every response header, names lower-cased.
  std::vector<std::pair<std::string, std::string>> headers;
};

}  // namespace rl::http
