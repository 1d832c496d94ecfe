#include "node/app/identity/report_listing.hpp"

#include <algorithm>
#include <limits>
#include <optional>

#include "ledger/id_rules.hpp"
#include "ledger/limits.hpp"
#include "ledger/state_keys.hpp"

namespace rl::node::identity {
namespace {

// The index a query scans (report_index.hpp): every range of one query is in the same index,
// so that one cursor (a key of that index) resumes across them.
enum class Index { kOrg, kTemplate, kOrgTemplate };

// An index range that can hold a matching readable report, as a prefix. Ranges never nest (each
// ends in '/'), so visiting them in byte order visits their union in key order.
struct Range {
  Bytes prefix;
  // Its keys are the prefix, the height (u64 big-endian) and the id: one organization's, or one
  // template's (or organization's template's) for one period. Block times rise with height, so
  // the range is in submission-time order too, and a time filter can seek into it and stop early.
  bool by_height = false;
};

struct Plan {
  Index index = Index::kOrg;
  std::vector<Range> ranges;
};

Result<std::vector<std::string>> ids_under(const ledger::Chain& chain, const Bytes& prefix) {
  RL_ASSIGN_OR_RETURN(auto entries,
                      chain.state_scan(prefix, std::numeric_limits<std::size_t>::max()));
  std::vector<std::string> ids;
  ids.reserve(entries.size());
  for (const auto& [key, value] : entries) {
    ids.emplace_back(key.begin() + static_cast<std::ptrdiff_t>(prefix.size()), key.end());
  }
  return ids;
}

// One organization's ranges: by template (and period) when the query names either, so that
// only that template's or period's entries are read; else the organization's whole range.
Status add_org_ranges(const ledger::Chain& chain, const ReportQuery& q, const std::string& org,
                      Plan& plan) {
  if (!q.template_id.empty()) {
    plan.index = Index::kOrgTemplate;
    plan.ranges.push_back(
        {ledger::keys::reports_by_org_template_prefix(org, q.template_id, q.period),
         !q.period.empty()});
  } else if (!q.period.empty()) {
    // Every template's range for the period: each report is in one, so none is read twice.
    plan.index = Index::kOrgTemplate;
    RL_ASSIGN_OR_RETURN(auto templates, ids_under(chain, ledger::keys::templates_prefix()));
    for (const auto& t : templates) {
      plan.ranges.push_back({ledger::keys::reports_by_org_template_prefix(org, t, q.period), true});
    }
  } else {
    plan.ranges.push_back({ledger::keys::reports_by_org_prefix(org), true});
  }
  return {};
}

Result<Plan> plan_for(const ledger::Chain& chain, const OptionalReader& reader,
                      const ReportQuery& q) {
  Plan plan;
  const bool everything = !reader || reader->scope.supervisor;
  if (everything) {
    if (!q.org.empty()) {
      RL_TRY(add_org_ranges(chain, q, q.org, plan));
    } else if (!q.template_id.empty()) {
      plan.index = Index::kTemplate;
      plan.ranges.push_back(
          {ledger::keys::reports_by_template_prefix(q.template_id, q.period), !q.period.empty()});
    } else if (!q.period.empty()) {
      plan.index = Index::kTemplate;
      RL_ASSIGN_OR_RETURN(auto templates, ids_under(chain, ledger::keys::templates_prefix()));
      for (const auto& t : templates) {
        plan.ranges.push_back({ledger::keys::reports_by_template_prefix(t, q.period), true});
      }
    } else if (q.from_ms || q.to_ms) {
      // Every organization's range on its own (their union is the whole index, in the same key
      // order), so that the time filter seeks and stops in each.
      RL_ASSIGN_OR_RETURN(auto orgs, ids_under(chain, ledger::keys::org("")));
      for (const auto& org : orgs) {
        plan.ranges.push_back({ledger::keys::reports_by_org_prefix(org), true});
      }
    } else {
      plan.ranges.push_back({ledger::keys::all_reports_prefix(), false});
    }
  } else {
    // An institution scans only the organizations it may see: others' index entries are never
    // touched, so neither the answer nor the work done depends on them.
    for (const auto& org : reader->scope.visible_orgs()) {
      if (q.org.empty() || q.org == org) RL_TRY(add_org_ranges(chain, q, org, plan));
    }
  }
  std::sort(plan.ranges.begin(), plan.ranges.end(),
            [](const Range& a, const Range& b) { return a.prefix < b.prefix; });
  return plan;
}

// Where a scan of `range` (by_height) for reports submitted at or after `from_ms` may start: the
// range's prefix and the height of the first report in it submitted then or later. A binary
// search over heights, each step one seek and one record read in the range itself.
Result<Bytes> time_seek(const ledger::Chain& chain, const Range& range, std::int64_t from_ms) {
  auto key_at = [&](std::uint64_t height) {
    Bytes k = range.prefix;
    append_u64_be(k, height);
    return k;
  };
  // Whether the first report of the range at or above `height` (if any) is that late.
  auto late_enough = [&](std::uint64_t height) -> Result<bool> {
    std::optional<std::int64_t> t;
    RL_TRY(chain.visit_reports(range.prefix, key_at(height), [&](ByteView, const auto& report) {
      t = report.submitted_at_ms();
      return false;
    }));
    return !t || *t >= from_ms;
  };
  std::uint64_t lo = 0, hi = chain.head().height + 1;  // late_enough(hi): nothing above it
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    RL_ASSIGN_OR_RETURN(bool late, late_enough(mid));
    if (late) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return key_at(lo);
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

// The key of `r` in `index`.
Bytes index_key(Index index, const ledger::pb::ReportRecord& r) {
  switch (index) {
    case Index::kTemplate:
      return ledger::keys::reports_by_template(r.template_id(), r.period(), r.height(),
                                               r.report_id());
    case Index::kOrgTemplate:
      return ledger::keys::reports_by_org_template(r.org_id(), r.template_id(), r.period(),
                                                   r.height(), r.report_id());
    case Index::kOrg:
      break;
  }
  return ledger::keys::reports_by_org(r.org_id(), r.height(), r.report_id());
}

// What an index entry says of a filter without the record: an entry this refuses cannot match.
bool may_match(const ReportQuery& q, const ledger::ReportIndexEntry& e) {
  return (q.status.empty() || e.status == q.status) && (!q.late || e.late == *q.late) &&
         (!q.latest_only || !e.superseded);
}

bool starts_with(const Bytes& key, const Bytes& prefix) {
  return key.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), key.begin());
}

// A query with a chain filter (first_version) matches the versions of one correction chain at
// most. They are found by following the chain (point lookups, at most kMaxReportVersions)
// instead of scanning the index for them, and each is placed at its key in the index the scan
// would visit: the rows, their order and the cursor are exactly the scan's. Every version of a
// chain has the same organization, template and period (a correction keeps them), so whether
// the chain lies in the reader's ranges is known from its first version, before the rest of it
// is read.
Result<std::vector<std::pair<Bytes, ledger::pb::ReportRecord>>> chain_rows(
    const ledger::Chain& chain, const OptionalReader& reader, const ReportQuery& q,
    const Plan& plan) {
  std::vector<std::pair<Bytes, ledger::pb::ReportRecord>> rows;
  const auto& ranges = plan.ranges;
  if (!ledger::valid_report_id(q.first_version)) return rows;
  RL_ASSIGN_OR_RETURN(auto first, chain.report(q.first_version));
  // Only a first version names a chain: first_version is the report id of version 1.
  if (!first || first->first_version() != q.first_version) return rows;
  auto in_ranges = [&](const Bytes& key) {
    return std::any_of(ranges.begin(), ranges.end(),
                       [&](const Range& r) { return starts_with(key, r.prefix); });
  };
  if (!in_ranges(index_key(plan.index, *first))) return rows;
  std::optional<ledger::pb::ReportRecord> next = std::move(first);
  for (std::uint32_t i = 0; next; ++i) {
    if (i >= ledger::limits::kMaxReportVersions) {
      return make_error("state_corrupt",
                        "correction chain of " + q.first_version + " does not end");
    }
    ledger::pb::ReportRecord r = std::move(*next);
    next.reset();
    if (!r.superseded_by().empty()) {
      RL_ASSIGN_OR_RETURN(next, chain.report(r.superseded_by()));
      if (!next) return make_error("state_corrupt", "correction chain names a missing report");
    }
    Bytes key = index_key(plan.index, r);
    // The scan resumes after the cursor (every key of a range sorts after a cursor before it).
    if (!q.after.empty() && !(q.after < key)) continue;
    if (in_ranges(key) && matches(q, r) && may_read_report(reader, r)) {
      rows.emplace_back(std::move(key), std::move(r));
    }
  }
  std::sort(rows.begin(), rows.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return rows;
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
  RL_ASSIGN_OR_RETURN(const Plan plan, plan_for(chain, reader, q));
  if (!q.first_version.empty()) {
    RL_ASSIGN_OR_RETURN(auto versions, chain_rows(chain, reader, q, plan));
    for (auto& [key, report] : versions) {
      rows.push_back({std::move(key), std::move(report)});
      if (rows.size() > q.limit) break;
    }
  } else {
    const bool flag_filter = !q.status.empty() || q.late || q.latest_only;
    ledger::Chain::ReportEntryFilter entry_filter;
    if (flag_filter)
      entry_filter = [&](const ledger::ReportIndexEntry& e) { return may_match(q, e); };
    for (const auto& range : plan.ranges) {
      // A cursor past the whole range (at or after its prefix, not in it): nothing to visit.
      if (!q.after.empty() && !(q.after < range.prefix) && !starts_with(q.after, range.prefix)) {
        continue;
      }
      // A range in time order starts at from_ms (or the cursor, when later) and ends past to_ms.
      Bytes after = q.after;
      if (range.by_height && q.from_ms) {
        RL_ASSIGN_OR_RETURN(Bytes from, time_seek(chain, range, *q.from_ms));
        if (after < from) after = std::move(from);
      }
      RL_TRY(chain.visit_reports(
          range.prefix, after,
          [&](ByteView key, const auto& report) {
            if (range.by_height && q.to_ms && report.submitted_at_ms() > *q.to_ms) return false;
            if (matches(q, report) && may_read_report(reader, report)) {
              rows.push_back({Bytes(key.begin(), key.end()), report});
            }
            return rows.size() <= q.limit;
          },
          entry_filter));
      if (rows.size() > q.limit) break;
    }
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
