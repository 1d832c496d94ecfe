// The streaming report-payload check: exactly the documents a DOM parse would accept as an
// object with the required top-level fields, plus a nesting bound.
#include "ledger/report_payload.hpp"

#include <gtest/gtest.h>

#include <string>

namespace rl::ledger {
namespace {

const std::vector<std::string_view> kRequired{"institution", "period"};

std::string code_of(std::string_view payload,
                    const std::vector<std::string_view>& required = kRequired) {
  auto st = check_json_object_fields(payload, required);
  return st.ok() ? "ok" : st.error().code + ": " + st.error().message;
}

TEST(ReportPayload, ObjectWithEveryRequiredTopLevelFieldPasses) {
  EXPECT_EQ(code_of(R"({"institution":"bank-a","period":"2026-Q3","x":[1,{"y":null}]})"), "ok");
  EXPECT_EQ(code_of(" {\"period\": 1, \"institution\": {\"nested\": true}} \n"), "ok");
  EXPECT_EQ(code_of("{}", {}), "ok");
}

TEST(ReportPayload, MissingFieldIsNamedAndNestedKeysDoNotCount) {
  EXPECT_EQ(code_of(R"({"institution":"a"})"), "bad_report: payload lacks required field 'period'");
  // "period" only inside a nested object or as a value is not a top-level field.
  EXPECT_EQ(code_of(R"({"institution":{"period":1},"p":"period"})"),
            "bad_report: payload lacks required field 'period'");
  EXPECT_EQ(code_of(R"({"institution":[{"period":1}]})"),
            "bad_report: payload lacks required field 'period'");
}

TEST(ReportPayload, AnythingButOneJsonObjectIsRefused) {
  for (std::string_view bad :
       {"", " ", "[]", R"(["institution","period"])", "42", "\"text\"", "null", "true",
        R"({"institution":"a","period":1)", R"({"institution":"a","period":1}})",
        R"({"institution":"a","period":1} {})", R"({"institution":'a',"period":1})",
        "{\"institution\":\"a\",\"period\":1,}", "{\"a\":\"\xff\"}"}) {
    EXPECT_EQ(code_of(bad, {}).rfind("bad_report: payload is not a JSON object", 0), 0u)
        << "accepted: " << bad;
  }
}

TEST(ReportPayload, NestingIsBounded) {
  std::string ok =
      "{\"a\":" + std::string(kMaxJsonDepth - 1, '[') + std::string(kMaxJsonDepth - 1, ']') + "}";
  EXPECT_EQ(code_of(ok, {}), "ok");
  std::string deep =
      "{\"a\":" + std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']') + "}";
  EXPECT_EQ(code_of(deep, {}), "bad_report: payload nests deeper than 64 levels");
  // A hostile million-deep document is refused quickly, without recursion.
  std::string hostile = std::string(1'000'000, '[');
  EXPECT_NE(code_of(hostile, {}), "ok");
}

}  // namespace
}  // namespace rl::ledger
