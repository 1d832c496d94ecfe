#include "ledger/table_schema.hpp"

#include <nlohmann/json.hpp>
#include <set>

#include "common/civil_time.hpp"
#include "ledger/id_rules.hpp"
#include "ledger/json_keys.hpp"

namespace rl::ledger {
namespace {

using nlohmann::json;

Error bad(const std::string& where, const std::string& what) {
  return make_error("bad_schema", where.empty() ? what : where + ": " + what);
}

Status only_keys(const json& j, const std::string& where, std::initializer_list<const char*> keys) {
  if (!j.is_object()) return bad(where, "must be an object");
  for (const auto& [k, v] : j.items()) {
    bool known = false;
    for (const char* key : keys) known = known || k == key;
    if (!known) return bad(where, "unknown key '" + k + "'");
  }
  return {};
}

Result<std::string> name_at(const json& j, const char* key, const std::string& where) {
  if (!j.contains(key) || !j[key].is_string())
    return bad(where, std::string("needs \"") + key + "\"");
  auto s = j[key].get<std::string>();
  if (!valid_id(s)) return bad(where, std::string(key) + " must be 1-64 of [A-Za-z0-9._-]");
  return s;
}

Result<std::uint64_t> uint_at(const json& j, const char* key, const std::string& where,
                              std::uint64_t dflt, std::uint64_t lo, std::uint64_t hi) {
  if (!j.contains(key)) return dflt;
  if (!j[key].is_number_unsigned() || j[key].get<std::uint64_t>() < lo ||
      j[key].get<std::uint64_t>() > hi) {
    return bad(where, std::string(key) + " must be an integer " + std::to_string(lo) + "-" +
                          std::to_string(hi));
  }
  return j[key].get<std::uint64_t>();
}

Result<ColumnType> column_type(const std::string& t, const std::string& where) {
  if (t == "string") return ColumnType::kString;
  if (t == "integer") return ColumnType::kInteger;
  if (t == "decimal") return ColumnType::kDecimal;
  if (t == "date") return ColumnType::kDate;
  if (t == "enum") return ColumnType::kEnum;
  return bad(where, "type must be string, integer, decimal, date or enum");
}

Result<Column> parse_column(const json& j, const std::string& where) {
  RL_TRY(only_keys(j, where,
                   {"name", "type", "required", "max_length", "pattern", "min", "max", "precision",
                    "scale", "values"}));
  Column c;
  RL_ASSIGN_OR_RETURN(c.name, name_at(j, "name", where));
  if (!j.contains("type") || !j["type"].is_string()) return bad(where, "needs \"type\"");
  RL_ASSIGN_OR_RETURN(c.type, column_type(j["type"].get<std::string>(), where));
  if (j.contains("required")) {
    if (!j["required"].is_boolean()) return bad(where, "required must be true or false");
    c.required = j["required"].get<bool>();
  }
  // Each key belongs to some types only: a key another type would ignore is a mistake.
  auto allowed = [&](const char* key, std::initializer_list<ColumnType> types) -> Status {
    if (!j.contains(key)) return {};
    for (auto t : types) {
      if (t == c.type) return {};
    }
    return bad(where, std::string(key) + " does not apply to a " + j["type"].get<std::string>() +
                          " column");
  };
  RL_TRY(allowed("max_length", {ColumnType::kString}));
  RL_TRY(allowed("pattern", {ColumnType::kString}));
  RL_TRY(allowed("precision", {ColumnType::kDecimal}));
  RL_TRY(allowed("scale", {ColumnType::kDecimal}));
  RL_TRY(allowed("values", {ColumnType::kEnum}));
  RL_TRY(allowed("min", {ColumnType::kInteger, ColumnType::kDecimal, ColumnType::kDate}));
  RL_TRY(allowed("max", {ColumnType::kInteger, ColumnType::kDecimal, ColumnType::kDate}));
  switch (c.type) {
    case ColumnType::kString: {
      RL_ASSIGN_OR_RETURN(auto len, uint_at(j, "max_length", where, 1024, 1, kMaxStringLength));
      c.max_length = static_cast<std::uint32_t>(len);
      if (j.contains("pattern")) {
        if (!j["pattern"].is_string()) return bad(where, "pattern must be a string");
        auto p = TextPattern::compile(j["pattern"].get<std::string>());
        if (!p.ok()) return bad(where, p.error().message);
        c.pattern = std::move(p).value();
      }
      break;
    }
    case ColumnType::kInteger:
      for (const char* key : {"min", "max"}) {
        if (!j.contains(key)) continue;
        if (!j[key].is_number_integer())
          return bad(where, std::string(key) + " must be an integer");
        (std::string(key) == "min" ? c.int_min : c.int_max) = j[key].get<std::int64_t>();
      }
      if (c.int_min && c.int_max && *c.int_min > *c.int_max) return bad(where, "min is above max");
      break;
    case ColumnType::kDecimal: {
      if (!j.contains("precision") || !j.contains("scale")) {
        return bad(where, "a decimal column needs precision and scale");
      }
      RL_ASSIGN_OR_RETURN(auto precision, uint_at(j, "precision", where, 0, 1, kMaxDecimalDigits));
      RL_ASSIGN_OR_RETURN(auto scale, uint_at(j, "scale", where, 0, 0, precision));
      c.precision = static_cast<std::uint32_t>(precision);
      c.scale = static_cast<std::uint32_t>(scale);
      for (const char* key : {"min", "max"}) {
        if (!j.contains(key)) continue;
        auto d = j[key].is_string() ? parse_decimal(j[key].get<std::string>()) : std::nullopt;
        if (!d) return bad(where, std::string(key) + " must be a decimal string such as \"0.00\"");
        (std::string(key) == "min" ? c.dec_min : c.dec_max) = *d;
      }
      if (c.dec_min && c.dec_max && compare_decimals(*c.dec_min, *c.dec_max).value_or(1) > 0) {
        return bad(where, "min is above max");
      }
      break;
    }
    case ColumnType::kDate:
      for (const char* key : {"min", "max"}) {
        if (!j.contains(key)) continue;
        if (!j[key].is_string() || !valid_iso_date(j[key].get<std::string>())) {
          return bad(where, std::string(key) + " must be a date YYYY-MM-DD");
        }
        (std::string(key) == "min" ? c.date_min : c.date_max) = j[key].get<std::string>();
      }
      if (c.date_min && c.date_max && *c.date_min > *c.date_max)
        return bad(where, "min is above max");
      break;
    case ColumnType::kEnum: {
      if (!j.contains("values") || !j["values"].is_array() || j["values"].empty() ||
          j["values"].size() > kMaxEnumValues) {
        return bad(where, "an enum column needs 1-256 values");
      }
      std::set<std::string> seen;
      for (const auto& v : j["values"]) {
        if (!v.is_string() || v.get<std::string>().empty() || v.get<std::string>().size() > 256) {
          return bad(where, "enum values are strings of 1-256 bytes");
        }
        if (!seen.insert(v.get<std::string>()).second) {
          return bad(where, "enum value '" + v.get<std::string>() + "' is listed twice");
        }
        c.values.push_back(v.get<std::string>());
      }
      break;
    }
  }
  return c;
}

Result<Table> parse_table(const json& j, const std::string& where) {
  RL_TRY(only_keys(j, where, {"name", "title", "min_rows", "max_rows", "columns"}));
  Table t;
  RL_ASSIGN_OR_RETURN(t.name, name_at(j, "name", where));
  if (j.contains("title")) {
    if (!j["title"].is_string() || j["title"].get<std::string>().size() > 256) {
      return bad(where, "title must be a string of at most 256 bytes");
    }
    t.title = j["title"].get<std::string>();
  }
  RL_ASSIGN_OR_RETURN(t.min_rows, uint_at(j, "min_rows", where, 0, 0, kMaxTableRows));
  RL_ASSIGN_OR_RETURN(t.max_rows, uint_at(j, "max_rows", where, kDefaultMaxRows, 1, kMaxTableRows));
  if (t.min_rows > t.max_rows) return bad(where, "min_rows is above max_rows");
  if (!j.contains("columns") || !j["columns"].is_array() || j["columns"].empty() ||
      j["columns"].size() > kMaxTableColumns) {
    return bad(where, "needs 1-" + std::to_string(kMaxTableColumns) + " columns");
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < j["columns"].size(); ++i) {
    const std::string at = where + ".columns[" + std::to_string(i) + "]";
    RL_ASSIGN_OR_RETURN(auto c, parse_column(j["columns"][i], at));
    if (!names.insert(c.name).second) return bad(at, "column '" + c.name + "' is declared twice");
    t.columns.push_back(std::move(c));
  }
  return t;
}

bool numeric(ColumnType t) {
  return t == ColumnType::kInteger || t == ColumnType::kDecimal;
}

// Resolves `key` of rule `j` as a column of `table`, optionally of a numeric type.
Result<std::size_t> column_ref(const Table& table, const json& j, const char* key,
                               const std::string& where, bool must_be_numeric = false) {
  if (!j.contains(key) || !j[key].is_string())
    return bad(where, std::string("needs \"") + key + "\"");
  const auto name = j[key].get<std::string>();
  const int i = table.column_index(name);
  if (i < 0) return bad(where, "table " + table.name + " has no column '" + name + "'");
  const auto idx = static_cast<std::size_t>(i);
  if (must_be_numeric && !numeric(table.columns[idx].type)) {
    return bad(where, "column '" + name + "' is not an integer or decimal column");
  }
  return idx;
}

Result<Rule> parse_rule(const TableSchema& s, const json& j, const std::string& where) {
  if (!j.is_object() || !j.contains("type") || !j["type"].is_string()) {
    return bad(where, "a rule is an object with a \"type\"");
  }
  const auto type = j["type"].get<std::string>();
  Rule r;
  if (!j.contains("table") || !j["table"].is_string()) return bad(where, "needs \"table\"");
  const int ti = s.table_index(j["table"].get<std::string>());
  if (ti < 0) return bad(where, "no table '" + j["table"].get<std::string>() + "'");
  r.table = static_cast<std::size_t>(ti);
  const Table& t = s.tables[r.table];
  if (type == "sum") {
    r.type = RuleType::kSum;
    RL_TRY(only_keys(j, where, {"type", "table", "total", "parts"}));
    RL_ASSIGN_OR_RETURN(r.column, column_ref(t, j, "total", where, true));
    if (!j.contains("parts") || !j["parts"].is_array() || j["parts"].empty() ||
        j["parts"].size() > kMaxSumParts) {
      return bad(where, "parts must list 1-" + std::to_string(kMaxSumParts) + " columns");
    }
    for (const auto& p : j["parts"]) {
      json one = {{"part", p}};
      RL_ASSIGN_OR_RETURN(auto c, column_ref(t, one, "part", where, true));
      r.columns.push_back(c);
    }
  } else if (type == "column_sum") {
    r.type = RuleType::kColumnSum;
    RL_TRY(only_keys(j, where, {"type", "table", "column", "equals"}));
    RL_ASSIGN_OR_RETURN(r.column, column_ref(t, j, "column", where, true));
    const std::string at = where + ".equals";
    if (!j.contains("equals")) return bad(where, "needs \"equals\"");
    RL_TRY(only_keys(j["equals"], at, {"table", "column"}));
    if (!j["equals"].contains("table") || !j["equals"]["table"].is_string()) {
      return bad(at, "needs \"table\"");
    }
    const int oi = s.table_index(j["equals"]["table"].get<std::string>());
    if (oi < 0) return bad(at, "no table '" + j["equals"]["table"].get<std::string>() + "'");
    r.other_table = static_cast<std::size_t>(oi);
    if (s.tables[r.other_table].max_rows != 1) {
      return bad(at, "table " + s.tables[r.other_table].name + " must have max_rows 1");
    }
    RL_ASSIGN_OR_RETURN(r.other_column,
                        column_ref(s.tables[r.other_table], j["equals"], "column", at, true));
  } else if (type == "required_if") {
    r.type = RuleType::kRequiredIf;
    RL_TRY(only_keys(j, where, {"type", "table", "column", "when"}));
    RL_ASSIGN_OR_RETURN(r.column, column_ref(t, j, "column", where));
    const std::string at = where + ".when";
    if (!j.contains("when")) return bad(where, "needs \"when\"");
    RL_TRY(only_keys(j["when"], at, {"column", "in"}));
    RL_ASSIGN_OR_RETURN(r.when_column, column_ref(t, j["when"], "column", at));
    const auto& in = j["when"].value("in", json());
    if (!in.is_array() || in.empty() || in.size() > kMaxEnumValues) {
      return bad(at, "in must list 1-256 values");
    }
    for (const auto& v : in) {
      if (!v.is_string()) return bad(at, "in lists strings (the cells' text)");
      r.when_in.push_back(v.get<std::string>());
    }
  } else if (type == "unique") {
    r.type = RuleType::kUnique;
    RL_TRY(only_keys(j, where, {"type", "table", "columns"}));
    if (!j.contains("columns") || !j["columns"].is_array() || j["columns"].empty() ||
        j["columns"].size() > kMaxUniqueColumns) {
      return bad(where, "columns must list 1-" + std::to_string(kMaxUniqueColumns) + " columns");
    }
    for (const auto& p : j["columns"]) {
      json one = {{"column", p}};
      RL_ASSIGN_OR_RETURN(auto c, column_ref(t, one, "column", where));
      r.columns.push_back(c);
    }
  } else if (type == "compare") {
    r.type = RuleType::kCompare;
    RL_TRY(only_keys(j, where, {"type", "table", "left", "op", "right"}));
    RL_ASSIGN_OR_RETURN(r.left, column_ref(t, j, "left", where));
    RL_ASSIGN_OR_RETURN(r.right, column_ref(t, j, "right", where));
    r.op = j.value("op", "");
    if (r.op != "<" && r.op != "<=" && r.op != ">" && r.op != ">=" && r.op != "==" &&
        r.op != "!=") {
      return bad(where, "op must be <, <=, >, >=, == or !=");
    }
    const auto lt = t.columns[r.left].type, rt = t.columns[r.right].type;
    const bool comparable =
        (numeric(lt) && numeric(rt)) || (lt == ColumnType::kDate && rt == ColumnType::kDate);
    if (!comparable) return bad(where, "compare needs two numeric or two date columns");
  } else {
    return bad(where, "type must be sum, column_sum, required_if, unique or compare");
  }
  return r;
}

}  // namespace

int Table::column_index(std::string_view n) const {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == n) return static_cast<int>(i);
  }
  return -1;
}

int TableSchema::table_index(std::string_view n) const {
  for (std::size_t i = 0; i < tables.size(); ++i) {
    if (tables[i].name == n) return static_cast<int>(i);
  }
  return -1;
}

bool valid_iso_date(std::string_view t) {
  return parse_iso_date(t).has_value();
}

Result<TableSchema> parse_table_schema(std::string_view text) {
  if (text.size() > kMaxSchemaBytes) {
    return bad("", "schema is over " + std::to_string(kMaxSchemaBytes) + " bytes");
  }
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return bad("", "schema is not JSON");
  if (auto key = first_duplicate_json_key(text)) return bad("", "duplicate key '" + *key + "'");
  RL_TRY(only_keys(j, "schema", {"tables", "rules"}));
  TableSchema s;
  if (!j.contains("tables") || !j["tables"].is_array() || j["tables"].empty() ||
      j["tables"].size() > kMaxSchemaTables) {
    return bad("schema", "needs 1-" + std::to_string(kMaxSchemaTables) + " tables");
  }
  for (std::size_t i = 0; i < j["tables"].size(); ++i) {
    const std::string at = "tables[" + std::to_string(i) + "]";
    RL_ASSIGN_OR_RETURN(auto t, parse_table(j["tables"][i], at));
    if (s.table_index(t.name) >= 0) return bad(at, "table '" + t.name + "' is declared twice");
    s.tables.push_back(std::move(t));
  }
  if (j.contains("rules")) {
    if (!j["rules"].is_array() || j["rules"].size() > kMaxSchemaRules) {
      return bad("schema", "rules must be an array of at most " + std::to_string(kMaxSchemaRules));
    }
    for (std::size_t i = 0; i < j["rules"].size(); ++i) {
      RL_ASSIGN_OR_RETURN(auto r, parse_rule(s, j["rules"][i], "rules[" + std::to_string(i) + "]"));
      s.rules.push_back(std::move(r));
    }
  }
  s.canonical = j.dump();
  return s;
}

}  // namespace rl::ledger
