// Table templates (ledger/table_schema.hpp, ledger/table_check.hpp): each column type and each
// constraint rejects what it should with its table/row/column message and accepts its
// boundaries; each cross rule; every error of a file is reported (capped, counted); JSON and CSV
// of the same data agree; chunking never changes a result; malformed schemas name where.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "ledger/report_template.hpp"
#include "ledger/table_check.hpp"

namespace rl::ledger {
namespace {

const char* kSchema = R"({
  "tables": [
    {"name": "summary", "min_rows": 1, "max_rows": 1, "columns": [
      {"name": "total", "type": "decimal", "precision": 10, "scale": 2, "required": true},
      {"name": "a", "type": "decimal", "precision": 10, "scale": 2},
      {"name": "b", "type": "integer"},
      {"name": "loans", "type": "decimal", "precision": 12, "scale": 2}]},
    {"name": "loans", "max_rows": 5, "columns": [
      {"name": "id", "type": "string", "required": true, "max_length": 8, "pattern": "L[0-9]+"},
      {"name": "n", "type": "integer", "min": -5, "max": 100},
      {"name": "amount", "type": "decimal", "precision": 6, "scale": 2, "min": "0", "max": "5000.00"},
      {"name": "start", "type": "date", "min": "2000-01-01", "max": "2099-12-31"},
      {"name": "end", "type": "date"},
      {"name": "kind", "type": "enum", "values": ["A", "B"]},
      {"name": "secured", "type": "enum", "values": ["Y", "N"]},
      {"name": "collateral", "type": "string"}]}],
  "rules": [
    {"type": "sum", "table": "summary", "total": "total", "parts": ["a", "b"]},
    {"type": "column_sum", "table": "loans", "column": "amount",
     "equals": {"table": "summary", "column": "loans"}},
    {"type": "required_if", "table": "loans", "column": "collateral",
     "when": {"column": "secured", "in": ["Y"]}},
    {"type": "unique", "table": "loans", "columns": ["id"]},
    {"type": "compare", "table": "loans", "left": "end", "op": ">=", "right": "start"}]})";

const TableSchema& schema() {
  static const TableSchema s = parse_table_schema(kSchema).value();
  return s;
}

const std::string kHeader = "id,n,amount,start,end,kind,secured,collateral\n";

std::vector<std::string> messages(const CheckResult& r) {
  std::vector<std::string> out;
  for (const auto& e : r.errors) out.push_back(format_cell_error(e));
  return out;
}

// One loans row (CSV) after a valid summary; the errors it alone causes.
std::vector<std::string> loan_errors(const std::string& row) {
  return messages(check_csv_payload(schema(), "loans", kHeader + row + "\n"));
}

TEST(TableCheck, EachColumnConstraintRejectsWithItsLocation) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {",1,1.00,2020-01-01,2020-01-01,A,N,", "table loans, row 1, column id: is required"},
      {"L123456789,1,1,,,,,", "table loans, row 1, column id: is 10 bytes; at most 8"},
      {"X12,1,1,,,,,",
       R"(table loans, row 1, column id: "X12" does not match the pattern L[0-9]+)"},
      {"L1,1.5,,,,,,", R"(table loans, row 1, column n: "1.5" is not an integer)"},
      {"L1,101,,,,,,", "table loans, row 1, column n: 101 is above the maximum 100"},
      {"L1,-6,,,,,,", "table loans, row 1, column n: -6 is below the minimum -5"},
      {"L1,99999999999999999999,,,,,,",
       R"(table loans, row 1, column n: "99999999999999999999" is not an integer)"},
      {"L1,,12.345,,,,,",
       R"(table loans, row 1, column amount: "12.345" has 3 decimal places; at most 2)"},
      {"L1,,12345.00,,,,,",
       R"(table loans, row 1, column amount: "12345.00" has 5 digits before the point; at most 4)"},
      {"L1,,1e3,,,,,",
       R"(table loans, row 1, column amount: "1e3" is not a decimal number such as 1234.56)"},
      {"L1,,-0.01,,,,,", "table loans, row 1, column amount: -0.01 is below the minimum 0"},
      {"L1,,5000.01,,,,,",
       "table loans, row 1, column amount: 5000.01 is above the maximum 5000.00"},
      {"L1,,,2021-02-29,,,,",
       R"(table loans, row 1, column start: "2021-02-29" is not a date YYYY-MM-DD)"},
      {"L1,,,1999-12-31,,,,", "table loans, row 1, column start: 1999-12-31 is before 2000-01-01"},
      {"L1,,,2100-01-01,,,,", "table loans, row 1, column start: 2100-01-01 is after 2099-12-31"},
      {"L1,,,,,C,,", R"(table loans, row 1, column kind: "C" is not one of A, B)"},
  };
  for (const auto& [row, want] : cases) {
    auto got = loan_errors(row);
    ASSERT_EQ(got.size(), 1u) << row << " gave " << ::testing::PrintToString(got);
    EXPECT_EQ(got[0], want) << row;
  }
  // Boundaries are accepted.
  EXPECT_TRUE(loan_errors("L12345678,-5,5000.00,2000-01-01,2099-12-31,B,N,").size() == 1u)
      << "only the length of a 9-byte id";
  EXPECT_EQ(loan_errors("L1234567,100,0,2099-12-31,2099-12-31,A,N,"), std::vector<std::string>{});
  EXPECT_EQ(loan_errors("L1,-5,0.00,2028-02-29,2028-02-29,,,"), std::vector<std::string>{});
}

TEST(TableCheck, EachCrossRule) {
  // sum: total = a + b, per row (a missing part counts as zero).
  auto sum = [](const std::string& row) {
    return messages(check_json_payload(schema(), R"({"summary":[)" + row + "]}"));
  };
  EXPECT_EQ(sum(R"({"total": 12.50, "a": "10.50", "b": 2})"), std::vector<std::string>{});
  EXPECT_EQ(sum(R"({"total": 10.50, "a": "10.50"})"), std::vector<std::string>{});
  EXPECT_EQ(sum(R"({"total": 12.51, "a": "10.50", "b": 2})"),
            std::vector<std::string>{
                "table summary, row 1, column total: 12.51 is not the sum of a + b (12.50)"});
  // required_if: collateral when secured is Y.
  EXPECT_EQ(loan_errors("L1,,,,,,Y,"),
            std::vector<std::string>{
                "table loans, row 1, column collateral: is required when secured is Y"});
  EXPECT_EQ(loan_errors("L1,,,,,,Y,house"), std::vector<std::string>{});
  EXPECT_EQ(loan_errors("L1,,,,,,N,"), std::vector<std::string>{});
  // unique: the id.
  EXPECT_EQ(
      messages(check_csv_payload(schema(), "loans", kHeader + "L1,,,,,,,\nL2,,,,,,,\nL1,,,,,,,\n")),
      std::vector<std::string>{"table loans, row 3, column id: duplicates row 1 in (id)"});
  // compare: end >= start.
  EXPECT_EQ(loan_errors("L1,,,2020-05-01,2020-04-30,,,"),
            std::vector<std::string>{
                "table loans, row 1, column end: 2020-04-30 is not >= start 2020-05-01"});
  EXPECT_EQ(loan_errors("L1,,,2020-05-01,2020-05-01,,,"), std::vector<std::string>{});
  // column_sum: the loans' amounts add up to summary.loans.
  auto both = [](const std::string& loans) {
    return messages(check_json_payload(
        schema(), R"({"summary":[{"total":"0","loans":"30.00"}],"loans":[)" + loans + "]}"));
  };
  EXPECT_EQ(both(R"({"id":"L1","amount":10},{"id":"L2","amount":"20.00"})"),
            std::vector<std::string>{});
  EXPECT_EQ(both(R"({"id":"L1","amount":10},{"id":"L2","amount":"20.01"})"),
            std::vector<std::string>{
                "table loans, column amount: sums to 30.01 but summary.loans is 30.00"});
  // Row counts.
  EXPECT_EQ(messages(check_json_payload(schema(), R"({"loans":[]})")),
            std::vector<std::string>{"table summary: has 0 rows; at least 1 required"});
  std::string six = R"({"summary":[{"total":0}],"loans":[)";
  for (int i = 0; i < 6; ++i)
    six += std::string(i ? "," : "") + R"({"id":"L)" + std::to_string(i) + R"("})";
  EXPECT_EQ(messages(check_json_payload(schema(), six + "]}")),
            std::vector<std::string>{"table loans: has more than 5 rows"});
}

TEST(TableCheck, JsonShapeErrors) {
  auto errs = [](const std::string& payload) {
    return messages(check_json_payload(schema(), payload));
  };
  EXPECT_EQ(errs("[]").front(), "payload must be a JSON object of tables");
  EXPECT_EQ(errs(R"({"summary":[{"total":0}],"other":[]})"),
            std::vector<std::string>{"unknown table 'other'"});
  EXPECT_EQ(errs(R"({"summary":{"total":1}})").front(), "table summary: must be an array of rows");
  EXPECT_EQ(errs(R"({"summary":[{"total":0,"zzz":2}]})"),
            std::vector<std::string>{"table summary, row 1, column zzz: unknown column"});
  EXPECT_EQ(
      errs(R"({"summary":[{"total":0,"total":2}]})"),
      std::vector<std::string>{"table summary, row 1, column total: appears twice in the row"});
  EXPECT_EQ(errs(R"({"summary":[{"total":"0"}],"loans":[{"id":7,"n":"3","kind":["A"]}]})"),
            (std::vector<std::string>{
                "table loans, row 1, column id: expects a JSON string",
                "table loans, row 1, column n: expects a JSON integer, not a string",
                "table loans, row 1, column kind: a enum column takes no objects, arrays or "
                "booleans"}));
  EXPECT_EQ(errs(R"({"summary":[{"total":0})").front().rfind("payload is not valid JSON", 0), 0u);
  EXPECT_EQ(errs(std::string(100, '[') + std::string(100, ']')).back(),
            "payload nests deeper than 64");
  // A NUL byte would end nlohmann's input: what followed it must not slip through unchecked.
  EXPECT_EQ(errs(std::string(R"({"summary":[{"total":0}]})") + std::string(1, '\0') + "junk"),
            std::vector<std::string>{"payload holds a NUL byte (byte 25)"});
  // Decimals keep their exact text: never a binary float on the way.
  EXPECT_EQ(errs(R"({"summary":[{"total":0.1,"a":0.1}]})"), std::vector<std::string>{});
  EXPECT_EQ(errs(R"({"summary":[{"total":1.005}]})"),
            std::vector<std::string>{
                R"(table summary, row 1, column total: "1.005" has 3 decimal places; at most 2)"});
}

// A file with exactly 50 errors reports all 50, each where it is.
TEST(TableCheck, EveryErrorOfAFileIsReported) {
  std::string csv = kHeader;
  std::vector<std::string> want;
  for (int row = 1; row <= 50; ++row) {
    csv += "L" + std::to_string(row) + "," + std::to_string(100 + row) + ",,,,,,\n";
    want.push_back("table loans, row " + std::to_string(row) +
                   ", column n: " + std::to_string(100 + row) + " is above the maximum 100");
  }
  TableSchema big = schema();
  big.tables[1].max_rows = 1'000'000;
  auto r = check_csv_payload(big, "loans", csv);
  EXPECT_EQ(r.error_count, 50u);
  EXPECT_EQ(messages(r), want);
  EXPECT_EQ(r.rows, 50u);
  // 500 errors: 100 messages, 500 counted, and the summary says so.
  for (int row = 51; row <= 500; ++row) csv += "L" + std::to_string(row) + ",999,,,,,,\n";
  auto many = check_csv_payload(big, "loans", csv);
  EXPECT_EQ(many.error_count, 500u);
  EXPECT_EQ(many.errors.size(), kMaxReportedErrors);
  EXPECT_NE(summarize(many, 3).find("... and 497 more (500 errors in all)"), std::string::npos);
}

TEST(TableCheck, JsonAndCsvOfTheSameDataAgreeAndChunkingChangesNothing) {
  const std::string csv = kHeader +
                          "L1,3,10.00,2020-01-01,2021-01-01,A,Y,\n"
                          "L2,x,10.123,2020-01-01,2019-01-01,C,N,\n"
                          "L1,,,,,,,\n";
  const std::string json =
      R"({"summary":[{"total":0,"loans":"0"}],"loans":[)"
      R"({"id":"L1","n":3,"amount":"10.00","start":"2020-01-01","end":"2021-01-01","kind":"A","secured":"Y"},)"
      R"({"id":"L2","n":"x","amount":"10.123","start":"2020-01-01","end":"2019-01-01","kind":"C","secured":"N"},)"
      R"({"id":"L1"}]})";
  auto from_csv = messages(check_csv_payload(schema(), "loans", csv));
  auto from_json = messages(check_json_payload(schema(), json));
  // JSON says "not a string" where CSV text cannot; everything else is the same list.
  std::erase(from_json, "table loans, row 2, column n: expects a JSON integer, not a string");
  std::erase(from_csv, "table loans, row 2, column n: \"x\" is not an integer");
  std::erase(from_json, "table loans, column amount: sums to 10.00 but summary.loans is 0");
  EXPECT_EQ(from_csv, from_json);
  EXPECT_EQ(from_csv.size(), 5u) << ::testing::PrintToString(from_csv);
  for (std::size_t chunk : {1u, 7u, 64u}) {
    CsvTableChecker c(schema(), "loans");
    for (std::size_t i = 0; i < csv.size(); i += chunk)
      c.feed(std::string_view(csv).substr(i, chunk));
    auto streamed = c.finish();
    EXPECT_EQ(messages(streamed), messages(check_csv_payload(schema(), "loans", csv))) << chunk;
  }
}

TEST(TableCheck, CsvStructureErrors) {
  auto errs = [](const std::string& csv) {
    return messages(check_csv_payload(schema(), "loans", csv));
  };
  EXPECT_EQ(
      errs("id,zzz,id\nL1,2,L1\n"),
      (std::vector<std::string>{"table loans, column zzz: the header names an unknown column",
                                "table loans, column id: the header names the column twice"}));
  EXPECT_EQ(errs("n\n1\n"), (std::vector<std::string>{
                                "table loans, column id: the header lacks this required column",
                                "table loans, row 1, column id: is required"}));
  EXPECT_EQ(
      errs(kHeader + "L1,1\n"),
      std::vector<std::string>{"table loans, row 1: has 2 fields; the header has 8 (line 2)"});
  EXPECT_EQ(errs(""), std::vector<std::string>{
                          "table loans: the CSV is empty: the first line names the columns"});
  EXPECT_EQ(errs(kHeader + "L1,\"x\n"),
            std::vector<std::string>{"table loans: line 2: unterminated quoted field"});
  EXPECT_EQ(errs(kHeader + "\nL1,,,,,,,\n\n"), std::vector<std::string>{}) << "blank lines";
  EXPECT_EQ(messages(check_csv_payload(schema(), "nope", "a\n1\n")),
            std::vector<std::string>{"table nope: the template has no such table"});
  EXPECT_EQ(messages(check_payload(schema(), "text/csv", kHeader)).front().rfind("content type", 0),
            0u)
      << "two tables: the CSV must name one";
  EXPECT_TRUE(check_payload(schema(), "text/csv; table=loans", kHeader + "L1,,,,,,,\n").ok());
}

TEST(TableSchema, MalformedSchemasAreRefusedWithTheirLocation) {
  auto col = [](const std::string& c) {
    return R"({"tables":[{"name":"t","columns":[)" + c + "]}]}";
  };
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"[]", "schema: must be an object"},
      {R"({"tables":[],"x":1})", "schema: unknown key 'x'"},
      {R"({"tables":[]})", "schema: needs 1-16 tables"},
      {col(R"({"name":"a","type":"float"})"), "tables[0].columns[0]: type must be"},
      {col(R"({"name":"a","type":"decimal","precision":39,"scale":2})"),
       "tables[0].columns[0]: precision must be an integer 1-38"},
      {col(R"({"name":"a","type":"decimal","precision":5,"scale":6})"),
       "scale must be an integer 0-5"},
      {col(R"({"name":"a","type":"decimal","precision":5})"), "needs precision and scale"},
      {col(R"({"name":"a","type":"string","precision":5})"),
       "precision does not apply to a string"},
      {col(R"({"name":"a","type":"string","pattern":"[a"})"),
       "pattern: position 0: unclosed class"},
      {col(R"({"name":"a","type":"enum","values":["x","x"]})"), "'x' is listed twice"},
      {col(R"({"name":"a","type":"date","min":"2021-02-30"})"), "min must be a date"},
      {col(R"({"name":"a","type":"integer","min":5,"max":4})"), "min is above max"},
      {col(R"({"name":"a","type":"string"},{"name":"a","type":"string"})"),
       "tables[0].columns[1]: column 'a' is declared twice"},
      {col(R"({"name":"a b","type":"string"})"), "name must be 1-64"},
      {R"({"tables":[{"name":"t","columns":[{"name":"a","type":"string"}]}],"rules":[{"type":"sum","table":"t","total":"a","parts":["a"]}]})",
       "rules[0]: column 'a' is not an integer or decimal column"},
      {R"({"tables":[{"name":"t","columns":[{"name":"a","type":"integer"}]}],"rules":[{"type":"unique","table":"u","columns":["a"]}]})",
       "rules[0]: no table 'u'"},
      {R"({"tables":[{"name":"t","columns":[{"name":"a","type":"integer"}]}],"rules":[{"type":"column_sum","table":"t","column":"a","equals":{"table":"t","column":"a"}}]})",
       "rules[0].equals: table t must have max_rows 1"},
      {R"({"tables":[{"name":"t","columns":[{"name":"a","type":"integer"},{"name":"d","type":"date"}]}],"rules":[{"type":"compare","table":"t","left":"a","op":"<","right":"d"}]})",
       "compare needs two numeric or two date columns"},
      {R"({"tables":[{"name":"t","columns":[{"name":"a","type":"integer"}]}],"rules":[{"type":"magic","table":"t"}]})",
       "rules[0]: type must be"},
      {R"({"tables":[{"name":"t","columns":[{"name":"a","type":"integer"}]}],"tables":[]})",
       "duplicate key 'tables'"},
      {std::string(kMaxSchemaBytes + 1, ' '), "over 65536 bytes"},
  };
  for (const auto& [text, want] : bad) {
    auto r = parse_table_schema(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.error().code, "bad_schema");
    EXPECT_NE(r.error().message.find(want), std::string::npos) << r.error().message;
  }
  std::string many = R"({"tables":[)";
  for (int i = 0; i < 17; ++i) {
    many += std::string(i ? "," : "") + R"({"name":"t)" + std::to_string(i) +
            R"(","columns":[{"name":"a","type":"integer"}]})";
  }
  EXPECT_FALSE(parse_table_schema(many + "]}").ok());
  // The canonical text parses to itself.
  const auto& s = schema();
  EXPECT_EQ(parse_table_schema(s.canonical).value().canonical, s.canonical);
}

std::string read_sample(const std::string& name) {
  std::ifstream in(std::string(RL_SOURCE_DIR) + "/genesis/local/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The sample templates and files in genesis/local/: the good files pass, the bad ones fail with
// the errors planted in them, through the same function a validator runs.
TEST(TableSamples, GoodFilesPassAndBadFilesFailWithTheirErrors) {
  auto g01 = template_record(
      parse_template_json(read_sample("templates/g01-balance-sheet.json")).value(), 1, 0);
  auto loans =
      template_record(parse_template_json(read_sample("templates/east-loans.json")).value(), 1, 0);
  ASSERT_TRUE(check_template_definition(template_definition(g01)).ok());
  ASSERT_TRUE(check_template_definition(template_definition(loans)).ok());
  EXPECT_TRUE(
      check_report_content(g01, "application/json", read_sample("samples/g01-good.json")).ok());
  EXPECT_TRUE(
      check_report_content(loans, "text/csv", read_sample("samples/east-loans-good.csv")).ok());
  auto bad_g01 = check_report_content(g01, "application/json", read_sample("samples/g01-bad.json"));
  ASSERT_FALSE(bad_g01.ok());
  EXPECT_EQ(bad_g01.error().code, "bad_report");
  for (const char* want : {"column cash: \"12.345\" has 3 decimal places",
                           "column loans_and_advances: -5.00 is below the minimum 0",
                           "column institution_code: \"b0001\" does not match",
                           "column currency: \"USD\" is not one of CNY",
                           "column report_date: is required", "column total_equity: "}) {
    EXPECT_NE(bad_g01.error().message.find(want), std::string::npos) << want << "\n"
                                                                     << bad_g01.error().message;
  }
  auto bad_loans =
      check_report_content(loans, "text/csv", read_sample("samples/east-loans-bad.csv"));
  ASSERT_FALSE(bad_loans.ok());
  EXPECT_EQ(bad_loans.error().message.substr(0, 24), "8 errors in the payload:")
      << bad_loans.error().message;
  for (const char* want :
       {"row 3, column loan_id: duplicates row 2", "row 5, column maturity_date",
        "row 7, column collateral_type: is required when secured is Y", "row 8, column balance",
        "row 9, column product", "row 11, column customer_id", "row 12, column start_date",
        "row 13, column overdue_days"}) {
    EXPECT_NE(bad_loans.error().message.find(want), std::string::npos) << want << "\n"
                                                                       << bad_loans.error().message;
  }
}

}  // namespace
}  // namespace rl::ledger
