#pragma once
// Reading large datasets (ledger/report_chunks.hpp) through the API: a report's chunk list and
// each chunk's bytes for whoever may read the report, and the uploader's own chunk records so an
// interrupted upload can skip what is already committed. Another organization's chunk is "not
// found", exactly like one that does not exist.

#include <string>

#include "ledger/chain.hpp"
#include "node/app/identity/read_policy.hpp"

namespace rl::node::identity {

// Codes: report_not_found, bad_request (not a chunked report), permission_denied.
Result<ledger::pb::ReportChunksRecord> report_chunk_list(const ledger::Chain& chain,
                                                         const OptionalReader& reader,
                                                         const std::string& report_id);
// Chunk `index` (from 0) of a chunked report: its bytes. Codes as above, and not_found.
Result<std::string> report_chunk_data(const ledger::Chain& chain, const OptionalReader& reader,
                                      const std::string& report_id, std::string_view index);
// A chunk committed by the reader's own organization (by the reader itself, for an account
// without output permission). Codes: session_required (no reader),
// bad_request (not a chunk id), not_found.
Result<ledger::pb::ReportChunkRecord> own_chunk(const ledger::Chain& chain,
                                                const OptionalReader& reader,
                                                std::string_view chunk_id_hex);

}  // namespace rl::node::identity
