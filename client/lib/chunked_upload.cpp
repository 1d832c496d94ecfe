#include "client/lib/chunked_upload.hpp"

#include <deque>
#include <fstream>
#include <thread>

#include "api/error_codes.hpp"
#include "api/routes.hpp"
#include "client/lib/tx_builder.hpp"
#include "crypto/hash.hpp"
#include "ledger/csv_reader.hpp"
#include "ledger/report_chunks.hpp"

namespace rl::client {

using api::ApiError;
using api::Route;

namespace {

constexpr std::size_t kReadBytes = 1 << 20;

Error io_error(const std::string& what, const std::string& path) {
  return make_error("io_error", what + " " + path);
}

Result<std::string> read_range(std::ifstream& in, const std::string& path, std::uint64_t offset,
                               std::uint64_t size) {
  std::string data(size, '\0');
  in.clear();
  in.seekg(static_cast<std::streamoff>(offset));
  in.read(data.data(), static_cast<std::streamsize>(size));
  if (static_cast<std::uint64_t>(in.gcount()) != size) {
    return io_error("the file changed while it was read:", path);
  }
  return data;
}

// The chain's height, for each tx's expiry.
Result<std::uint64_t> current_height(NodeClient& c) {
  RL_ASSIGN_OR_RETURN(auto s, c.status());
  if (!s.contains("height") || !s["height"].is_number_unsigned()) {
    return make_error("bad_response", "status without a height");
  }
  return s["height"].get<std::uint64_t>();
}

}  // namespace

Result<FilePlan> plan_chunks(const std::string& path, std::size_t chunk_bytes) {
  if (chunk_bytes == 0 || chunk_bytes > ledger::limits::kMaxChunkBytes) {
    return make_error("bad_argument", "a chunk is 1 byte to 256 KiB");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error("cannot open", path);
  FilePlan plan;
  ledger::CsvReader* reader_ptr = nullptr;
  std::uint64_t start = 0, last_end = 0, rows_before_last_end = 0, rows = 0;
  std::uint64_t chunk_first_row = 1;
  Status failed;
  auto cut = [&](std::uint64_t end) {
    plan.chunks.push_back({start, end - start, chunk_first_row});
    start = end;
    chunk_first_row = rows_before_last_end + 1;
  };
  ledger::CsvReader reader([&](std::uint64_t record, std::uint64_t,
                               std::span<const std::string> fields) {
    const std::uint64_t end = reader_ptr->bytes();
    if (record == 1) {
      plan.header.resize(end);  // filled from the file below
    } else if (!(fields.size() == 1 && fields[0].empty())) {
      ++rows;
    }
    if (end - start > chunk_bytes) {
      // The first chunk holds the header and at least one record after it (the validators
      // read a chunk of row 1 as starting with the header).
      if (last_end == start || last_end == plan.header.size()) {
        failed = make_error("record_too_long", "a record ending at byte " + std::to_string(end) +
                                                   " does not fit in a chunk (" +
                                                   std::to_string(chunk_bytes) + " bytes)");
        return false;
      }
      cut(last_end);
      if (end - start > chunk_bytes) {
        failed = make_error("record_too_long", "the record ending at byte " + std::to_string(end) +
                                                   " is longer than a chunk (" +
                                                   std::to_string(chunk_bytes) + " bytes)");
        return false;
      }
    }
    last_end = end;
    rows_before_last_end = rows;
    return true;
  });
  reader_ptr = &reader;
  std::string buf(kReadBytes, '\0');
  while (in && failed.ok()) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto n = static_cast<std::size_t>(in.gcount());
    if (n == 0) break;
    RL_TRY(reader.feed(std::string_view(buf.data(), n)));
  }
  RL_TRY(failed);
  RL_TRY(reader.finish());
  RL_TRY(failed);
  if (reader.records() == 0) return make_error("bad_csv", path + " is empty");
  plan.size = reader.bytes();
  if (plan.size > start) cut(plan.size);
  plan.rows = rows;
  if (plan.chunks.size() > ledger::limits::kMaxReportChunks) {
    return make_error("too_many_chunks", path + " makes " + std::to_string(plan.chunks.size()) +
                                             " chunks; a report has at most " +
                                             std::to_string(ledger::limits::kMaxReportChunks));
  }
  std::ifstream again(path, std::ios::binary);
  RL_ASSIGN_OR_RETURN(plan.header, read_range(again, path, 0, plan.header.size()));
  return plan;
}

Result<UploadResult> upload_chunked(NodeClient& c, const Identity& signer,
                                    const std::string& chain_id, const std::string& path,
                                    const FilePlan& plan, const UploadOptions& o,
                                    const UploadProgressFn& progress) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error("cannot open", path);
  UploadResult out;
  auto& p = out.progress;
  p.bytes_total = plan.size;
  p.chunks_total = plan.chunks.size();
  crypto::Hasher whole(crypto::Suite::kP256Sha256);
  const auto start = std::chrono::steady_clock::now();
  RL_ASSIGN_OR_RETURN(std::uint64_t height, current_height(c));

  struct InFlight {
    std::string tx_id;
    std::size_t index = 0;
  };
  std::deque<InFlight> flight;
  auto settle_oldest = [&]() -> Status {
    InFlight f = std::move(flight.front());
    flight.pop_front();
    RL_TRY(c.wait_committed(f.tx_id, o.commit_timeout));
    p.bytes_done += plan.chunks[f.index].size;
    ++p.chunks_done;
    if (progress) progress(p);
    return {};
  };
  std::vector<std::string> ids;
  ids.reserve(plan.chunks.size());
  for (std::size_t i = 0; i < plan.chunks.size(); ++i) {
    const ChunkPlan& cp = plan.chunks[i];
    RL_ASSIGN_OR_RETURN(auto data, read_range(in, path, cp.offset, cp.size));
    whole.update(as_bytes(data));
    ledger::pb::StoreReportChunk chunk;
    chunk.set_template_id(o.template_id);
    chunk.set_template_version(o.template_version);
    chunk.set_table(o.table);
    chunk.set_header(plan.header);
    chunk.set_first_row(cp.first_row);
    chunk.set_data(std::move(data));
    const Bytes id = ledger::chunk_id(chunk);
    ids.push_back(to_string(id));
    // Committed by an earlier run: skipped.
    auto known = c.get_json(api::route_path<Route::kChunk>(to_hex(id)));
    if (known.ok()) {
      p.bytes_done += cp.size;
      ++p.chunks_done;
      ++p.chunks_skipped;
      if (progress) progress(p);
      continue;
    }
    if (known.error().code != api::to_string(ApiError::kNotFound)) return known.error();
    if (i % 64 == 0) {
      RL_ASSIGN_OR_RETURN(height, current_height(c));
    }
    RL_ASSIGN_OR_RETURN(auto tx,
                        build_signed_tx(signer, chain_id, height, [&](ledger::pb::TxBody& b) {
                          *b.mutable_store_report_chunk() = chunk;
                        }));
    for (int attempt = 0;; ++attempt) {
      auto sent = c.submit(tx);
      if (sent.ok()) {
        flight.push_back({*sent, i});
        p.bytes_sent += cp.size;
        break;
      }
      // A full mempool is back-pressure: let what is in flight commit, then send again.
      if (sent.error().code != api::to_string(ApiError::kMempoolFull) || attempt >= 100) {
        return sent.error();
      }
      if (!flight.empty()) {
        RL_TRY(settle_oldest());
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
      }
    }
    while (flight.size() >= std::max<std::size_t>(o.window, 1)) RL_TRY(settle_oldest());
  }
  while (!flight.empty()) RL_TRY(settle_oldest());
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out.file_sha256 = to_hex(whole.finish());

  RL_ASSIGN_OR_RETURN(height, current_height(c));
  RL_ASSIGN_OR_RETURN(auto tx,
                      build_signed_tx(signer, chain_id, height, [&](ledger::pb::TxBody& b) {
                        auto* r = b.mutable_submit_report();
                        r->set_template_id(o.template_id);
                        r->set_period(o.period);
                        r->set_batch(o.batch);
                        r->set_corrects(o.corrects);
                        r->set_content_type(ledger::chunk_content_type(o.table));
                        for (auto& id : ids) r->add_chunks(id);
                      }));
  RL_ASSIGN_OR_RETURN(out.report_id, c.submit(tx));
  RL_TRY(c.wait_committed(out.report_id, o.commit_timeout));
  return out;
}

Result<DownloadResult> download_chunked(NodeClient& c, const std::string& report_id,
                                        const std::string& out_path,
                                        const UploadProgressFn& progress) {
  RL_ASSIGN_OR_RETURN(auto list, c.get_json(api::route_path<Route::kReportChunks>(report_id)));
  if (!list.is_object() || !list.contains("chunks") || !list["chunks"].is_array()) {
    return make_error("bad_response", "no chunk list");
  }
  // The node's answer bounds what is fetched and written: no more chunks than a report may
  // have, each listed in order with its hash and row count, each at most a chunk's size.
  if (list["chunks"].size() > ledger::limits::kMaxReportChunks) {
    return make_error("bad_response", "the chunk list has more than " +
                                          std::to_string(ledger::limits::kMaxReportChunks) +
                                          " chunks");
  }
  std::uint64_t position = 0;
  for (const auto& ch : list["chunks"]) {
    const auto index = ch.find("index");
    const auto sha = ch.find("sha256");
    const auto rows = ch.find("rows");
    if (!ch.is_object() || index == ch.end() || !index->is_number_unsigned() ||
        index->get<std::uint64_t>() != position++ || sha == ch.end() || !sha->is_string() ||
        rows == ch.end() || !rows->is_number_unsigned()) {
      return make_error("bad_response", "chunk list entry " + std::to_string(position - 1) +
                                            " lacks its index, sha256 or rows, or is out of order");
    }
  }
  std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
  if (!out) return io_error("cannot write", out_path);
  DownloadResult r;
  UploadProgress p;
  p.chunks_total = list["chunks"].size();
  const auto size = list.find("size");
  p.bytes_total = size != list.end() && size->is_number_unsigned() ? size->get<std::uint64_t>() : 0;
  crypto::Hasher whole(crypto::Suite::kP256Sha256);
  for (const auto& ch : list["chunks"]) {
    const auto index = ch["index"].get<std::uint64_t>();  // each checked above
    const auto want = ch["sha256"].get<std::string>();
    RL_ASSIGN_OR_RETURN(auto data, c.get_bytes(api::route_path<Route::kReportChunk>(
                                       report_id, std::to_string(index))));
    if (data.empty() || data.size() > ledger::limits::kMaxChunkBytes) {
      return make_error("bad_response", "chunk " + std::to_string(index) + " is " +
                                            std::to_string(data.size()) + " bytes, not 1 to " +
                                            std::to_string(ledger::limits::kMaxChunkBytes));
    }
    if (to_hex(ledger::chunk_data_hash(data)) != want) {
      return make_error("chunk_mismatch", "chunk " + std::to_string(index) + " does not hash to " +
                                              want + " as listed");
    }
    whole.update(as_bytes(data));
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!out) return io_error("cannot write", out_path);
    r.size += data.size();
    ++r.chunks;
    r.chunk_sizes.push_back(data.size());
    r.chunk_rows.push_back(ch["rows"].get<std::uint64_t>());
    p.bytes_done = r.size;
    p.chunks_done = r.chunks;
    if (progress) progress(p);
  }
  out.close();
  if (!out) return io_error("cannot write", out_path);
  r.file_sha256 = to_hex(whole.finish());
  return r;
}

}  // namespace rl::client
