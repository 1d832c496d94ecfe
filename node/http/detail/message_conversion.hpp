#pragma once
// Beast <-> plain message conversion, with the validation the server applies on the way.

#include <string>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "api/http_types.hpp"
#include "common/result.hpp"

namespace rl::http::detail {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;
using BeastResponse = boost::beast::http::response<boost::beast::http::string_body>;

// Errors: "bad_target" (not origin-form), "invalid_query".
Result<HttpRequest> to_http_request(BeastRequest&& req, const std::string& remote);

// Fills `out` from a handler's response. Invalid statuses become 500; headers the server owns
// (Content-Length, Transfer-Encoding, Connection) or with bytes that could split the response
// are dropped with a warning. Returns true when the handler asked to close the connection.
bool to_beast_response(HttpResponse&& in, bool head_request, BeastResponse& out);

}  // namespace rl::http::detail
