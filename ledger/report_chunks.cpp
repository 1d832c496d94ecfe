#include "ledger/report_chunks.hpp"

#include "crypto/hash.hpp"

namespace rl::ledger {
namespace {

void append_text(Bytes& out, std::string_view s) {
  out.insert(out.end(), s.begin(), s.end());
  out.push_back(0);
}

}  // namespace

Bytes chunk_data_hash(std::string_view data) {
  return crypto::sha256(as_bytes(data));
}

Bytes chunk_id(const pb::StoreReportChunk& c) {
  Bytes in = to_bytes(std::string_view("regledger/chunk/v1"));
  in.push_back(0);
  append_text(in, c.template_id());
  for (int shift = 24; shift >= 0; shift -= 8) {
    in.push_back(static_cast<std::uint8_t>(c.template_version() >> shift));
  }
  append_text(in, c.table());
  const Bytes header = crypto::sha256(as_bytes(c.header()));
  in.insert(in.end(), header.begin(), header.end());
  append_u64_be(in, c.first_row());
  const Bytes data = chunk_data_hash(c.data());
  in.insert(in.end(), data.begin(), data.end());
  return crypto::sha256(in);
}

std::string chunk_content_type(std::string_view table) {
  return table.empty() ? std::string("text/csv") : "text/csv; table=" + std::string(table);
}

void set_chunk_parts(pb::ReportChunkRecord& rec, const ChunkParts& parts) {
  rec.set_first_row(parts.first_row);
  rec.set_rows(parts.rows);
  rec.set_ends_record(parts.ends_record);
  for (const auto& s : parts.sums) {
    auto* out = rec.add_sums();
    out->set_rule(s.rule);
    out->set_total(decimal_text(s.total));
    out->set_skip(s.skip);
    out->set_overflow(s.overflow);
    if (s.target) out->set_target(decimal_text(*s.target));
  }
  for (const auto& u : parts.unique) {
    auto* out = rec.add_unique_keys();
    out->set_rule(u.rule);
    out->set_entries(u.entries);
  }
}

std::optional<ChunkParts> chunk_parts(const pb::ReportChunkRecord& rec) {
  ChunkParts parts;
  parts.first_row = rec.first_row();
  parts.rows = rec.rows();
  parts.ends_record = rec.ends_record();
  for (const auto& s : rec.sums()) {
    auto total = parse_decimal(s.total());
    if (!total) return std::nullopt;
    ColumnSumPart part{s.rule(), *total, s.skip(), s.overflow(), std::nullopt};
    if (!s.target().empty()) {
      part.target = parse_decimal(s.target());
      if (!part.target) return std::nullopt;
    }
    parts.sums.push_back(std::move(part));
  }
  for (const auto& u : rec.unique_keys()) parts.unique.push_back({u.rule(), u.entries()});
  return parts;
}

}  // namespace rl::ledger
