#include "client/lib/strict_json.hpp"

#include <algorithm>
#include <vector>

namespace rl::client::strict_json {

using nlohmann::json;

namespace {

// Deepest nesting of arrays and objects, outside strings; stops counting past `limit`.
std::size_t nesting_depth(std::string_view text, std::size_t limit) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
      if (deepest > limit) return deepest;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

bool is_lower_hex(std::string_view s, std::size_t len) {
  return s.size() == len && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Result<json> parse_strict_json(std::string_view text, std::size_t max_depth,
                               const std::string& code) {
  // Depth first: nlohmann recurses, so a deep text is refused before it is parsed.
  if (nesting_depth(text, max_depth) > max_depth) {
    return make_error(code, "nested deeper than " + std::to_string(max_depth) + " levels");
  }
  // Duplicate keys: nlohmann keeps the last silently, so they are caught while parsing.
  std::vector<std::set<std::string>> open_objects;
  std::string duplicate;
  json j = json::parse(
      text,
      [&](int, json::parse_event_t ev, json& parsed) {
        if (ev == json::parse_event_t::object_start) {
          open_objects.emplace_back();
        } else if (ev == json::parse_event_t::object_end && !open_objects.empty()) {
          open_objects.pop_back();
        } else if (ev == json::parse_event_t::key && !open_objects.empty() && parsed.is_string() &&
                   !open_objects.back().insert(parsed.get<std::string>()).second &&
                   duplicate.empty()) {
          duplicate = parsed.get<std::string>();
        }
        return true;
      },
      false);
  if (j.is_discarded()) return make_error(code, "not valid JSON");
  if (!duplicate.empty()) return make_error(code, "duplicate key '" + duplicate + "'");
  if (!j.is_object()) return make_error(code, "must be a JSON object");
  return j;
}

Result<std::string> Fields::str(const char* key, std::size_t max, bool allow_empty) {
  RL_ASSIGN_OR_RETURN(const json* v, field(key));
  if (!v->is_string()) return wrong(key, "a string");
  auto s = v->get<std::string>();
  if (s.size() > max) return fail(key, "is longer than " + std::to_string(max) + " bytes");
  if (s.empty() && !allow_empty) return fail(key, "is empty");
  if (std::any_of(s.begin(), s.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    return fail(key, "holds a control character");
  }
  return s;
}

Result<std::string> Fields::hex(const char* key, std::size_t len) {
  RL_ASSIGN_OR_RETURN(auto s, str(key, len));
  if (!is_lower_hex(s, len)) {
    return fail(key, "is not " + std::to_string(len) + " lower-case hex digits");
  }
  return s;
}

Result<std::uint64_t> Fields::uint(const char* key, std::uint64_t max) {
  RL_ASSIGN_OR_RETURN(const json* v, field(key));
  if (!v->is_number_unsigned()) return wrong(key, "a non-negative integer");
  auto n = v->get<std::uint64_t>();
  if (n > max) return fail(key, "is larger than " + std::to_string(max));
  return n;
}

Result<std::int64_t> Fields::int64(const char* key) {
  RL_ASSIGN_OR_RETURN(const json* v, field(key));
  if (v->is_number_unsigned()) {
    auto n = v->get<std::uint64_t>();
    if (n > static_cast<std::uint64_t>(INT64_MAX)) return fail(key, "is out of range");
    return static_cast<std::int64_t>(n);
  }
  if (!v->is_number_integer()) return wrong(key, "an integer");
  return v->get<std::int64_t>();
}

Result<bool> Fields::boolean(const char* key) {
  RL_ASSIGN_OR_RETURN(const json* v, field(key));
  if (!v->is_boolean()) return wrong(key, "true or false");
  return v->get<bool>();
}

Result<const json*> Fields::object(const char* key) {
  RL_ASSIGN_OR_RETURN(const json* v, field(key));
  if (!v->is_object()) return wrong(key, "an object");
  return v;
}

Result<const json*> Fields::array(const char* key, std::size_t max) {
  RL_ASSIGN_OR_RETURN(const json* v, field(key));
  if (!v->is_array()) return wrong(key, "an array");
  if (v->size() > max) return fail(key, "has more than " + std::to_string(max) + " entries");
  return v;
}

Status Fields::check_keys() const {
  for (const auto& [k, v] : j_.items()) {
    if (!read_.contains(k)) return make_error(code_, where_ + ": unknown key '" + k + "'");
  }
  return {};
}

Result<const json*> Fields::field(const char* key) {
  auto it = j_.find(key);
  if (it == j_.end()) return make_error(code_, where_ + ": missing '" + key + "'");
  read_.insert(key);
  return &*it;
}

Error Fields::wrong(const char* key, const std::string& type) const {
  return make_error(code_, where_ + ": '" + key + "' must be " + type);
}

Error Fields::fail(const char* key, const std::string& why) const {
  return make_error(code_, where_ + ": '" + key + "' " + why);
}

}  // namespace rl::client::strict_json
