#pragma once
// Scraping a node's /metrics listener in tests: a plain HTTP GET on loopback, and reading
// samples out of the Prometheus text format.

#include <map>
#include <optional>
#include <string>

#include "common/result.hpp"

namespace rl::testing {

struct PlainHttpResponse {
  int status = 0;
  std::string body;
};

// GET http://127.0.0.1:PORT/PATH (HTTP/1.0, no TLS). Code: http_failed.
Result<PlainHttpResponse> plain_http_get(int port, const std::string& path, int timeout_ms = 5000);

// The samples of `name` whose labels include `labels`, summed (a single sample when the labels
// name one); nullopt when there is none.
std::optional<double> metric_value(const std::string& text, const std::string& name,
                                   const std::map<std::string, std::string>& labels = {});

}  // namespace rl::testing
