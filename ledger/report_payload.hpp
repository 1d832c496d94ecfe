#pragma once
// The structural check of a report payload against its template: a JSON object (at most
// kMaxJsonDepth levels deep) that has every required top-level field. It scans the payload once
// without building a document: this check runs for every report at admission and again at every
// validator's execution. Which payloads it accepts is consensus-critical: it must stay equal to the
// nlohmann::json SAX check it replaced (see report_payload.cpp).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace rl::ledger {

inline constexpr std::size_t kMaxJsonDepth = 64;

// Codes: bad_report (not JSON, not an object, too deep, a required field missing).
Status check_json_object_fields(std::string_view payload,
                                const std::vector<std::string_view>& required);

}  // namespace rl::ledger
