#include "api/routes.hpp"

#include <stdexcept>

namespace rl::api {
namespace {

// The next '/'-separated segment of `s` (after its leading '/'), advancing `s` past it.
bool next_segment(std::string_view& s, std::string_view& seg) {
  if (s.empty() || s.front() != '/') return false;
  s.remove_prefix(1);
  const auto slash = s.find('/');
  seg = s.substr(0, slash);
  s = slash == std::string_view::npos ? std::string_view() : s.substr(slash);
  return true;
}

bool is_placeholder(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

std::optional<RouteMatch> match(const RouteInfo& info, std::string_view path) {
  RouteMatch m{info.route, {}};
  std::size_t filled = 0;
  std::string_view tmpl = info.path, t, p;
  while (true) {
    const bool more_t = next_segment(tmpl, t);
    const bool more_p = next_segment(path, p);
    if (!more_t || !more_p) {
      if (more_t == more_p && path.empty()) return m;
      return std::nullopt;
    }
    if (is_placeholder(t)) {
      if (p.empty()) return std::nullopt;  // a placeholder is one non-empty segment
      m.params[filled++] = p;
    } else if (t != p) {
      return std::nullopt;
    }
  }
}

bool unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

}  // namespace

std::optional<RouteMatch> match_route(std::string_view path) {
  for (const auto& info : routes()) {
    if (auto m = match(info, path)) return m;
  }
  return std::nullopt;
}

bool route_allows(Route route, std::string_view method) {
  std::string_view rest = route_info(route).methods;
  while (!rest.empty()) {
    const auto comma = rest.find(", ");
    if (rest.substr(0, comma) == method) return true;
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 2);
  }
  return false;
}

std::string percent_encode(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (unreserved(c)) {
      out += c;
    } else {
      const auto b = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[b >> 4];
      out += kHex[b & 0x0F];
    }
  }
  return out;
}

namespace detail {

std::string fill(Route route, std::span<const std::string_view> segments) {
  std::string out;
  std::string_view tmpl = route_template(route), t;
  std::size_t used = 0;
  while (next_segment(tmpl, t)) {
    out += '/';
    if (!is_placeholder(t)) {
      out += t;
      continue;
    }
    // route_path checks the count at compile time; this guards a direct call.
    if (used == segments.size()) throw std::logic_error("api::fill: too few segments");
    out += percent_encode(segments[used++]);
  }
  if (used != segments.size()) throw std::logic_error("api::fill: too many segments");
  return out;
}

}  // namespace detail
}  // namespace rl::api
