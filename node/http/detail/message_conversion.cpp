#include "node/http/detail/message_conversion.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

#include <spdlog/spdlog.h>
#include <boost/beast/http/field.hpp>

#include "node/http/json_error.hpp"
#include "node/http/query.hpp"

namespace rl::http::detail {
namespace http = boost::beast::http;
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

bool is_token_char(unsigned char c) {
  if (std::isalnum(c)) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool valid_header_name(std::string_view name) {
  return !name.empty() &&
         std::all_of(name.begin(), name.end(), [](unsigned char c) { return is_token_char(c); });
}

bool valid_header_value(std::string_view value) {
  return std::none_of(value.begin(), value.end(),
                      [](unsigned char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

bool server_owned(std::string_view name) {
  return iequals(name, "content-length") || iequals(name, "transfer-encoding") ||
         iequals(name, "connection") || iequals(name, "content-type");
}

}  // namespace

Result<HttpRequest> to_http_request(BeastRequest&& req, const std::string& remote) {
  HttpRequest out;
  std::string_view target(req.target().data(), req.target().size());
  if (target.empty() || target.front() != '/') {
    return api_error(api::ApiError::kBadTarget,
                     "request-target must be an absolute path (origin-form)");
  }
  SplitTarget split = split_target(target);
  RL_ASSIGN_OR_RETURN(out.query, parse_query(split.query));
  out.path = std::string(split.path);
  out.target = std::string(target);
  out.method = std::string(req.method_string());
  for (const auto& field : req) {
    std::string name =
        lower(std::string_view(field.name_string().data(), field.name_string().size()));
    std::string_view value(field.value().data(), field.value().size());
    auto [it, inserted] = out.headers.try_emplace(std::move(name), value);
    if (!inserted) {
      it->second.append(", ");
      it->second.append(value);
    }
  }
  out.body = std::move(req.body());
  out.remote = remote;
  return out;
}

bool to_beast_response(HttpResponse&& in, bool head_request, BeastResponse& out) {
  if (in.status < 200 || in.status > 599) {
    spdlog::error("http handler returned invalid status={}", in.status);
    in = json_error(api::ApiError::kInternalError, "handler produced an invalid status");
  }
  out = BeastResponse{};
  out.version(11);
  out.result(static_cast<unsigned>(in.status));
  bool close_requested = false;
  for (auto& [name, value] : in.headers) {
    if (!valid_header_name(name) || !valid_header_value(value)) {
      spdlog::warn("http dropping invalid response header name_len={}", name.size());
      continue;
    }
    if (iequals(name, "connection")) {
      close_requested = close_requested || lower(value).find("close") != std::string::npos;
      continue;
    }
    if (server_owned(name)) continue;
    out.insert(name, value);
  }
  // 204 and 304 carry no body by definition; sending one would desync the client's framing.
  bool bodyless = in.status == 204 || in.status == 304;
  if (!bodyless) {
    if (!in.content_type.empty() && valid_header_value(in.content_type)) {
      out.set(http::field::content_type, in.content_type);
    }
    out.body() = std::move(in.body);
    out.prepare_payload();
  }
  // HEAD: same headers (including Content-Length) as GET would have, no body bytes.
  if (head_request) out.body().clear();
  return close_requested;
}

}  // namespace rl::http::detail
