#pragma once
// The report-payload check as it was before the hand-written scanner: nlohmann::json 3.11.2's SAX
// parser (strict) with a handler that bounds the depth and records the top-level keys. It is kept,
// outside the production library, as the oracle that the unit tests, the differential fuzzer and
// the benchmark compare ledger::check_json_object_fields against: the check runs at every
// validator's block execution, so the two must accept and refuse exactly the same payloads.

#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace rl::ledger::reference {

// Same contract and error messages as rl::ledger::check_json_object_fields.
Status check_json_object_fields(std::string_view payload,
                                const std::vector<std::string_view>& required);

}  // namespace rl::ledger::reference
