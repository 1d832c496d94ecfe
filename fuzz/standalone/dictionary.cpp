#include "fuzz/standalone/dictionary.hpp"

#include <optional>

namespace rl::fuzz_smoke {
namespace {

std::optional<int> hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return std::nullopt;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// The quoted part of one line, unescaped; nullopt when it is not a well-formed "..." string.
std::optional<Input> parse_token(std::string_view line) {
  const auto open = line.find('"');
  if (open == std::string_view::npos || line.size() < open + 2 || line.back() != '"') {
    return std::nullopt;
  }
  const std::string_view body = line.substr(open + 1, line.size() - open - 2);
  Input out;
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '\\') {
      out.push_back(static_cast<std::uint8_t>(body[i]));
      continue;
    }
    if (++i == body.size()) return std::nullopt;
    if (body[i] == '\\' || body[i] == '"') {
      out.push_back(static_cast<std::uint8_t>(body[i]));
    } else if (body[i] == 'x' && i + 2 < body.size()) {
      const auto hi = hex_digit(body[i + 1]);
      const auto lo = hex_digit(body[i + 2]);
      if (!hi || !lo) return std::nullopt;
      out.push_back(static_cast<std::uint8_t>(*hi * 16 + *lo));
      i += 2;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

}  // namespace

Dictionary parse_dictionary(std::string_view text) {
  Dictionary dict;
  std::size_t line_no = 0;
  while (!text.empty()) {
    const auto end = text.find('\n');
    const std::string_view line = trim(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    auto token = parse_token(line);
    if (!token) {
      dict.error = "line " + std::to_string(line_no) + ": not a \"token\": " + std::string(line);
      return dict;
    }
    dict.tokens.push_back(std::move(*token));
  }
  return dict;
}

}  // namespace rl::fuzz_smoke
