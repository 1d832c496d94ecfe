#include "node/http/query.hpp"

#include <charconv>
#include <type_traits>

#include "node/http/json_error.hpp"

namespace rl::http {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

template <typename T>
std::optional<T> parse_decimal(std::string_view text) {
  // from_chars already refuses '+', spaces and "0x", and '-' for an unsigned T; checking the
  // first character keeps that rule here rather than in the library's reading of it.
  if (text.empty()) return std::nullopt;
  const char first = text.front();
  if (!(first >= '0' && first <= '9') && !(std::is_signed_v<T> && first == '-')) {
    return std::nullopt;
  }
  T n{};
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
  return n;
}

// The value of `name`, or nullopt when it is absent or empty (not given).
std::optional<std::string_view> given(const HttpRequest& req, std::string_view name) {
  auto it = req.query.find(std::string(name));
  if (it == req.query.end() || it->second.empty()) return std::nullopt;
  return std::string_view(it->second);
}

std::string range_text(std::uint64_t min, std::uint64_t max) {
  if (max == kU64Max) {
    return min == 0 ? "a non-negative integer" : "an integer from " + std::to_string(min);
  }
  return "an integer " + std::to_string(min) + "-" + std::to_string(max);
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view in, bool plus_as_space) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return std::nullopt;  // truncated escape
      int hi = hex_value(in[i + 1]);
      int lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      char decoded = static_cast<char>(hi * 16 + lo);
      // An embedded NUL is never legitimate in our API and truncates C strings downstream.
      if (decoded == '\0') return std::nullopt;
      out.push_back(decoded);
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<std::map<std::string, std::string>> parse_query(std::string_view query) {
  std::map<std::string, std::string> out;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view piece = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    std::string_view raw_key = piece.substr(0, eq);
    std::string_view raw_value =
        eq == std::string_view::npos ? std::string_view{} : piece.substr(eq + 1);
    auto key = percent_decode(raw_key, true);
    auto value = percent_decode(raw_value, true);
    if (!key || !value) {
      return api_error(api::ApiError::kInvalidQuery,
                       "malformed percent-encoding in query parameter");
    }
    if (key->empty()) {
      return api_error(api::ApiError::kInvalidQuery, "query parameter with empty name");
    }
    auto [it, inserted] = out.emplace(std::move(*key), std::move(*value));
    if (!inserted) {
      return api_error(api::ApiError::kInvalidQuery,
                       "query parameter '" + it->first + "' is repeated");
    }
  }
  return out;
}

std::optional<std::uint64_t> parse_u64(std::string_view text) {
  return parse_decimal<std::uint64_t>(text);
}

std::optional<std::int64_t> parse_i64(std::string_view text) {
  return parse_decimal<std::int64_t>(text);
}

Result<std::optional<std::uint64_t>> optional_u64_param(const HttpRequest& req,
                                                        std::string_view name, std::uint64_t min,
                                                        std::uint64_t max) {
  auto text = given(req, name);
  if (!text) return std::optional<std::uint64_t>();
  auto n = parse_u64(*text);
  if (!n || *n < min || *n > max) {
    return api_error(api::ApiError::kBadQuery,
                     std::string(name) + " must be " + range_text(min, max));
  }
  return n;
}

Result<std::uint64_t> u64_param(const HttpRequest& req, std::string_view name,
                                std::uint64_t fallback, std::uint64_t min, std::uint64_t max) {
  RL_ASSIGN_OR_RETURN(auto n, optional_u64_param(req, name, min, max));
  return n.value_or(fallback);
}

Result<std::uint64_t> limit_param(const HttpRequest& req, std::uint64_t fallback,
                                  std::uint64_t max) {
  return u64_param(req, "limit", fallback, 1, max);
}

Result<std::optional<std::int64_t>> optional_i64_param(const HttpRequest& req,
                                                       std::string_view name) {
  auto text = given(req, name);
  if (!text) return std::optional<std::int64_t>();
  auto n = parse_i64(*text);
  if (!n) return api_error(api::ApiError::kBadQuery, std::string(name) + " must be an integer");
  return n;
}

SplitTarget split_target(std::string_view target) {
  size_t hash = target.find('#');
  if (hash != std::string_view::npos) target = target.substr(0, hash);
  size_t q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q + 1)};
}

}  // namespace rl::http
