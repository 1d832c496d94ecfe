#pragma once
// Strict reading of the JSON files a bundle holds (bundle.hpp, bundle_dataset.hpp): files an
// auditor receives from someone else, so nothing in them is taken on trust. A file parses only
// as one object with no duplicate key and bounded nesting; each object's fields are read with
// their exact type and limit, and any key not read is refused.

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace rl::client::strict_json {

// `len` lower-case hex digits.
bool is_lower_hex(std::string_view s, std::size_t len);

// One JSON object: valid JSON, nested at most `max_depth` levels, no key twice in an object.
// Errors carry `code` ("not valid JSON", "duplicate key 'k'", ...).
Result<nlohmann::json> parse_strict_json(std::string_view text, std::size_t max_depth,
                                         const std::string& code);

// Reads one object's fields: every key must be read exactly once (check_keys). Errors carry
// `code` and name the object (`where`) and the key.
class Fields {
 public:
  Fields(const nlohmann::json& j, std::string where, std::string code)
      : j_(j), where_(std::move(where)), code_(std::move(code)) {}

  // No control characters (a verifier prints these names to a terminal).
  Result<std::string> str(const char* key, std::size_t max, bool allow_empty = false);
  Result<std::string> hex(const char* key, std::size_t len);
  Result<std::uint64_t> uint(const char* key, std::uint64_t max);
  Result<std::int64_t> int64(const char* key);
  Result<bool> boolean(const char* key);
  Result<const nlohmann::json*> object(const char* key);
  Result<const nlohmann::json*> array(const char* key, std::size_t max);
  // For a field that may be absent (its absence has a meaning the caller gives it).
  bool has(const char* key) const { return j_.contains(key); }
  // After every field is read: any other key is unknown.
  Status check_keys() const;

 private:
  Result<const nlohmann::json*> field(const char* key);
  Error wrong(const char* key, const std::string& type) const;
  Error fail(const char* key, const std::string& why) const;

  const nlohmann::json& j_;
  std::string where_;
  std::string code_;
  std::set<std::string> read_;
};

}  // namespace rl::client::strict_json
