#pragma once
// Large CSV datasets as chunks (docs/reporting.md "Large files", decision 0065). The client cuts
// a file at record ends into chunks of at most limits::kMaxChunkBytes; each is a StoreReportChunk
// tx whose rows every validator checks when it commits (table_check.hpp check_csv_chunk). A
// SubmitReport listing the chunk ids then completes the report, judging the rules over the whole
// table from the parts the chunks stored (check_csv_chunk_set).
//
// Content addresses are SHA-256 whatever the network's suite: a chunk id is the hash of the
// chunk's context (template, version, table, header, first row) and data hash, so a resumed
// upload recomputes the ids of what it already stored, and the same bytes in another context are
// another chunk. Chunks live in their organization's key space.

#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.hpp"
#include "ledger/table_check.hpp"
#include "regledger.pb.h"

namespace rl::ledger {

namespace pb = ::regledger::v1;  // as in ledger/tx.hpp

Bytes chunk_id(const pb::StoreReportChunk& c);
// What a reader checks each reassembled chunk against.
Bytes chunk_data_hash(std::string_view data);
// The content type a chunk's table is checked as: "text/csv" or "text/csv; table=NAME".
std::string chunk_content_type(std::string_view table);

void set_chunk_parts(pb::ReportChunkRecord& rec, const ChunkParts& parts);
// nullopt when the record's decimals do not parse (the state is damaged).
std::optional<ChunkParts> chunk_parts(const pb::ReportChunkRecord& rec);

}  // namespace rl::ledger
