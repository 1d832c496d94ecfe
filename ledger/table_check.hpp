#pragma once
// Checks a report payload against its template's tables (ledger/table_schema.hpp) and reports
// EVERY error it finds, each with its table, row and column: the first kMaxReportedErrors in
// full, the rest counted. The same code runs at admission, in every validator's execution and
// in `regledger report check`, so the three agree by construction (docs/reporting.md).
//
// Payloads:
//  - JSON: {"<table>": [{"<column>": value, ...}, ...], ...}. Strings for string, date and enum
//    columns; JSON integers for integer columns; a JSON number or a string for decimal columns
//    (the number's exact text is used, never a binary float); null or absent = missing.
//  - CSV (RFC 4180, UTF-8): one table; the first record names the columns (any order, optional
//    columns may be left out); an empty field is missing; blank lines are skipped.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/decimal.hpp"
#include "ledger/table_schema.hpp"

namespace rl::ledger {

inline constexpr std::size_t kMaxReportedErrors = 100;
inline constexpr std::size_t kMaxJsonNesting = 64;

struct CellError {
  std::string table;      // "" = the payload as a whole
  std::uint64_t row = 0;  // 1-based data row; 0 = the table as a whole
  std::string column;     // "" = the row as a whole
  std::string message;
};

struct CheckResult {
  std::vector<CellError> errors;  // at most kMaxReportedErrors, in the order found
  std::uint64_t error_count = 0;  // every error found
  std::uint64_t rows = 0;         // data rows read, every table
  bool ok() const { return error_count == 0; }
};

// "table loans, row 17, column balance: \"12.345\" has 3 decimal places; at most 2"
std::string format_cell_error(const CellError& e);
// The first `max_lines` errors, one per line, then "... and K more (T errors in all)".
std::string summarize(const CheckResult& r, std::size_t max_lines);

CheckResult check_json_payload(const TableSchema& schema, std::string_view payload);
// By content type: "application/json", or "text/csv" (a one-table schema) or
// "text/csv; table=NAME". Another content type is one payload-level error.
CheckResult check_payload(const TableSchema& schema, std::string_view content_type,
                          std::string_view payload);
// The table a CSV content type names ("" for application/json); nullopt when the content type
// is neither or names no table of the schema.
std::optional<std::string> csv_table_of(const TableSchema& schema, std::string_view content_type);
CheckResult check_csv_payload(const TableSchema& schema, std::string_view table,
                              std::string_view payload);

// The CSV check in pieces (a 1 GB file in constant memory, apart from `unique` keys): the same
// result as check_csv_payload over the concatenated pieces.
class CsvTableChecker {
 public:
  CsvTableChecker(const TableSchema& schema, std::string_view table);
  ~CsvTableChecker();
  CsvTableChecker(const CsvTableChecker&) = delete;
  CsvTableChecker& operator=(const CsvTableChecker&) = delete;
  void feed(std::string_view chunk);
  CheckResult finish();
  std::uint64_t rows() const;

  struct Impl;  // in table_check.cpp; check_csv_chunk reads a chunk with it

 private:
  std::unique_ptr<Impl> impl_;
};

// ---- large CSV files in chunks (ledger/report_chunks.hpp, docs/reporting.md "Large files") ----

// One chunk: whole records of one table's CSV, the rows from `first_row` on. The first chunk
// (first_row 1) starts with the header record itself; later ones are read after `header`.
struct CsvChunk {
  std::string_view table;
  std::string_view header;  // the file's first record, with its line end
  std::uint64_t first_row = 1;
  std::string_view data;
};

// What the rules over the whole table need from one chunk.
struct ColumnSumPart {
  std::uint32_t rule = 0;
  Decimal total;
  bool skip = false;
  bool overflow = false;
  std::optional<Decimal> target;
};
inline constexpr std::size_t kUniqueEntryBytes = 20;  // 16 bytes of SHA-256(key), u32be row
struct UniquePart {
  std::uint32_t rule = 0;
  std::string entries;  // sorted entries of kUniqueEntryBytes; row = offset from first_row
};
struct ChunkParts {
  std::uint64_t first_row = 1;
  std::uint64_t rows = 0;
  bool ends_record = false;  // the data ends with a line end
  std::vector<ColumnSumPart> sums;
  std::vector<UniquePart> unique;
};

struct ChunkCheck {
  CheckResult result;  // every row rule, with the rows numbered as in the whole file
  ChunkParts parts;
};

// The same per-row verdicts as check_csv_payload gives these rows inside the whole file. A chunk
// must hold whole records: data ending inside a quoted field is an error.
ChunkCheck check_csv_chunk(const TableSchema& schema, const CsvChunk& chunk);

// The rules over the whole table (row counts, column sums, unique keys across chunks) from the
// parts of every chunk in file order, which must number the rows without gap or overlap and end
// with a line end except the last.
CheckResult check_csv_chunk_set(const TableSchema& schema, std::string_view table,
                                std::span<const ChunkParts> parts);

}  // namespace rl::ledger
