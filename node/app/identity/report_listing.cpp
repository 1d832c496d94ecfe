#include "node/app/identity/report_listing.hpp"

#include <algorithm>

#include "ledger/id_rules.hpp"
#include "ledger/limits.hpp"
#include "ledger/state_keys.hpp"

namespace rl::node::identity {
namespace {

// The index ranges that can hold a matching readable report, as prefixes. They never nest (each
// ends in '/'), so visiting them in byte order visits their union in key order, which is what
// lets one cursor (a key) resume across them.
std::vector<Bytes> ranges_for(const OptionalReader& reader, const ReportQuery& q) {
  std::vector<Bytes> out;
  const bool everything = !reader || reader->scope.supervisor;
  if (everything) {
    if (!q.org.empty()) {
      out.push_back(ledger::keys::reports_by_org_prefix(q.org));
    } else if (!q.template_id.empty()) {
      out.push_back(ledger::keys::reports_by_template_prefix(q.template_id, q.period));
    } else {
      out.push_back(ledger::keys::all_reports_prefix());
    }
    return out;
  }
  // An institution scans only the organizations it may see: others' index entries are never
  // touched, so neither the answer nor the work done depends on them.
  for (const auto& org : reader->scope.visible_orgs()) {
    if (q.org.empty() || q.org == org) out.push_back(ledger::keys::reports_by_org_prefix(org));
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool matches(const ReportQuery& q, const ledger::pb::ReportRecord& r) {
  return (q.org.empty() || r.org_id() == q.org) &&
         (q.template_id.empty() || r.template_id() == q.template_id) &&
         (q.period.empty() || r.period() == q.period) &&
         (q.status.empty() || r.status() == q.status) && (!q.late || r.late() == *q.late) &&
         (!q.from_ms || r.submitted_at_ms() >= *q.from_ms) &&
         (!q.to_ms || r.submitted_at_ms() <= *q.to_ms) &&
         (q.first_version.empty() || r.first_version() == q.first_version) &&
         (!q.latest_only || r.superseded_by().empty());
}

}  // namespace

Result<ReportPage> list_visible_reports(const ledger::Chain& chain, const OptionalReader& reader,
                                        const ReportQuery& q) {
  RL_TRY(check_output_permission(reader));
  if (q.limit == 0 || q.limit > ledger::limits::kMaxQueryLimit) {
    return make_error("bad_query",
                      "limit must be 1-" + std::to_string(ledger::limits::kMaxQueryLimit));
  }
  // One row past the page says whether a next page exists, without counting unreadable rows.
  struct Row {
    Bytes key;
    ledger::pb::ReportRecord report;
  };
  std::vector<Row> rows;
  for (const auto& prefix : ranges_for(reader, q)) {
    RL_TRY(chain.visit_reports(prefix, q.after, [&](ByteView key, const auto& report) {
      if (matches(q, report) && may_read_report(reader, report)) {
        rows.push_back({Bytes(key.begin(), key.end()), report});
      }
      return rows.size() <= q.limit;
    }));
    if (rows.size() > q.limit) break;
  }
  ReportPage page;
  if (rows.size() > q.limit) {
    rows.resize(q.limit);
    page.next = rows.back().key;
  }
  page.reports.reserve(rows.size());
  for (auto& r : rows) page.reports.push_back(std::move(r.report));
  return page;
}

Result<std::vector<ledger::pb::ReportRecord>> list_report_versions(const ledger::Chain& chain,
                                                                   const OptionalReader& reader,
                                                                   const std::string& report_id) {
  RL_TRY(check_output_permission(reader));
  auto not_found = [] { return make_error("report_not_found", "no such report"); };
  if (!ledger::valid_report_id(report_id)) return not_found();
  RL_ASSIGN_OR_RETURN(auto asked, chain.report(report_id));
  if (!asked || !may_read_report(reader, *asked)) return not_found();
  std::vector<ledger::pb::ReportRecord> out;
  std::string next = asked->first_version().empty() ? report_id : asked->first_version();
  // A chain is a line of at most kMaxReportVersions records (the executor's rule); a longer
  // walk means the records disagree with that rule.
  for (std::uint32_t i = 0; !next.empty(); ++i) {
    if (i >= ledger::limits::kMaxReportVersions) {
      return make_error("state_corrupt", "correction chain of " + report_id + " does not end");
    }
    RL_ASSIGN_OR_RETURN(auto r, chain.report(next));
    if (!r) return make_error("state_corrupt", "correction chain names a missing report");
    next = r->superseded_by();
    if (may_read_report(reader, *r)) out.push_back(std::move(*r));
  }
  return out;
}

}  // namespace rl::node::identity
