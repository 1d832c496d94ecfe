#include "client/lib/bundle_dataset.hpp"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "api/routes.hpp"
#include "client/lib/bundle.hpp"
#include "client/lib/chunked_upload.hpp"
#include "client/lib/strict_json.hpp"
#include "crypto/hash.hpp"
#include "ledger/csv_reader.hpp"
#include "ledger/report_chunks.hpp"

namespace rl::client::bundle {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using strict_json::Fields;

constexpr const char* kBadLayout = "bad_layout";
constexpr std::size_t kLayoutDepth = 3;  // layout -> chunks -> chunk
constexpr std::string_view kCsvTablePrefix = "text/csv; table=";

Error mismatch(const std::string& why) {
  return make_error("dataset_mismatch", why);
}

// The table a chunked report's content type names (the inverse of ledger::chunk_content_type).
std::string table_of(std::string_view content_type) {
  if (content_type.starts_with(kCsvTablePrefix)) {
    return std::string(content_type.substr(kCsvTablePrefix.size()));
  }
  return {};
}

// Length of the first CSV record of `data`, with its line end (and BOM): the chunks' header.
Result<std::uint64_t> first_record_bytes(std::string_view data) {
  std::uint64_t end = 0;
  ledger::CsvReader* reader_ptr = nullptr;
  ledger::CsvReader reader([&](std::uint64_t record, std::uint64_t, std::span<const std::string>) {
    if (record == 1) end = reader_ptr->bytes();
    return false;
  });
  reader_ptr = &reader;
  RL_TRY(reader.feed(data));
  if (end == 0)
    return make_error("bad_response", "the dataset's first chunk holds no header record");
  return end;
}

}  // namespace

std::string layout_to_json(const DatasetLayout& layout) {
  json chunks = json::array();
  for (const auto& c : layout.chunks) {
    chunks.push_back({{"first_row", c.first_row}, {"bytes", c.bytes}});
  }
  json j = {{"template_version", layout.template_version},
            {"header_bytes", layout.header_bytes},
            {"chunks", std::move(chunks)}};
  return j.dump(1) + "\n";
}

Result<DatasetLayout> parse_layout(std::string_view text) {
  if (text.size() > kMaxLayoutBytes) {
    return make_error(kBadLayout, "larger than " + std::to_string(kMaxLayoutBytes) + " bytes");
  }
  RL_ASSIGN_OR_RETURN(json j, strict_json::parse_strict_json(text, kLayoutDepth, kBadLayout));
  DatasetLayout out;
  Fields f(j, "layout", kBadLayout);
  RL_ASSIGN_OR_RETURN(auto version, f.uint("template_version", UINT32_MAX));
  out.template_version = static_cast<std::uint32_t>(version);
  RL_ASSIGN_OR_RETURN(out.header_bytes, f.uint("header_bytes", ledger::limits::kMaxChunkBytes));
  RL_ASSIGN_OR_RETURN(const json* chunks, f.array("chunks", ledger::limits::kMaxReportChunks));
  RL_TRY(f.check_keys());
  if (chunks->empty()) return make_error(kBadLayout, "layout: 'chunks' is empty");
  for (std::size_t i = 0; i < chunks->size(); ++i) {
    const json& c = (*chunks)[i];
    const std::string where = "chunks[" + std::to_string(i) + "]";
    if (!c.is_object()) return make_error(kBadLayout, where + " must be an object");
    Fields cf(c, where, kBadLayout);
    ChunkSpan span;
    RL_ASSIGN_OR_RETURN(span.first_row, cf.uint("first_row", UINT64_MAX));
    RL_ASSIGN_OR_RETURN(span.bytes, cf.uint("bytes", ledger::limits::kMaxChunkBytes));
    RL_TRY(cf.check_keys());
    if (span.bytes == 0) return make_error(kBadLayout, where + ": 'bytes' is 0");
    out.chunks.push_back(span);
  }
  if (out.header_bytes == 0 || out.header_bytes > out.chunks[0].bytes) {
    return make_error(kBadLayout, "layout: 'header_bytes' is not inside the first chunk");
  }
  if (layout_to_json(out) != text) {
    return make_error(kBadLayout, "not in the canonical form export writes (edited after export?)");
  }
  return out;
}

Result<DatasetCheck> check_dataset(const std::string& data_path, const DatasetLayout& layout,
                                   const ledger::pb::SubmitReport& report) {
  if (layout.chunks.size() != static_cast<std::size_t>(report.chunks_size())) {
    return mismatch("the layout has " + std::to_string(layout.chunks.size()) +
                    " chunks, the report lists " + std::to_string(report.chunks_size()));
  }
  std::uint64_t total = 0;
  for (const auto& c : layout.chunks) total += c.bytes;  // at most 8,192 x 256 KiB: no overflow
  std::error_code ec;
  const auto st = fs::symlink_status(data_path, ec);
  if (ec || !fs::exists(st)) return make_error("file_not_found", data_path + " is missing");
  if (!fs::is_regular_file(st))
    return make_error("not_a_file", data_path + " is not a regular file");
  const auto size = fs::file_size(data_path, ec);
  if (ec) return make_error("read_failed", data_path + ": " + ec.message());
  if (size > kMaxDatasetBytes) {
    return make_error("file_too_large",
                      data_path + " is larger than " + std::to_string(kMaxDatasetBytes) + " bytes");
  }
  if (size != total) {
    return mismatch("the data file has " + std::to_string(size) + " bytes, the layout's chunks " +
                    std::to_string(total));
  }
  std::ifstream in(data_path, std::ios::binary);
  if (!in) return make_error("read_failed", "cannot open " + data_path);

  ledger::pb::StoreReportChunk chunk;
  chunk.set_template_id(report.template_id());
  chunk.set_template_version(layout.template_version);
  chunk.set_table(table_of(report.content_type()));
  crypto::Hasher whole(crypto::Suite::kP256Sha256);  // content addresses are SHA-256 (0065)
  std::string data;
  for (std::size_t i = 0; i < layout.chunks.size(); ++i) {
    data.resize(layout.chunks[i].bytes);
    in.read(data.data(), static_cast<std::streamsize>(data.size()));
    if (static_cast<std::size_t>(in.gcount()) != data.size()) {
      return make_error("read_failed", data_path + ": short read at chunk " + std::to_string(i));
    }
    if (i == 0) chunk.set_header(data.substr(0, layout.header_bytes));
    chunk.set_first_row(layout.chunks[i].first_row);
    chunk.set_data(data);
    if (ledger::chunk_id(chunk) != to_bytes(report.chunks(static_cast<int>(i)))) {
      return mismatch("chunk " + std::to_string(i) + " of " + std::to_string(layout.chunks.size()) +
                      " (first row " + std::to_string(layout.chunks[i].first_row) +
                      ") is not the chunk the report lists");
    }
    whole.update(as_bytes(data));
  }
  return DatasetCheck{to_hex(whole.finish()), total};
}

Result<FetchedDataset> fetch_dataset(NodeClient& c, const std::string& report_id,
                                     const ledger::pb::SubmitReport& report,
                                     const std::string& data_path) {
  RL_ASSIGN_OR_RETURN(auto rec, c.get_json(api::route_path<api::Route::kReport>(report_id)));
  auto version = rec.find("template_version");
  if (version == rec.end() || !version->is_number_unsigned() ||
      version->get<std::uint64_t>() > UINT32_MAX) {
    return make_error("bad_response", "report " + report_id + " has no template_version");
  }
  RL_ASSIGN_OR_RETURN(auto got, download_chunked(c, report_id, data_path));
  DatasetLayout layout;
  layout.template_version = static_cast<std::uint32_t>(version->get<std::uint64_t>());
  std::uint64_t next_row = 1;
  for (std::size_t i = 0; i < got.chunk_sizes.size(); ++i) {
    layout.chunks.push_back({next_row, got.chunk_sizes[i]});
    next_row += got.chunk_rows[i];
  }
  if (layout.chunks.empty())
    return make_error("bad_response", "report " + report_id + " has no chunks");
  {
    std::ifstream in(data_path, std::ios::binary);
    std::string first(layout.chunks[0].bytes, '\0');
    in.read(first.data(), static_cast<std::streamsize>(first.size()));
    if (static_cast<std::size_t>(in.gcount()) != first.size()) {
      return make_error("read_failed", "cannot read back " + data_path);
    }
    RL_ASSIGN_OR_RETURN(layout.header_bytes, first_record_bytes(first));
  }
  // What the node served must be the report's chunks, or nothing is written to the bundle.
  RL_ASSIGN_OR_RETURN(auto checked, check_dataset(data_path, layout, report));
  return FetchedDataset{std::move(layout), std::move(checked)};
}

}  // namespace rl::client::bundle
