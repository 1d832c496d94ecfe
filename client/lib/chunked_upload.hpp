#pragma once
// Large CSV datasets (docs/reporting.md "Large files", ledger/report_chunks.hpp): the file cut
// at record ends into chunks, each stored by a StoreReportChunk tx, then one SubmitReport that
// lists them. An upload that was interrupted is run again the same way: chunks already
// committed are found by their content address and skipped.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "client/lib/identity.hpp"
#include "client/lib/node_client.hpp"
#include "ledger/limits.hpp"
#include "ledger/tx.hpp"

namespace rl::client {

struct ChunkPlan {
  std::uint64_t offset = 0;  // in the file
  std::uint64_t size = 0;
  std::uint64_t first_row = 1;
};

struct FilePlan {
  std::string header;  // the first record with its line end (and BOM)
  std::vector<ChunkPlan> chunks;
  std::uint64_t size = 0;
  std::uint64_t rows = 0;
};

// Cuts `path` into chunks of at most `chunk_bytes` that end where records end, numbering rows as
// the validators do (blank lines are not rows). Codes: io errors, bad_csv (what the CSV reader
// refuses), record_too_long (a record longer than a chunk), too_many_chunks.
Result<FilePlan> plan_chunks(const std::string& path,
                             std::size_t chunk_bytes = ledger::limits::kMaxChunkBytes);

struct UploadOptions {
  std::string template_id, period, batch, table, corrects;
  std::uint32_t template_version = 0;
  std::size_t window = 16;  // chunk txs in flight before waiting for the oldest
  std::chrono::milliseconds commit_timeout{120000};
};

struct UploadProgress {
  std::uint64_t bytes_done = 0;  // committed or found committed
  std::uint64_t bytes_total = 0;
  std::uint64_t bytes_sent = 0;  // sent by this run (what the rate is of)
  std::size_t chunks_done = 0, chunks_total = 0, chunks_skipped = 0;
};
using UploadProgressFn = std::function<void(const UploadProgress&)>;

struct UploadResult {
  std::string report_id;
  std::string file_sha256;  // hex, of the whole file
  UploadProgress progress;
  double seconds = 0;  // chunk phase, this run
};

// Uploads the planned file as `signer` and submits the report; returns once it is committed.
// Codes: the node's refusal of a chunk (e.g. bad_report with every error in that chunk),
// wait_timeout, transport errors.
Result<UploadResult> upload_chunked(NodeClient& c, const Identity& signer,
                                    const std::string& chain_id, const std::string& path,
                                    const FilePlan& plan, const UploadOptions& o,
                                    const UploadProgressFn& progress = {});

struct DownloadResult {
  std::uint64_t size = 0;
  std::size_t chunks = 0;
  std::string file_sha256;  // hex
  // Per chunk, as the node listed them (an export checks them against the report's chunk ids).
  std::vector<std::uint64_t> chunk_sizes;
  std::vector<std::uint64_t> chunk_rows;
};
// Writes a chunked report's data to `out_path`, each chunk checked against the hash the report
// lists. Codes: the node's (report_not_found, ...), chunk_mismatch, io errors.
Result<DownloadResult> download_chunked(NodeClient& c, const std::string& report_id,
                                        const std::string& out_path,
                                        const UploadProgressFn& progress = {});

}  // namespace rl::client
