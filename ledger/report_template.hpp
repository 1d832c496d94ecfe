#pragma once
// Report templates (docs/reporting.md "Templates"): the JSON form that governance proposals,
// genesis entries and `regledger report check` read, the rules a definition must satisfy, and the
// record the ledger stores. One parser and one rule set for every route a template takes.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "ledger/table_check.hpp"
#include "regledger.pb.h"

namespace rl::ledger {

namespace pb = ::regledger::v1;  // as in ledger/tx.hpp

// {"id", "name", "data_level_floor" (0), "required_fields" ([]), "max_payload_bytes" (64 KiB),
//  "masks" ([], the proto's JSON form), "calendar" ({"frequency", "deadline_days",
//  "utc_offset_minutes", "grace_days"})}. Unknown keys are refused. The shape only: the rules
// are check_template_definition's. Code: bad_template.
Result<pb::TemplateDefinition> parse_template_json(std::string_view json_text);

// The same JSON form (parse_template_json(template_json(d)) == d). Keys whose value is the
// default are left out, so that genesis files written before a key existed keep their bytes.
std::string template_json(const pb::TemplateDefinition& d);

// The rules every registered template satisfies (governance and genesis alike). Code: bad_field.
Status check_template_definition(const pb::TemplateDefinition& d);

// The stored record of a definition, registered or updated at `height` as `version`.
pb::TemplateRecord template_record(const pb::TemplateDefinition& d, std::uint32_t version,
                                   std::uint64_t height);
// The payload rules of a template: its size limit, then either the required top-level fields of
// a JSON object (a template without tables) or every rule of its tables (ledger/table_check.hpp).
// Codes: report_too_large; bad_report, whose message lists the errors found (at most
// kMaxReportedErrors of them, and how many in all).
Status check_report_content(const pb::TemplateRecord& t, std::string_view content_type,
                            std::string_view payload);
// A check's verdict as check_report_content gives it: ok, or bad_report listing the errors.
Status report_check_status(const CheckResult& result, std::string_view what = "the payload");
// The stored table schema of a template with tables (registration proved it parses: failing
// here is state_corrupt).
Result<TableSchema> stored_schema(const pb::TemplateRecord& t);

// The definition a record was made from (for `report check`, which reads the record).
pb::TemplateDefinition template_definition(const pb::TemplateRecord& r);

}  // namespace rl::ledger
