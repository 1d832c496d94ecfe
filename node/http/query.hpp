#pragma once
// Request-target helpers: split path and query, percent-decoding. Pure functions, no I/O.

#include <map>
#include <optional>
#include <string>
#include <string_view>

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

}  // namespace rl::http
