#pragma once
// GET /v1/reports: the reports a reader may read that match the filters, a page at a time.
//
// Every filter (organization, template, period) is a condition on each row, and every row is
// checked by read_policy before it counts: the page, its count and its cursor are made of
// readable rows only, so another organization's reports cannot be learned from them, whatever
// the filters or the cursor say. The cursor is the index key of the last row returned (its
// organization, height and id: nothing the reader did not just read). Some filters narrow what
// is read without changing the answer: a chain filter (first_version) follows that one
// correction chain through point lookups, each version placed at its index key; a time filter
// seeks into each range kept in height order (an organization's, a template's for one period)
// and stops past to_ms; a template or period filter reads the ranges kept for them (an
// organization's per template and period, or a template's per period; for a period alone, each
// template's); a status, late or latest filter skips index entries whose flags cannot match
// without reading their records (ledger/report_index.hpp).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ledger/chain.hpp"
#include "node/app/identity/read_policy.hpp"

namespace rl::node::identity {

struct ReportQuery {
  std::string org;          // empty: any organization the reader sees
  std::string template_id;  // empty: any template
  std::string period;       // empty: any period
  std::string status;       // empty: any; SUBMITTED | ACCEPTED | REJECTED
  std::optional<bool> late;
  std::optional<std::int64_t> from_ms;  // submitted (block time) at or after
  std::optional<std::int64_t> to_ms;    // submitted at or before
  std::string first_version;            // only the versions of this correction chain
  bool latest_only = false;             // only versions no correction replaced
  std::size_t limit = 100;              // 1 .. ledger::limits::kMaxQueryLimit
  Bytes after;                          // a previous page's cursor (empty: the first page)
};

struct ReportPage {
  std::vector<ledger::pb::ReportRecord> reports;
  Bytes next;  // empty: no further readable report matches
};

// Codes: permission_denied (no output permission), bad_query, storage errors.
Result<ReportPage> list_visible_reports(const ledger::Chain& chain, const OptionalReader& reader,
                                        const ReportQuery& query);

// Every version of the correction chain `report_id` belongs to, oldest first, that the reader
// may read. Codes: permission_denied, report_not_found (the report is not readable, exactly as
// when it does not exist), storage errors.
Result<std::vector<ledger::pb::ReportRecord>> list_report_versions(const ledger::Chain& chain,
                                                                   const OptionalReader& reader,
                                                                   const std::string& report_id);

}  // namespace rl::node::identity
