// libFuzzer target: the table checker (ledger/table_check.hpp), which every validator runs on
// every report payload a bank sends. The input's first byte picks JSON or CSV against a fixed
// schema that uses every column type and every rule. Whatever the input: no crash, no more than
// kMaxReportedErrors messages, a count at least that large, and the CSV result identical when
// the same bytes arrive in small pieces; the chunk check of a large file on the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "ledger/table_check.hpp"

namespace {

const char* kSchema = R"({"tables": [
  {"name": "s", "max_rows": 1, "columns": [
    {"name": "total", "type": "decimal", "precision": 10, "scale": 2},
    {"name": "a", "type": "integer", "min": -5, "max": 100}]},
  {"name": "t", "max_rows": 50, "columns": [
    {"name": "id", "type": "string", "required": true, "max_length": 8, "pattern": "[A-Z][0-9]*x?"},
    {"name": "n", "type": "integer"},
    {"name": "amount", "type": "decimal", "precision": 6, "scale": 2, "min": "0"},
    {"name": "d1", "type": "date"}, {"name": "d2", "type": "date"},
    {"name": "k", "type": "enum", "values": ["A", "B"]}]}],
  "rules": [
    {"type": "sum", "table": "s", "total": "total", "parts": ["a"]},
    {"type": "column_sum", "table": "t", "column": "amount", "equals": {"table": "s", "column": "total"}},
    {"type": "required_if", "table": "t", "column": "n", "when": {"column": "k", "in": ["A"]}},
    {"type": "unique", "table": "t", "columns": ["id", "k"]},
    {"type": "compare", "table": "t", "left": "d2", "op": ">=", "right": "d1"}]})";

bool same(const rl::ledger::CheckResult& a, const rl::ledger::CheckResult& b) {
  if (a.error_count != b.error_count || a.rows != b.rows || a.errors.size() != b.errors.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.errors.size(); ++i) {
    if (rl::ledger::format_cell_error(a.errors[i]) != rl::ledger::format_cell_error(b.errors[i])) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto schema = rl::ledger::parse_table_schema(kSchema).value();
  if (size == 0) return 0;
  const std::string_view payload(reinterpret_cast<const char*>(data) + 1, size - 1);
  rl::ledger::CheckResult r;
  if (data[0] & 1) {
    r = rl::ledger::check_json_payload(schema, payload);
  } else {
    r = rl::ledger::check_csv_payload(schema, "t", payload);
    rl::ledger::CsvTableChecker pieces(schema, "t");
    const std::size_t step = 1 + (data[0] >> 1) % 13;
    for (std::size_t i = 0; i < payload.size(); i += step) pieces.feed(payload.substr(i, step));
    if (!same(r, pieces.finish())) std::abort();
    // The same bytes as a chunk of a larger file (ledger/report_chunks.hpp): the header is the
    // first line, the rest the chunk's records from some row on; then the whole-file rules over
    // that one chunk.
    const auto eol = payload.find('\n');
    if (eol != std::string_view::npos) {
      const std::uint64_t first_row = 1 + (data[0] >> 4);
      const auto header = payload.substr(0, eol + 1);
      const auto chunk = rl::ledger::check_csv_chunk(
          schema, {"t", header, first_row, first_row == 1 ? payload : payload.substr(eol + 1)});
      const auto& c = chunk.result;
      if (c.errors.size() > rl::ledger::kMaxReportedErrors || c.error_count < c.errors.size()) {
        std::abort();
      }
      std::vector<rl::ledger::ChunkParts> parts{chunk.parts};
      const auto set = rl::ledger::check_csv_chunk_set(schema, "t", parts);
      if (set.errors.size() > rl::ledger::kMaxReportedErrors) std::abort();
    }
  }
  if (r.errors.size() > rl::ledger::kMaxReportedErrors || r.error_count < r.errors.size()) {
    std::abort();
  }
  return 0;
}
