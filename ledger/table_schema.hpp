#pragma once
// A template's tables (docs/reporting.md "Templates"): typed columns and the rules across cells
// and rows that every payload of the template must satisfy. Parsed strictly from JSON (unknown
// keys, dangling references and every limit are errors naming where), stored canonically in the
// TemplateRecord, and checked by ledger/table_check.hpp.
//
// {"tables": [{"name", "title"?, "min_rows"?, "max_rows"?, "columns": [
//     {"name", "type": "string"|"integer"|"decimal"|"date"|"enum", "required"?,
//      string: "max_length"?, "pattern"?;  integer: "min"?, "max"? (JSON integers);
//      decimal: "precision", "scale", "min"?, "max"? (decimal strings);
//      date: "min"?, "max"? ("YYYY-MM-DD");  enum: "values"}]}],
//  "rules": [
//     {"type": "sum", "table", "total", "parts": [...]}              total = sum of parts, per row
//     {"type": "column_sum", "table", "column", "equals": {"table", "column"}}
//                                      sum over the rows = that cell of a one-row table
//     {"type": "required_if", "table", "column", "when": {"column", "in": [...]}}
//     {"type": "unique", "table", "columns": [...]}                  no two rows share the key
//     {"type": "compare", "table", "left", "op": "<"|"<="|">"|">="|"=="|"!=", "right"}]}

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "ledger/decimal.hpp"
#include "ledger/text_pattern.hpp"

namespace rl::ledger {

inline constexpr std::size_t kMaxSchemaBytes = 64 * 1024;
inline constexpr std::size_t kMaxSchemaTables = 16;
inline constexpr std::size_t kMaxTableColumns = 256;
inline constexpr std::size_t kMaxSchemaRules = 64;
inline constexpr std::size_t kMaxSumParts = 64;
inline constexpr std::size_t kMaxUniqueColumns = 8;
inline constexpr std::size_t kMaxEnumValues = 256;
inline constexpr std::uint64_t kMaxTableRows = 1'000'000'000;
inline constexpr std::uint64_t kDefaultMaxRows = 10'000'000;
inline constexpr std::uint32_t kMaxStringLength = 65536;

enum class ColumnType { kString, kInteger, kDecimal, kDate, kEnum };

struct Column {
  std::string name;
  ColumnType type = ColumnType::kString;
  bool required = false;
  std::uint32_t max_length = 1024;  // string, in bytes
  std::optional<TextPattern> pattern;
  std::optional<std::int64_t> int_min, int_max;
  std::uint32_t precision = 0, scale = 0;  // decimal
  std::optional<Decimal> dec_min, dec_max;
  std::optional<std::string> date_min, date_max;  // YYYY-MM-DD compares as text
  std::vector<std::string> values;                // enum
};

struct Table {
  std::string name;
  std::string title;
  std::uint64_t min_rows = 0;
  std::uint64_t max_rows = kDefaultMaxRows;
  std::vector<Column> columns;
  // The column's index, or -1.
  int column_index(std::string_view name) const;
};

enum class RuleType { kSum, kColumnSum, kRequiredIf, kUnique, kCompare };

struct Rule {
  RuleType type = RuleType::kSum;
  std::size_t table = 0;             // index into TableSchema::tables
  std::size_t column = 0;            // sum: the total; column_sum / required_if: the column
  std::vector<std::size_t> columns;  // sum: parts; unique: the key
  std::size_t other_table = 0, other_column = 0;  // column_sum: the cell it equals
  std::size_t when_column = 0;                    // required_if
  std::vector<std::string> when_in;
  std::size_t left = 0, right = 0;  // compare
  std::string op;
};

struct TableSchema {
  std::vector<Table> tables;
  std::vector<Rule> rules;
  std::string canonical;  // the canonical JSON text this schema was parsed from
  int table_index(std::string_view name) const;
};

// Code: bad_schema, naming where ("tables[1].columns[3]: precision must be 1-38").
Result<TableSchema> parse_table_schema(std::string_view json_text);

// "YYYY-MM-DD" naming a real calendar date.
bool valid_iso_date(std::string_view text);

}  // namespace rl::ledger
