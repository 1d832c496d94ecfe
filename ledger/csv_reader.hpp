#pragma once
// An RFC 4180 reader that takes its input in pieces, so a 1 GB file is checked in constant memory
// (docs/reporting.md "CSV"). Fields are separated by commas and records by CRLF or LF; a quoted
// field may hold commas, line breaks and "" for a quote; a UTF-8 byte order mark may open the
// file; the last record may lack its line break. Every record is handed to the callback with its
// 1-based line number (of the record's first line); record 1 is the header.

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace rl::ledger {

inline constexpr std::size_t kMaxCsvFieldBytes = 64 * 1024;
inline constexpr std::size_t kMaxCsvFields = 1024;

class CsvReader {
 public:
  // `record` gets the record's number (1 = header) and its fields; a false return stops reading.
  using RecordFn =
      std::function<bool(std::uint64_t record, std::uint64_t line, std::span<const std::string>)>;
  explicit CsvReader(RecordFn on_record) : on_record_(std::move(on_record)) {}

  // Code: bad_csv, naming the line, for what cannot be read as CSV at all: invalid UTF-8, a NUL
  // byte, a quote inside an unquoted field, text after a closing quote, a field over 64 KiB,
  // more than 1024 fields, an unterminated quote (at finish). Reading stops at the first.
  Status feed(std::string_view chunk);
  Status finish();

  std::uint64_t records() const { return records_; }
  std::uint64_t bytes() const { return bytes_; }
  // The bytes fed so far end exactly where a record ends (or nothing was fed after the last
  // record): what a chunk of a larger file must do (ledger/report_chunks.hpp).
  bool at_record_start() const {
    return bom_checked_ && !record_started_ && state_ == State::kFieldStart && utf8_pending_ == 0;
  }

 private:
  enum class State { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted, kAfterCr };
  Status fail(const std::string& what) const;
  Status byte(unsigned char c);
  Status end_field();
  Status end_record();
  Status check_utf8(unsigned char c);
  Status flush_head();

  RecordFn on_record_;
  State state_ = State::kFieldStart;
  std::vector<std::string> fields_;
  std::string field_;
  std::uint64_t line_ = 1;
  std::uint64_t record_line_ = 1;
  std::uint64_t records_ = 0;
  std::uint64_t bytes_ = 0;
  int utf8_pending_ = 0;  // continuation bytes still expected
  unsigned char utf8_lead_ = 0;
  bool stopped_ = false;
  bool record_started_ = false;
  bool bom_checked_ = false;
  std::string head_;  // the first bytes, held until they are known not to be a BOM
};

}  // namespace rl::ledger
