#pragma once
// nlohmann::json keeps the last of two equal keys in one object without a word, so a file that
// names a field twice silently means something other than what its first reader saw. The files
// that define a network (genesis, network definitions) refuse that.

#include <optional>
#include <string>
#include <string_view>

namespace rl::ledger {

// The first key that appears twice in one JSON object of `json_text` (at any depth), or nullopt
// when there is none or the text is not JSON (its parser reports that).
std::optional<std::string> first_duplicate_json_key(std::string_view json_text);

}  // namespace rl::ledger
