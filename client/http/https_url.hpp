#pragma once
// Parsing of node base URLs such as "https://127.0.0.1:8443" given on the command line or in
// client configuration.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace rl::http {

struct HttpsUrl {
  std::string host;  // lower-cased; IPv6 literals without brackets
  uint16_t port = 443;

  // "host:port", with brackets around an IPv6 literal (the form of a Host header).
  std::string authority() const;
};

// Accepts "https://HOST[:PORT][/]" where HOST is a DNS name, an IPv4 address or a bracketed IPv6
// address. Rejects (code "invalid_url") other schemes, user info, paths, queries, fragments,
// empty or out-of-range ports.
Result<HttpsUrl> parse_https_url(std::string_view url);

}  // namespace rl::http
