#include "ledger/table_check.hpp"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <unordered_map>

#include "crypto/hash.hpp"
#include "ledger/csv_reader.hpp"

namespace rl::ledger {
namespace {

// A cell as read: its text, and for JSON what kind of value carried it.
enum class CellKind { kMissing, kText, kJsonString, kJsonNumber, kJsonOther };
struct Cell {
  CellKind kind = CellKind::kMissing;
  std::string text;
};

// A cell's value once its column's checks passed (what the rules compare and add).
struct Value {
  bool valid = false;
  std::optional<Decimal> number;  // integer and decimal columns
};

std::string shown_text(std::string_view s) {
  constexpr std::size_t kShown = 64;
  std::string out = "\"";
  out += s.size() > kShown ? std::string(s.substr(0, kShown)) + "..." : std::string(s);
  return out + "\"";
}

bool parse_int64(std::string_view t, std::int64_t& out) {
  const bool neg = !t.empty() && t[0] == '-';
  std::string_view digits = neg ? t.substr(1) : t;
  if (digits.empty() || digits.size() > 19) return false;
  unsigned __int128 v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  const unsigned __int128 limit = neg ? (unsigned __int128)INT64_MAX + 1 : INT64_MAX;
  if (v > limit) return false;
  out = neg ? static_cast<std::int64_t>(-static_cast<__int128>(v)) : static_cast<std::int64_t>(v);
  return true;
}

const char* type_name(ColumnType t) {
  switch (t) {
    case ColumnType::kString:
      return "string";
    case ColumnType::kInteger:
      return "integer";
    case ColumnType::kDecimal:
      return "decimal";
    case ColumnType::kDate:
      return "date";
    case ColumnType::kEnum:
      return "enum";
  }
  return "?";
}

}  // namespace

// The checker shared by the JSON and CSV front ends: rows in, errors out.
class TableChecker {
 public:
  explicit TableChecker(const TableSchema& s) : s_(s), tables_(s.tables.size()) {
    sums_.resize(s.rules.size());
  }

  void error(std::string table, std::uint64_t row, std::string column, std::string message) {
    ++result_.error_count;
    if (result_.errors.size() < kMaxReportedErrors) {
      result_.errors.push_back({std::move(table), row, std::move(column), std::move(message)});
    }
  }

  // Row numbers are per table, from 1.
  std::uint64_t next_row(std::size_t ti) { return tables_[ti].rows + 1; }

  // A row that could not be read into cells: counted (row numbers stay true), not judged.
  void count_row(std::size_t ti) {
    const std::uint64_t r = ++tables_[ti].rows;
    ++result_.rows;
    if (r == s_.tables[ti].max_rows + 1) {
      error(s_.tables[ti].name, 0, "",
            "has more than " + std::to_string(s_.tables[ti].max_rows) + " rows");
    }
  }

  void row(std::size_t ti, std::vector<Cell>& cells) {
    const Table& t = s_.tables[ti];
    count_row(ti);
    const std::uint64_t r = tables_[ti].rows;
    std::vector<Value> values(t.columns.size());
    for (std::size_t c = 0; c < t.columns.size(); ++c)
      values[c] = cell(t, r, t.columns[c], cells[c]);
    for (std::size_t i = 0; i < s_.rules.size(); ++i) {
      const Rule& rule = s_.rules[i];
      if (rule.table == ti) row_rule(i, rule, t, r, cells, values);
      // The one cell a column_sum compares with: row 1 of its one-row table.
      if (rule.type == RuleType::kColumnSum && rule.other_table == ti && r == 1 &&
          values[rule.other_column].valid && cells[rule.other_column].kind != CellKind::kMissing) {
        sums_[i].target = values[rule.other_column].number;
      }
    }
  }

  // When the payload could not be read to its end: what was found, no judgement of row counts
  // or sums over rows that were never seen.
  CheckResult finish_partial() { return std::move(result_); }

  struct RuleState {
    Decimal total;
    std::optional<Decimal> target;
    bool overflow = false;
    bool skip = false;  // a summed cell was invalid: the sum means nothing
    std::unordered_map<std::string, std::uint64_t> keys;  // unique: key -> first row
  };
  // Chunks of one file (check_csv_chunk): rows of table `ti` are numbered on from `rows`, and
  // the rules over the whole table read and set their state here.
  void set_rows(std::size_t ti, std::uint64_t rows) { tables_[ti].rows = rows; }
  std::uint64_t rows_read() const { return result_.rows; }
  RuleState& rule_state(std::size_t i) { return sums_[i]; }

  // `only`: the one table the payload holds (a CSV); rules about other tables are not judged.
  CheckResult finish(std::optional<std::size_t> only = std::nullopt) {
    for (std::size_t ti = 0; ti < s_.tables.size(); ++ti) {
      if (only && ti != *only) continue;
      const Table& t = s_.tables[ti];
      if (tables_[ti].rows < t.min_rows) {
        error(t.name, 0, "",
              "has " + std::to_string(tables_[ti].rows) + " rows; at least " +
                  std::to_string(t.min_rows) + " required");
      }
    }
    for (std::size_t i = 0; i < s_.rules.size(); ++i) {
      const Rule& rule = s_.rules[i];
      if (rule.type != RuleType::kColumnSum) continue;
      if (only && (rule.table != *only || rule.other_table != *only)) continue;
      const auto& sum = sums_[i];
      const Table& t = s_.tables[rule.table];
      const Table& o = s_.tables[rule.other_table];
      const std::string what = o.name + "." + o.columns[rule.other_column].name;
      if (sum.overflow) {
        error(t.name, 0, t.columns[rule.column].name, "the column's sum overflows 38 digits");
      } else if (sum.target && !sum.skip) {
        if (compare_decimals(sum.total, *sum.target).value_or(1) != 0) {
          error(t.name, 0, t.columns[rule.column].name,
                "sums to " + decimal_text(sum.total) + " but " + what + " is " +
                    decimal_text(*sum.target));
        }
      }
    }
    return std::move(result_);
  }

 private:
  struct TableState {
    std::uint64_t rows = 0;
  };

  Value cell(const Table& t, std::uint64_t r, const Column& col, const Cell& c) {
    Value v;
    auto fail = [&](const std::string& why) {
      error(t.name, r, col.name, why);
      return v;
    };
    if (c.kind == CellKind::kMissing) {
      if (col.required) return fail("is required");
      v.valid = true;
      return v;
    }
    if (c.kind == CellKind::kJsonOther)
      return fail(std::string("a ") + type_name(col.type) +
                  " column takes no objects, arrays or booleans");
    const std::string& x = c.text;
    switch (col.type) {
      case ColumnType::kString:
        if (c.kind == CellKind::kJsonNumber) return fail("expects a JSON string");
        if (x.size() > col.max_length) {
          return fail("is " + std::to_string(x.size()) + " bytes; at most " +
                      std::to_string(col.max_length));
        }
        if (col.pattern && !col.pattern->matches(x)) {
          return fail(shown_text(x) + " does not match the pattern " + col.pattern->source());
        }
        break;
      case ColumnType::kInteger: {
        if (c.kind == CellKind::kJsonString) return fail("expects a JSON integer, not a string");
        std::int64_t n = 0;
        if (!parse_int64(x, n)) return fail(shown_text(x) + " is not an integer");
        if (col.int_min && n < *col.int_min) {
          return fail(x + " is below the minimum " + std::to_string(*col.int_min));
        }
        if (col.int_max && n > *col.int_max) {
          return fail(x + " is above the maximum " + std::to_string(*col.int_max));
        }
        v.number = parse_decimal(x);
        break;
      }
      case ColumnType::kDecimal: {
        auto d = parse_decimal(x);
        if (!d) return fail(shown_text(x) + " is not a decimal number such as 1234.56");
        if (d->scale > col.scale) {
          return fail(shown_text(x) + " has " + std::to_string(d->scale) +
                      " decimal places; at most " + std::to_string(col.scale));
        }
        if (d->integer_digits > col.precision - col.scale) {
          return fail(shown_text(x) + " has " + std::to_string(d->integer_digits) +
                      " digits before the point; at most " +
                      std::to_string(col.precision - col.scale));
        }
        if (col.dec_min && compare_decimals(*d, *col.dec_min).value_or(-1) < 0) {
          return fail(x + " is below the minimum " + decimal_text(*col.dec_min));
        }
        if (col.dec_max && compare_decimals(*d, *col.dec_max).value_or(1) > 0) {
          return fail(x + " is above the maximum " + decimal_text(*col.dec_max));
        }
        v.number = d;
        break;
      }
      case ColumnType::kDate:
        if (c.kind == CellKind::kJsonNumber) return fail("expects a date string YYYY-MM-DD");
        if (!valid_iso_date(x)) return fail(shown_text(x) + " is not a date YYYY-MM-DD");
        if (col.date_min && x < *col.date_min) return fail(x + " is before " + *col.date_min);
        if (col.date_max && x > *col.date_max) return fail(x + " is after " + *col.date_max);
        break;
      case ColumnType::kEnum: {
        if (c.kind == CellKind::kJsonNumber) return fail("expects a JSON string");
        bool found = false;
        for (const auto& allowed : col.values) found = found || allowed == x;
        if (!found) {
          std::string list;
          for (std::size_t i = 0; i < col.values.size() && i < 10; ++i) {
            list += (i ? ", " : "") + col.values[i];
          }
          if (col.values.size() > 10) list += ", ...";
          return fail(shown_text(x) + " is not one of " + list);
        }
        break;
      }
    }
    v.valid = true;
    return v;
  }

  void row_rule(std::size_t i, const Rule& rule, const Table& t, std::uint64_t r,
                const std::vector<Cell>& cells, const std::vector<Value>& values) {
    auto present = [&](std::size_t c) { return cells[c].kind != CellKind::kMissing; };
    auto name = [&](std::size_t c) -> const std::string& { return t.columns[c].name; };
    switch (rule.type) {
      case RuleType::kSum: {
        if (!present(rule.column) || !values[rule.column].valid) return;
        Decimal total;
        std::string parts;
        for (auto p : rule.columns) {
          parts += (parts.empty() ? "" : " + ") + name(p);
          if (!values[p].valid) return;  // already reported; the sum means nothing
          if (!present(p)) continue;
          auto next = add_decimals(total, *values[p].number);
          if (!next) return error(t.name, r, name(rule.column), "the sum of its parts overflows");
          total = *next;
        }
        if (compare_decimals(*values[rule.column].number, total).value_or(1) != 0) {
          error(t.name, r, name(rule.column),
                cells[rule.column].text + " is not the sum of " + parts + " (" +
                    decimal_text(total) + ")");
        }
        return;
      }
      case RuleType::kColumnSum: {
        auto& st = sums_[i];
        if (!values[rule.column].valid) {
          st.skip = true;
          return;
        }
        if (!present(rule.column) || st.overflow) return;
        auto next = add_decimals(st.total, *values[rule.column].number);
        if (!next) {
          st.overflow = true;
          return;
        }
        st.total = *next;
        return;
      }
      case RuleType::kRequiredIf: {
        if (present(rule.column) || !present(rule.when_column)) return;
        const auto& when = cells[rule.when_column].text;
        for (const auto& v : rule.when_in) {
          if (v == when) {
            return error(t.name, r, name(rule.column),
                         "is required when " + name(rule.when_column) + " is " + when);
          }
        }
        return;
      }
      case RuleType::kUnique: {
        std::string key;
        for (auto c : rule.columns) {
          if (!present(c)) return;
          key += cells[c].text;
          key.push_back('\x1f');
        }
        auto [it, inserted] = sums_[i].keys.emplace(std::move(key), r);
        if (!inserted) duplicate_key(rule, r, it->second);
        return;
      }
      case RuleType::kCompare: {
        if (!present(rule.left) || !present(rule.right) || !values[rule.left].valid ||
            !values[rule.right].valid) {
          return;
        }
        int cmp = 0;
        if (values[rule.left].number && values[rule.right].number) {
          cmp = compare_decimals(*values[rule.left].number, *values[rule.right].number).value_or(0);
        } else {
          const auto& a = cells[rule.left].text;
          const auto& b = cells[rule.right].text;
          cmp = a < b ? -1 : (a > b ? 1 : 0);
        }
        const auto& op = rule.op;
        const bool holds = op == "<"    ? cmp < 0
                           : op == "<=" ? cmp <= 0
                           : op == ">"  ? cmp > 0
                           : op == ">=" ? cmp >= 0
                           : op == "==" ? cmp == 0
                                        : cmp != 0;
        if (!holds) {
          error(t.name, r, name(rule.left),
                cells[rule.left].text + " is not " + op + " " + name(rule.right) + " " +
                    cells[rule.right].text);
        }
        return;
      }
    }
  }

 public:
  void duplicate_key(const Rule& rule, std::uint64_t row, std::uint64_t first_row) {
    const Table& t = s_.tables[rule.table];
    std::string cols;
    for (auto c : rule.columns) cols += (cols.empty() ? "" : ", ") + t.columns[c].name;
    error(t.name, row, t.columns[rule.columns.front()].name,
          "duplicates row " + std::to_string(first_row) + " in (" + cols + ")");
  }

 private:
  const TableSchema& s_;
  std::vector<TableState> tables_;
  std::vector<RuleState> sums_;
  CheckResult result_;
};

std::string format_cell_error(const CellError& e) {
  std::string out;
  if (!e.table.empty()) out = "table " + e.table;
  if (e.row > 0) out += ", row " + std::to_string(e.row);
  if (!e.column.empty()) out += ", column " + e.column;
  return out.empty() ? e.message : out + ": " + e.message;
}

std::string summarize(const CheckResult& r, std::size_t max_lines) {
  std::string out;
  const std::size_t shown = std::min(max_lines, r.errors.size());
  for (std::size_t i = 0; i < shown; ++i) {
    if (i) out += "\n";
    out += format_cell_error(r.errors[i]);
  }
  if (r.error_count > shown) {
    out += "\n... and " + std::to_string(r.error_count - shown) + " more (" +
           std::to_string(r.error_count) + " errors in all)";
  }
  return out;
}

// ------------------------------------------------------------------ JSON

namespace {

// Walks the JSON payload as SAX events: tables, their row arrays, each row's cells. What does
// not fit is reported and its subtree skipped; only malformed JSON or too deep nesting stops it.
class JsonRows : public nlohmann::json_sax<nlohmann::json> {
 public:
  JsonRows(const TableSchema& s, TableChecker& check) : s_(s), check_(check) {}

  bool null() override { return scalar(CellKind::kMissing, ""); }
  bool boolean(bool b) override { return scalar(CellKind::kJsonOther, b ? "true" : "false"); }
  bool number_integer(number_integer_t v) override {
    return scalar(CellKind::kJsonNumber, std::to_string(v));
  }
  bool number_unsigned(number_unsigned_t v) override {
    return scalar(CellKind::kJsonNumber, std::to_string(v));
  }
  bool number_float(number_float_t, const string_t& raw) override {
    return scalar(CellKind::kJsonNumber, raw);
  }
  bool string(string_t& v) override { return scalar(CellKind::kJsonString, v); }
  bool binary(binary_t&) override { return scalar(CellKind::kJsonOther, ""); }

  bool start_object(std::size_t) override { return open(true); }
  bool start_array(std::size_t) override { return open(false); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }

  bool key(string_t& k) override {
    if (skip_ > 0) return true;
    if (level_ == 1) {  // a table name
      table_ = s_.table_index(k);
      if (table_ < 0) {
        check_.error("", 0, "", "unknown table '" + k + "'");
      } else if (!seen_tables_.insert(k).second) {
        check_.error(k, 0, "", "appears twice");
        table_ = -1;
      }
    } else if (level_ == 3) {  // a column name
      column_ = -1;
      const Table& t = s_.tables[static_cast<std::size_t>(table_)];
      const int c = t.column_index(k);
      if (c < 0) {
        check_.error(t.name, check_.next_row(static_cast<std::size_t>(table_)), k,
                     "unknown column");
      } else if (row_[static_cast<std::size_t>(c)].kind != CellKind::kMissing ||
                 seen_columns_.contains(k)) {
        check_.error(t.name, check_.next_row(static_cast<std::size_t>(table_)), k,
                     "appears twice in the row");
      } else {
        column_ = c;
        seen_columns_.insert(k);
      }
    }
    return true;
  }

  bool parse_error(std::size_t pos, const std::string&,
                   const nlohmann::detail::exception&) override {
    check_.error("", 0, "", "payload is not valid JSON (byte " + std::to_string(pos) + ")");
    return false;
  }

  bool stopped() const { return stopped_; }

 private:
  // Levels: 0 the payload, 1 inside the top object, 2 inside a table's array, 3 inside a row.
  bool scalar(CellKind kind, std::string text) {
    if (skip_ > 0) return true;
    switch (level_) {
      case 0:
        check_.error("", 0, "", "payload must be a JSON object of tables");
        return true;
      case 1:
        if (table_ >= 0) {
          check_.error(s_.tables[static_cast<std::size_t>(table_)].name, 0, "",
                       "must be an array of rows");
        }
        return true;
      case 2:
        if (table_ >= 0) {
          const auto ti = static_cast<std::size_t>(table_);
          check_.error(s_.tables[ti].name, check_.next_row(ti), "", "a row must be a JSON object");
          std::vector<Cell> empty(s_.tables[ti].columns.size());
          check_.row(ti, empty);
        }
        return true;
      default:
        if (column_ >= 0) {
          auto& cell = row_[static_cast<std::size_t>(column_)];
          cell.kind = kind;
          cell.text = std::move(text);
        }
        return true;
    }
  }

  bool open(bool object) {
    ++depth_;
    if (depth_ > kMaxJsonNesting) {
      check_.error("", 0, "", "payload nests deeper than " + std::to_string(kMaxJsonNesting));
      stopped_ = true;
      return false;
    }
    if (skip_ > 0) {
      ++skip_;
      return true;
    }
    const bool fits = (level_ == 0 && object) || (level_ == 1 && !object && table_ >= 0) ||
                      (level_ == 2 && object);
    if (!fits) {
      if (level_ == 0) {
        check_.error("", 0, "", "payload must be a JSON object of tables");
      } else if (level_ == 1 && table_ >= 0) {
        check_.error(s_.tables[static_cast<std::size_t>(table_)].name, 0, "",
                     "must be an array of rows");
      } else if (level_ == 2) {
        const auto ti = static_cast<std::size_t>(table_);
        check_.error(s_.tables[ti].name, check_.next_row(ti), "", "a row must be a JSON object");
        std::vector<Cell> empty(s_.tables[ti].columns.size());
        check_.row(ti, empty);
      } else if (level_ == 3 && column_ >= 0) {
        auto& cell = row_[static_cast<std::size_t>(column_)];
        cell.kind = CellKind::kJsonOther;
      }
      skip_ = 1;
      return true;
    }
    ++level_;
    if (level_ == 3) {
      row_.assign(s_.tables[static_cast<std::size_t>(table_)].columns.size(), Cell{});
      seen_columns_.clear();
      column_ = -1;
    }
    return true;
  }

  bool close() {
    --depth_;
    if (skip_ > 0) {
      --skip_;
      return true;
    }
    if (level_ == 3) check_.row(static_cast<std::size_t>(table_), row_);
    --level_;
    return true;
  }

  const TableSchema& s_;
  TableChecker& check_;
  std::size_t depth_ = 0;
  int level_ = 0;
  int skip_ = 0;
  int table_ = -1;
  int column_ = -1;
  std::vector<Cell> row_;
  std::set<std::string> seen_tables_;
  std::set<std::string> seen_columns_;
  bool stopped_ = false;
};

}  // namespace

CheckResult check_json_payload(const TableSchema& schema, std::string_view payload) {
  TableChecker check(schema);
  // nlohmann's lexer takes a NUL byte for the end of input: whatever followed one would be
  // stored on the ledger without ever being checked.
  if (const auto nul = payload.find('\0'); nul != std::string_view::npos) {
    check.error("", 0, "", "payload holds a NUL byte (byte " + std::to_string(nul) + ")");
    return check.finish_partial();
  }
  JsonRows rows(schema, check);
  const bool parsed =
      nlohmann::json::sax_parse(payload, &rows, nlohmann::json::input_format_t::json,
                                /*strict=*/true);
  if (!parsed) {
    // Malformed or too deep: what was read is reported, and no row count is judged.
    return check.finish_partial();
  }
  return check.finish();
}

// ------------------------------------------------------------------ CSV

std::optional<std::string> csv_table_of(const TableSchema& schema, std::string_view ct) {
  if (ct == "application/json") return std::string();
  constexpr std::string_view kCsv = "text/csv";
  if (!ct.starts_with(kCsv)) return std::nullopt;
  std::string_view rest = ct.substr(kCsv.size());
  if (rest.empty()) {
    if (schema.tables.size() != 1) return std::nullopt;
    return schema.tables.front().name;
  }
  constexpr std::string_view kTable = "; table=";
  if (!rest.starts_with(kTable)) return std::nullopt;
  const std::string table(rest.substr(kTable.size()));
  if (schema.table_index(table) < 0) return std::nullopt;
  return table;
}

CheckResult check_payload(const TableSchema& schema, std::string_view content_type,
                          std::string_view payload) {
  auto table = csv_table_of(schema, content_type);
  if (!table) {
    CheckResult r;
    r.error_count = 1;
    r.errors.push_back({"", 0, "",
                        "content type must be application/json, text/csv (one-table templates) "
                        "or text/csv; table=NAME naming one of the template's tables"});
    return r;
  }
  return table->empty() ? check_json_payload(schema, payload)
                        : check_csv_payload(schema, *table, payload);
}

struct CsvTableChecker::Impl {
  Impl(const TableSchema& s, std::string_view table)
      : schema(s),
        check(s),
        reader([this](std::uint64_t record, std::uint64_t line, std::span<const std::string> f) {
          return on_record(record, line, f);
        }) {
    const int ti = s.table_index(table);
    if (ti < 0) {
      check.error(std::string(table), 0, "", "the template has no such table");
      broken = true;
    } else {
      table_index = static_cast<std::size_t>(ti);
    }
  }

  bool on_record(std::uint64_t record, std::uint64_t line, std::span<const std::string> fields) {
    const Table& t = schema.tables[table_index];
    if (record == 1) {
      std::set<std::string> seen;
      for (const auto& name : fields) {
        int c = t.column_index(name);
        if (c < 0) {
          check.error(t.name, 0, name, "the header names an unknown column");
        } else if (!seen.insert(name).second) {
          check.error(t.name, 0, name, "the header names the column twice");
          c = -1;
        }
        mapping.push_back(c);
      }
      for (const auto& col : t.columns) {
        if (col.required && !seen.contains(col.name)) {
          check.error(t.name, 0, col.name, "the header lacks this required column");
        }
      }
      return true;
    }
    if (fields.size() == 1 && fields[0].empty()) return true;  // a blank line
    std::vector<Cell> cells(t.columns.size());
    if (fields.size() != mapping.size()) {
      // Which field is which is unknown: the row counts, its cells are not judged.
      check.error(t.name, check.next_row(table_index), "",
                  "has " + std::to_string(fields.size()) + " fields; the header has " +
                      std::to_string(mapping.size()) + " (line " + std::to_string(line) +
                      (chunk_mode ? " of the chunk)" : ")"));
      check.count_row(table_index);
      return true;
    }
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (mapping[i] < 0 || fields[i].empty()) continue;
      auto& cell = cells[static_cast<std::size_t>(mapping[i])];
      cell.kind = CellKind::kText;
      cell.text = fields[i];
    }
    check.row(table_index, cells);
    return true;
  }

  const TableSchema& schema;
  TableChecker check;
  CsvReader reader;
  std::size_t table_index = 0;
  std::vector<int> mapping;  // CSV field -> column, -1 when unknown
  bool broken = false;       // nothing more is read
  bool chunk_mode = false;   // line numbers count from the chunk's header
};

CsvTableChecker::CsvTableChecker(const TableSchema& schema, std::string_view table)
    : impl_(std::make_unique<Impl>(schema, table)) {}
CsvTableChecker::~CsvTableChecker() = default;

void CsvTableChecker::feed(std::string_view chunk) {
  if (impl_->broken) return;
  if (auto st = impl_->reader.feed(chunk); !st.ok()) {
    impl_->check.error(impl_->schema.tables[impl_->table_index].name, 0, "", st.error().message);
    impl_->broken = true;
  }
}

CheckResult CsvTableChecker::finish() {
  if (!impl_->broken) {
    if (auto st = impl_->reader.finish(); !st.ok()) {
      impl_->check.error(impl_->schema.tables[impl_->table_index].name, 0, "", st.error().message);
      impl_->broken = true;
    } else if (impl_->reader.records() == 0) {
      impl_->check.error(impl_->schema.tables[impl_->table_index].name, 0, "",
                         "the CSV is empty: the first line names the columns");
    }
  }
  return impl_->broken ? impl_->check.finish_partial() : impl_->check.finish(impl_->table_index);
}

std::uint64_t CsvTableChecker::rows() const {
  return impl_->reader.records() > 0 ? impl_->reader.records() - 1 : 0;
}

CheckResult check_csv_payload(const TableSchema& schema, std::string_view table,
                              std::string_view payload) {
  CsvTableChecker c(schema, table);
  c.feed(payload);
  return c.finish();
}

namespace {

std::uint32_t read_u32be(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (std::uint32_t{u[0]} << 24) | (std::uint32_t{u[1]} << 16) | (std::uint32_t{u[2]} << 8) |
         std::uint32_t{u[3]};
}

// The parts of the rules over the whole table that one chunk's rows make.
void collect_parts(const TableSchema& schema, std::size_t ti, TableChecker& check,
                   ChunkParts& parts) {
  for (std::size_t i = 0; i < schema.rules.size(); ++i) {
    const Rule& rule = schema.rules[i];
    auto& st = check.rule_state(i);
    if (rule.type == RuleType::kColumnSum && rule.table == ti && rule.other_table == ti) {
      parts.sums.push_back(
          {static_cast<std::uint32_t>(i), st.total, st.skip, st.overflow, st.target});
    }
    if (rule.type != RuleType::kUnique || rule.table != ti) continue;
    UniquePart u{static_cast<std::uint32_t>(i), {}};
    std::vector<std::string> entries;
    entries.reserve(st.keys.size());
    for (const auto& [key, row] : st.keys) {
      const Bytes h = crypto::sha256(as_bytes(key));
      std::string e(reinterpret_cast<const char*>(h.data()), 16);
      const auto offset = static_cast<std::uint32_t>(row - parts.first_row);
      for (int shift = 24; shift >= 0; shift -= 8) e.push_back(static_cast<char>(offset >> shift));
      entries.push_back(std::move(e));
    }
    std::sort(entries.begin(), entries.end());
    u.entries.reserve(entries.size() * kUniqueEntryBytes);
    for (const auto& e : entries) u.entries += e;
    parts.unique.push_back(std::move(u));
  }
}

}  // namespace

ChunkCheck check_csv_chunk(const TableSchema& schema, const CsvChunk& chunk) {
  ChunkCheck out;
  out.parts.first_row = chunk.first_row;
  CsvTableChecker::Impl impl(schema, chunk.table);
  impl.chunk_mode = true;
  auto done = [&]() -> ChunkCheck {
    out.result = impl.check.finish_partial();
    return std::move(out);
  };
  if (impl.broken) return done();
  const std::size_t ti = impl.table_index;
  const std::string& name = schema.tables[ti].name;
  auto fail = [&](const std::string& why) {
    impl.check.error(name, 0, "", why);
    return done();
  };
  // Row numbers are u32 offsets within a chunk and fit easily in 2^48 over a file.
  if (chunk.first_row == 0 || chunk.first_row > (std::uint64_t{1} << 48)) {
    return fail("a chunk's first row counts from 1");
  }
  std::uint64_t header_records = 0;
  CsvReader header_reader([&](std::uint64_t, std::uint64_t, std::span<const std::string>) {
    ++header_records;
    return true;
  });
  if (!header_reader.feed(chunk.header).ok() || !header_reader.at_record_start() ||
      header_records != 1) {
    return fail("the header must be one CSV record with its line end");
  }
  if (chunk.first_row == 1) {
    if (!chunk.data.starts_with(chunk.header)) {
      return fail("the chunk of row 1 must start with the header record");
    }
  } else {
    if (auto st = impl.reader.feed(chunk.header); !st.ok()) return fail(st.error().message);
    impl.check.set_rows(ti, chunk.first_row - 1);
  }
  if (auto st = impl.reader.feed(chunk.data); !st.ok()) {
    return fail("chunk from row " + std::to_string(chunk.first_row) + ": " + st.error().message);
  }
  out.parts.ends_record = impl.reader.at_record_start();
  if (!out.parts.ends_record) {
    // The file's last chunk may end without a line end; a quote left open is an error.
    if (auto st = impl.reader.finish(); !st.ok()) {
      return fail("chunk from row " + std::to_string(chunk.first_row) + ": " + st.error().message);
    }
  }
  out.parts.rows = impl.check.rows_read();
  collect_parts(schema, ti, impl.check, out.parts);
  return done();
}

CheckResult check_csv_chunk_set(const TableSchema& schema, std::string_view table,
                                std::span<const ChunkParts> parts) {
  TableChecker check(schema);
  const int found = schema.table_index(table);
  if (found < 0) {
    check.error(std::string(table), 0, "", "the template has no such table");
    return check.finish_partial();
  }
  const auto ti = static_cast<std::size_t>(found);
  const Table& t = schema.tables[ti];
  std::uint64_t rows = 0;
  // Per unique rule: (16 bytes of the key's hash, row) over every chunk.
  std::vector<std::vector<std::pair<std::array<char, 16>, std::uint64_t>>> keys(
      schema.rules.size());
  for (std::size_t k = 0; k < parts.size(); ++k) {
    const ChunkParts& p = parts[k];
    const std::string which = "chunk " + std::to_string(k + 1);
    if (p.first_row != rows + 1) {
      check.error(t.name, 0, "",
                  which + " starts at row " + std::to_string(p.first_row) + "; row " +
                      std::to_string(rows + 1) + " follows the chunks before it");
    }
    if (!p.ends_record && k + 1 < parts.size()) {
      check.error(t.name, 0, "", which + " does not end with a line end but is not the last");
    }
    rows += p.rows;
    for (const auto& part : p.sums) {
      if (part.rule >= schema.rules.size()) continue;  // made by check_csv_chunk: cannot be
      auto& st = check.rule_state(part.rule);
      st.skip = st.skip || part.skip;
      st.overflow = st.overflow || part.overflow;
      if (!st.overflow) {
        auto next = add_decimals(st.total, part.total);
        if (next) {
          st.total = *next;
        } else {
          st.overflow = true;
        }
      }
      if (part.target) st.target = part.target;
    }
    for (const auto& u : p.unique) {
      if (u.rule >= schema.rules.size() || u.entries.size() % kUniqueEntryBytes != 0) continue;
      for (std::size_t at = 0; at < u.entries.size(); at += kUniqueEntryBytes) {
        std::array<char, 16> h{};
        std::copy_n(u.entries.data() + at, 16, h.begin());
        keys[u.rule].emplace_back(h, p.first_row + read_u32be(u.entries.data() + at + 16));
      }
    }
  }
  check.set_rows(ti, rows);
  if (rows > t.max_rows) {
    check.error(t.name, 0, "", "has more than " + std::to_string(t.max_rows) + " rows");
  }
  for (std::size_t i = 0; i < keys.size(); ++i) {
    auto& list = keys[i];
    std::sort(list.begin(), list.end());
    // Sorted by hash then row: each repeat names the first row with its key.
    std::size_t first = 0;
    for (std::size_t j = 1; j < list.size(); ++j) {
      if (list[j].first != list[first].first) {
        first = j;
      } else {
        check.duplicate_key(schema.rules[i], list[j].second, list[first].second);
      }
    }
  }
  return check.finish(ti);
}

}  // namespace rl::ledger
