#pragma once
// A chunked report's dataset in an export bundle (docs/export.md "Large datasets"). The
// SubmitReport of a chunked report (ledger/report_chunks.hpp) has an empty payload and lists its
// chunks by content address; the bundle carries the data itself next to it:
//
//   DIR/reports/<report_id>.data          the dataset, the chunks' data in order (the file the
//                                         bank uploaded)
//   DIR/reports/<report_id>.chunks.json   where each chunk starts: the template version the
//                                         chunks were checked against, the header's length and
//                                         per chunk its first row and byte count
//
// Neither file needs a hash of its own in the manifest to be trusted: cut as the layout says,
// the data must give exactly the chunk ids the receipt-verified SubmitReport lists, and a chunk
// id is a SHA-256 over the chunk's data hash and its context. A changed byte in either file
// changes an id.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "client/lib/node_client.hpp"
#include "common/result.hpp"
#include "ledger/limits.hpp"
#include "ledger/tx.hpp"

namespace rl::client::bundle {

inline constexpr const char* kDatasetSuffix = ".data";
inline constexpr const char* kLayoutSuffix = ".chunks.json";
// A layout line is under 60 bytes; 8,192 chunks fit with room to spare.
inline constexpr std::size_t kMaxLayoutBytes = std::size_t{1} * 1024 * 1024;
inline constexpr std::uint64_t kMaxDatasetBytes =
    std::uint64_t{ledger::limits::kMaxReportChunks} * ledger::limits::kMaxChunkBytes;

struct ChunkSpan {
  std::uint64_t first_row = 1;  // data row number of the chunk's first record, from 1
  std::uint64_t bytes = 0;
};

struct DatasetLayout {
  std::uint32_t template_version = 0;
  std::uint64_t header_bytes = 0;  // the first record of the data, with its line end (and BOM)
  std::vector<ChunkSpan> chunks;
};

// The canonical text (what export writes; the parser accepts only this form).
std::string layout_to_json(const DatasetLayout& layout);
// Strict: size limit, no duplicate or unknown keys, exact types, 1 to kMaxReportChunks chunks
// of 1 to kMaxChunkBytes bytes, a header inside the first chunk, canonical text. Code:
// bad_layout.
Result<DatasetLayout> parse_layout(std::string_view text);

struct DatasetCheck {
  std::string sha256;  // hex, of the whole data file
  std::uint64_t bytes = 0;
};
// The one rule export and verify-bundle both apply: the file at `data_path`, cut as `layout`
// says, gives exactly the chunk ids `report` lists, in order (ledger::chunk_id, with the
// report's template and the table its content type names). Reads one chunk at a time. Codes:
// dataset_mismatch (naming the first chunk that differs), and file_not_found, not_a_file,
// file_too_large, read_failed.
Result<DatasetCheck> check_dataset(const std::string& data_path, const DatasetLayout& layout,
                                   const ledger::pb::SubmitReport& report);

struct FetchedDataset {
  DatasetLayout layout;
  DatasetCheck check;
};
// Export: writes the dataset of the chunked report `report_id` (whose verified SubmitReport is
// `report`) to `data_path` and returns its layout, checked with check_dataset. What the node
// served is trusted for nothing: the layout is worked out from the data and the listing, then
// must reproduce the report's chunk ids. Codes: the node's, bad_response, dataset_mismatch,
// io errors.
Result<FetchedDataset> fetch_dataset(NodeClient& c, const std::string& report_id,
                                     const ledger::pb::SubmitReport& report,
                                     const std::string& data_path);

}  // namespace rl::client::bundle
