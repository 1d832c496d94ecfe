#include "ledger/report_index.hpp"

#include <spdlog/spdlog.h>

#include "ledger/id_rules.hpp"
#include "ledger/state_keys.hpp"
#include "ledger/store.hpp"

namespace rl::ledger {
namespace {

constexpr std::string_view kLayoutKey = "report_index_layout";
// Records per batch of a rebuild: bounds its memory, not its correctness (entries are derived).
constexpr std::size_t kRebuildBatch = 10'000;

constexpr char kLate = 1;
constexpr char kSuperseded = 2;

char status_code(std::string_view status) {
  if (status == "ACCEPTED") return 'A';
  if (status == "REJECTED") return 'R';
  // A record's status is one of three (exec_reports.cpp); anything else is a programmer error.
  if (status != "SUBMITTED") throw std::logic_error("report status " + std::string(status));
  return 'S';
}

}  // namespace

void append_report_index_writes(const pb::ReportRecord& r, std::vector<IndexWrite>& out) {
  Bytes value = to_bytes(r.report_id());
  value.push_back(static_cast<std::uint8_t>(status_code(r.status())));
  value.push_back(static_cast<std::uint8_t>((r.late() ? kLate : 0) |
                                            (r.superseded_by().empty() ? 0 : kSuperseded)));
  out.push_back({keys::reports_by_org(r.org_id(), r.height(), r.report_id()), value});
  out.push_back(
      {keys::reports_by_template(r.template_id(), r.period(), r.height(), r.report_id()), value});
  out.push_back({keys::reports_by_org_template(r.org_id(), r.template_id(), r.period(), r.height(),
                                               r.report_id()),
                 std::move(value)});
}

Result<ReportIndexEntry> decode_report_index_value(ByteView value) {
  auto corrupt = [] {
    return make_error("storage_corrupt", "a report index value does not decode");
  };
  constexpr std::size_t kIdSize = 64;
  if (value.size() != kIdSize + 2) return corrupt();
  ReportIndexEntry e;
  e.report_id = std::string_view(reinterpret_cast<const char*>(value.data()), kIdSize);
  if (!valid_report_id(e.report_id)) return corrupt();
  switch (value[kIdSize]) {
    case 'S':
      e.status = "SUBMITTED";
      break;
    case 'A':
      e.status = "ACCEPTED";
      break;
    case 'R':
      e.status = "REJECTED";
      break;
    default:
      return corrupt();
  }
  const auto flags = value[kIdSize + 1];
  if ((flags & ~(kLate | kSuperseded)) != 0) return corrupt();
  e.late = (flags & kLate) != 0;
  e.superseded = (flags & kSuperseded) != 0;
  return e;
}

Result<bool> report_indexes_current(const Store& store) {
  RL_ASSIGN_OR_RETURN(auto raw, store.get(Cf::kMeta, as_bytes(kLayoutKey)));
  return raw && *raw == to_bytes(std::to_string(kReportIndexLayout));
}

void mark_report_indexes_current(WriteBatch& batch) {
  batch.put(Cf::kMeta, as_bytes(kLayoutKey), to_bytes(std::to_string(kReportIndexLayout)));
}

Status rebuild_report_indexes(Store& store) {
  const Bytes prefix = keys::report("");
  std::size_t done = 0;
  Bytes after;
  // A page of records at a time, written after its scan ends: the store's visitor may not write.
  for (bool more = true; more;) {
    std::vector<IndexWrite> writes;
    std::size_t in_page = 0;
    Status inner;
    RL_TRY(store.visit_prefix(Cf::kState, prefix, after, [&](ByteView key, ByteView value) {
      pb::ReportRecord r;
      if (!r.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
        inner = make_error("storage_corrupt", "a report record does not decode");
        return false;
      }
      // A record from disk is checked before it is indexed: append_report_index_writes treats an
      // unknown status as a programmer error, and a damaged store must stop the open with an
      // error, not abort the node.
      if (r.status() != "SUBMITTED" && r.status() != "ACCEPTED" && r.status() != "REJECTED") {
        inner = make_error("storage_corrupt",
                           "report " + r.report_id() + " has status '" + r.status() + "'");
        return false;
      }
      append_report_index_writes(r, writes);
      after.assign(key.begin(), key.end());
      return ++in_page < kRebuildBatch;
    }));
    RL_TRY(inner);
    more = in_page == kRebuildBatch;
    done += in_page;
    WriteBatch batch;
    for (const auto& w : writes) batch.put(Cf::kIndex, w.key, w.value);
    if (!more) mark_report_indexes_current(batch);
    RL_TRY(store.write(batch, true));
    if (more) spdlog::info("report index rebuild reports={}", done);
  }
  spdlog::info("report index rebuilt layout={} reports={}", kReportIndexLayout, done);
  return {};
}

}  // namespace rl::ledger
