#pragma once
// Request-target helpers: split path and query, percent-decoding, and the one reading of a
// numeric query parameter that every route uses. Pure functions, no I/O.

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "api/http_types.hpp"
#include "common/result.hpp"

namespace rl::http {

// Decodes %XX escapes (and '+' as space when `plus_as_space`, the form-encoding rule used in
// query strings). Returns nullopt for a truncated or non-hex escape or an encoded NUL byte.
std::optional<std::string> percent_decode(std::string_view in, bool plus_as_space = false);

// Parses "a=1&b=x%20y" into {a:1, b:"x y"}. A key without '=' maps to "". Empty pieces ("a=1&&b")
// are skipped. Errors (code "invalid_query"): bad escape, empty key, or a repeated key — the
// map cannot represent repeats and silently picking one invites confusion.
Result<std::map<std::string, std::string>> parse_query(std::string_view query);

struct SplitTarget {
  std::string_view path;
  std::string_view query;  // without the '?'; empty if absent
};
// Splits an origin-form request-target at the first '?' (any "#fragment" is dropped).
SplitTarget split_target(std::string_view target);

// A decimal number as the API accepts one anywhere (query, path segment, header): ASCII digits
// only, so no sign, space or base prefix, and no value past the type's range. nullopt otherwise,
// and for the empty string. parse_i64 also takes one leading '-' (never '+').
std::optional<std::uint64_t> parse_u64(std::string_view text);
std::optional<std::int64_t> parse_i64(std::string_view text);

// Numeric query parameters, one rule for every route. A parameter that is absent or present
// with an empty value ("?limit=") is not given: the route's default applies, as it does for the
// routes' string filters. Anything else that is not a number in range is bad_query, with a
// message naming the parameter and its range. Repeated parameters never get here: parse_query
// refuses them (invalid_query).
inline constexpr std::uint64_t kU64Max = std::numeric_limits<std::uint64_t>::max();

// `name` in [min, max]; nullopt when not given.
Result<std::optional<std::uint64_t>> optional_u64_param(const HttpRequest& req,
                                                        std::string_view name,
                                                        std::uint64_t min = 0,
                                                        std::uint64_t max = kU64Max);
// `name` in [min, max]; `fallback` when not given (fallback need not be in range, e.g. a default
// that means "from the start").
Result<std::uint64_t> u64_param(const HttpRequest& req, std::string_view name,
                                std::uint64_t fallback, std::uint64_t min = 0,
                                std::uint64_t max = kU64Max);
// `limit`, a page size: 1..max, `fallback` when not given.
Result<std::uint64_t> limit_param(const HttpRequest& req, std::uint64_t fallback,
                                  std::uint64_t max);
// A signed `name` (e.g. a time in unix ms, which may be before 1970); nullopt when not given.
Result<std::optional<std::int64_t>> optional_i64_param(const HttpRequest& req,
                                                       std::string_view name);

}  // namespace rl::http
