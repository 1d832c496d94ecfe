#pragma once
// The report indexes (column family "index", not part of app_hash): every report has one entry
// in each of three orders, written in the block that commits the report and rewritten in the
// block that reviews or corrects it.
//
//   rpt_org/<org>/<height>/<id>                       an organization's reports, in time order
//   rpt_tpl/<template>/<period>/<height>/<id>         a template's, per period, in time order
//   rpt_otp/<org>/<template>/<period>/<height>/<id>   an organization's, per template and period
//
// The value is the report id and the flags a listing filters on most (status, late, replaced by
// a correction), so that a filter on them skips an entry without reading its record. A record
// is still read, and every filter checked on it, before a row is answered: the flags only save
// reads of rows that cannot match.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "common/bytes.hpp"
#include "ledger/executor.hpp"
#include "regledger.pb.h"

namespace rl::ledger {

class Store;
class WriteBatch;

// Stores whose indexes predate this layout (no rpt_otp, ids without flags) are rebuilt from the
// report records when the chain opens (rebuild_report_indexes).
inline constexpr std::uint32_t kReportIndexLayout = 2;

struct ReportIndexEntry {
  std::string_view report_id;
  std::string_view status;  // SUBMITTED | ACCEPTED | REJECTED
  bool late = false;
  bool superseded = false;
};

// Every index entry of `r`, in the order above.
void append_report_index_writes(const pb::ReportRecord& r, std::vector<IndexWrite>& out);

// Code: storage_corrupt (not a value append_report_index_writes wrote).
Result<ReportIndexEntry> decode_report_index_value(ByteView value);

// Writes every report's index entries from the records in state, then the layout marker, in
// batches (an interrupted rebuild runs again at the next open). Codes: storage errors,
// storage_corrupt.
Status rebuild_report_indexes(Store& store);
// Whether the store's indexes have the current layout.
Result<bool> report_indexes_current(const Store& store);
// The marker a fresh store is written with.
void mark_report_indexes_current(WriteBatch& batch);

}  // namespace rl::ledger
