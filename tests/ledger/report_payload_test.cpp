// The streaming report-payload check: exactly the documents a DOM parse would accept as an
// object with the required top-level fields, plus a nesting bound. The check is consensus-critical,
// so beyond the explicit expectations every case is also run through the nlohmann-based reference
// it replaced (tests/ledger/report_payload_reference.hpp), which must give the same result.
#include "ledger/report_payload.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>

#include "tests/ledger/report_payload_reference.hpp"

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

// ---- The hand-written scanner against the nlohmann reference -------------------------------

const std::string kOk = "ok";
const std::string kNotObject = "bad_report: payload is not a JSON object";
const std::string kTooDeep = "bad_report: payload nests deeper than 64 levels";

std::string outcome(const Status& st) {
  return st.ok() ? "ok" : st.error().code + ": " + st.error().message;
}

std::string printable(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// The scanner's result, after checking that the reference gives the same one.
std::string checked(std::string_view payload,
                    const std::vector<std::string_view>& required = kRequired) {
  const std::string fast = outcome(check_json_object_fields(payload, required));
  const std::string ref = outcome(reference::check_json_object_fields(payload, required));
  EXPECT_EQ(fast, ref) << "scanner and reference differ on: " << printable(payload);
  return fast;
}

// A payload with both required fields whose "x" member is `value`.
std::string with_value(std::string_view value) {
  return R"({"institution":"a","period":"p","x":)" + std::string(value) + "}";
}

TEST(ReportPayloadScanner, ByteOrderMarkIsSkippedOnlyAtTheStart) {
  EXPECT_EQ(checked("\xEF\xBB\xBF{\"institution\":1,\"period\":2}"), kOk);
  EXPECT_EQ(checked("\xEF\xBB\xBF {}", {}), kOk);
  for (std::string_view bad : {"\xEF\xBB\xBF", "\xEF\xBB{}", "\xEF{}", "\xEF\xBB\xBE{}",
                               " \xEF\xBB\xBF{}", "\xEF\xBB\xBF\xEF\xBB\xBF{}", "\xBB\xBF{}"}) {
    EXPECT_EQ(checked(bad, {}), kNotObject) << printable(bad);
  }
}

TEST(ReportPayloadScanner, WhitespaceIsSpaceTabNewlineCarriageReturn) {
  EXPECT_EQ(checked(" \t\r\n{ \t\r\n\"a\" \n:\r 1 \t, \"b\" : [ 1 , 2 ] }\r\n\t ", {}), kOk);
  for (std::string_view bad : {"\f{}", "\v{}", "{}\f", "{\"a\":\v1}", "\xC2\xA0{}", "{}\xC2\xA0"}) {
    EXPECT_EQ(checked(bad, {}), kNotObject) << printable(bad);
  }
}

TEST(ReportPayloadScanner, NulByteAfterTheObjectEndsTheInputAsInNlohmann) {
  // nlohmann's lexer reads a NUL byte where a token is expected as the end of the input, so the
  // old check accepted anything after it; the scanner must keep accepting those payloads.
  using namespace std::string_literals;
  EXPECT_EQ(checked("{}\0"s, {}), kOk);
  EXPECT_EQ(checked("{} \0garbage]]]"s, {}), kOk);
  EXPECT_EQ(checked("\0{}"s, {}), kNotObject);
  EXPECT_EQ(checked("{\0}"s, {}), kNotObject);
  EXPECT_EQ(checked("{\"a\":1\0}"s, {}), kNotObject);
  EXPECT_EQ(checked("{\"a\0\":1}"s, {}), kNotObject);
}

TEST(ReportPayloadScanner, StringEscapesAndSurrogates) {
  for (std::string_view ok :
       {R"("\" \\ \/ \b \f \n \r \t")", R"("\u0000\u001f\u00e9\u20AC\uFFFF\uabcd")",
        R"("\ud83d\ude00")", R"("\uDBFF\uDFFF")", R"("\uD800\uDC00x")", "\"\x7f\"", R"("")"}) {
    EXPECT_EQ(checked(with_value(ok)), kOk) << ok;
  }
  for (std::string_view bad : {R"("\a")",
                               R"("\x41")",
                               R"("\U0041")",
                               R"("\u12")",
                               R"("\u12G4")",
                               R"("\u")",
                               R"("\ud83d")",
                               R"("\ud83d x")",
                               R"("\ud83d\u0041")",
                               R"("\ud83d\ud83d")",
                               R"("\ude00")",
                               R"("\uDFFF\uD800")",
                               R"("\ud83d\\ude00")",
                               R"("\ud83d\ude0")",
                               "\"\\",
                               "\"abc",
                               "\"\x01\"",
                               "\"\x1f\"",
                               "\"\t\"",
                               "\"\n\"",
                               "'a'"}) {
    EXPECT_EQ(checked(with_value(bad)), kNotObject) << bad;
  }
}

TEST(ReportPayloadScanner, RawBytesMustBeWellFormedUtf8) {
  // Each shortest form at the edges of RFC 3629's table is accepted ...
  for (std::string_view ok :
       {"\xC2\x80", "\xDF\xBF", "\xE0\xA0\x80", "\xE1\x80\x80", "\xEC\xBF\xBF", "\xED\x80\x80",
        "\xED\x9F\xBF", "\xEE\x80\x80", "\xEF\xBF\xBF", "\xF0\x90\x80\x80", "\xF1\x80\x80\x80",
        "\xF3\xBF\xBF\xBF", "\xF4\x80\x80\x80", "\xF4\x8F\xBF\xBF",
        "caf\xC3\xA9 \xF0\x9F\x98\x80"}) {
    EXPECT_EQ(checked(with_value("\"" + std::string(ok) + "\"")), kOk) << printable(ok);
  }
  // ... and overlong forms, UTF-16 surrogates, code points above U+10FFFF, stray continuation
  // bytes and truncated sequences are not.
  for (std::string_view bad : {"\x80",
                               "\xBF",
                               "\xC0\x80",
                               "\xC1\xBF",
                               "\xC2",
                               "\xC2\x7F",
                               "\xC2\xC0",
                               "\xE0\x80\x80",
                               "\xE0\x9F\xBF",
                               "\xE1\x80",
                               "\xE1\x7F\x80",
                               "\xED\xA0\x80",
                               "\xED\xBF\xBF",
                               "\xEF\xBF",
                               "\xF0\x80\x80\x80",
                               "\xF0\x8F\xBF\xBF",
                               "\xF0\x90\x80",
                               "\xF4\x90\x80\x80",
                               "\xF4\x8F\xBF\xC0",
                               "\xF5\x80\x80\x80",
                               "\xF8\x88\x80\x80\x80",
                               "\xFE",
                               "\xFF"}) {
    EXPECT_EQ(checked(with_value("\"" + std::string(bad) + "\"")), kNotObject) << printable(bad);
  }
  // Outside strings no byte above 0x7F is valid.
  EXPECT_EQ(checked(with_value("\xC3\xA9")), kNotObject);
}

TEST(ReportPayloadScanner, NumbersFollowTheGrammarAndMustStayFinite) {
  for (std::string_view ok : {"0",
                              "-0",
                              "7",
                              "-12",
                              "1.5",
                              "-0.0",
                              "0.25e3",
                              "1e5",
                              "1E+5",
                              "1e-5",
                              "2E-0",
                              "1e-400",
                              "-1e-400",
                              "4.9e-324",
                              "2.4e-324",
                              "1e308",
                              "1.7976931348623157e308",
                              "-1.7976931348623157e308",
                              "1.7976931348623158e308",
                              "0.0000001e314",
                              "0e999999999999999999999",
                              "0.5e-999999999999999999",
                              "18446744073709551615",
                              "18446744073709551616",
                              "-9223372036854775808",
                              "-9223372036854775809",
                              "100000000000000000000000000000000000000000000.5"}) {
    EXPECT_EQ(checked(with_value(ok)), kOk) << ok;
  }
  for (std::string_view bad : {"1e309",     "-1e309",
                               "1e400",     "1.8e308",
                               "-1.8e308",  "1.7976931348623159e308",
                               "0.01e311",  "1e999999999999999999999",
                               "01",        "-01",
                               "00",        "-",
                               "+1",        ".5",
                               "1.",        "1.e5",
                               "1e",        "1e+",
                               "1e-",       "1E+-1",
                               "0x10",      "1.5.3",
                               "--1",       "1ee5",
                               "NaN",       "Infinity",
                               "-Infinity", "1_000",
                               "1 2"}) {
    EXPECT_EQ(checked(with_value(bad)), kNotObject) << bad;
  }
  // Integers too large for 64 bits are parsed as doubles: finite up to DBL_MAX.
  EXPECT_EQ(checked(with_value(std::string(308, '9'))), kOk);
  EXPECT_EQ(checked(with_value("1" + std::string(308, '0'))), kOk);
  EXPECT_EQ(checked(with_value("-1" + std::string(308, '0') + ".5")), kOk);
  EXPECT_EQ(checked(with_value("2" + std::string(308, '0'))), kNotObject);
  EXPECT_EQ(checked(with_value(std::string(309, '9'))), kNotObject);
  EXPECT_EQ(checked(with_value(std::string(400, '7'))), kNotObject);
  EXPECT_EQ(checked(with_value("-" + std::string(400, '7'))), kNotObject);
  // Long tokens that only strtod can decide (more than the scanner's stack copy holds).
  EXPECT_EQ(checked(with_value("0." + std::string(300, '0') + "1e609")), kOk);
  EXPECT_EQ(checked(with_value("0." + std::string(300, '0') + "1e610")), kNotObject);
  EXPECT_EQ(checked(with_value("1." + std::string(500, '0') + "e308")), kOk);
}

TEST(ReportPayloadScanner, LiteralsAreExact) {
  for (std::string_view ok : {"true", "false", "null", "[true,false,null]"}) {
    EXPECT_EQ(checked(with_value(ok)), kOk) << ok;
  }
  for (std::string_view bad : {"tru", "True", "TRUE", "nul", "nulll", "fals", "falsey", "truefalse",
                               "none", "undefined", "t rue"}) {
    EXPECT_EQ(checked(with_value(bad)), kNotObject) << bad;
  }
}

TEST(ReportPayloadScanner, StructureErrors) {
  for (std::string_view bad : {"[1,]", "[,1]", "[1 2]", "[", "]", "{", "}", "{\"k\"}", "{\"k\":}",
                               "{\"k\" 1}", "{\"k\":1,}", "{,\"k\":1}", "{1:2}", "{k:1}",
                               "{\"k\":1 \"j\":2}", "[1}", "{\"k\":1]", "{\"k\"::1}"}) {
    EXPECT_EQ(checked(with_value(bad)), kNotObject) << bad;
  }
  for (std::string_view ok : {"[]", "{}", "[ ]", "{ }", "[[],{}]", R"({"k":{"j":[{}]}})"}) {
    EXPECT_EQ(checked(with_value(ok)), kOk) << ok;
  }
}

TEST(ReportPayloadScanner, TopLevelKeysAreComparedAfterUnescaping) {
  EXPECT_EQ(checked(R"({"\u0070eriod":1,"institution":2})"), kOk);
  EXPECT_EQ(checked(R"({"per\u0069od":1,"\u0069\u006E\u0073titution":2})"), kOk);
  EXPECT_EQ(checked(R"({"period":1,"institution\u0000":2})"),
            "bad_report: payload lacks required field 'institution'");
  EXPECT_EQ(checked(R"({"period":1,"institutio\n":2})"),
            "bad_report: payload lacks required field 'institution'");
  EXPECT_EQ(checked(R"({"period":1,"\"institution\"":2})"),
            "bad_report: payload lacks required field 'institution'");
  EXPECT_EQ(checked(R"({"a\/b":1,"tab\there":2,"q\"\\":3})", {"a/b", "tab\there", "q\"\\"}), kOk);
  EXPECT_EQ(checked(R"({"\u00e9t\u00E9":1,"\ud83d\ude00":2,"\u20ac":3})",
                    {"\xC3\xA9t\xC3\xA9", "\xF0\x9F\x98\x80", "\xE2\x82\xAC"}),
            kOk);
  EXPECT_EQ(checked(R"({"\u00e9":1})", {"\xC3\xA9x"}),
            "bad_report: payload lacks required field '\xC3\xA9x'");
  // A raw UTF-8 key and an escaped one mean the same field.
  EXPECT_EQ(checked("{\"\xC3\xA9\":1}", {"\xC3\xA9"}), kOk);
  // Escaped keys longer or shorter than the required name.
  EXPECT_EQ(checked(R"({"peri\u006fdx":1,"perio\u0064":2,"institution":3})"), kOk);
  EXPECT_EQ(checked(R"({"\u0070":1,"institution":3})"),
            "bad_report: payload lacks required field 'period'");
  // Nested keys with escapes do not count either.
  EXPECT_EQ(checked(R"({"institution":1,"x":{"\u0070eriod":2}})"),
            "bad_report: payload lacks required field 'period'");
}

TEST(ReportPayloadScanner, DuplicateKeysAndRequiredLists) {
  EXPECT_EQ(checked(R"({"period":1,"period":2,"institution":3,"institution":4})"), kOk);
  EXPECT_EQ(checked(R"({"period":1})", {"period", "period"}), kOk);
  EXPECT_EQ(checked(R"({"":1})", {""}), kOk);
  EXPECT_EQ(checked(R"({"a":1})", {""}), "bad_report: payload lacks required field ''");
  // The first missing field in the template's order is the one named.
  EXPECT_EQ(checked(R"({"b":1})", {"a", "b", "c"}), "bad_report: payload lacks required field 'a'");
  // More required fields than the scanner keeps in one word (a genesis template has no bound).
  std::vector<std::string> names;
  std::string doc = "{";
  for (int i = 0; i < 100; ++i) {
    names.push_back("f" + std::to_string(i));
    if (i != 77) doc += (i == 0 ? "\"" : ",\"") + names.back() + "\":" + std::to_string(i);
  }
  doc += "}";
  std::vector<std::string_view> required(names.begin(), names.end());
  EXPECT_EQ(checked(doc, required), "bad_report: payload lacks required field 'f77'");
  required.erase(required.begin() + 77);
  EXPECT_EQ(checked(doc, required), kOk);
}

TEST(ReportPayloadScanner, NothingButWhitespaceMayFollowTheObject) {
  for (std::string_view bad : {"{} x", "{}{}", "{},", "{}]", "{}}", "{} 1", "{}\"\"", "{}/",
                               "{}//c", "{}/* c */", "{}\x1A", "{}\xEF\xBB\xBF"}) {
    EXPECT_EQ(checked(bad, {}), kNotObject) << printable(bad);
  }
  EXPECT_EQ(checked("{}  \n\r\t", {}), kOk);
}

TEST(ReportPayloadScanner, DepthIsCheckedWhenEachContainerOpens) {
  auto nest = [](std::size_t levels, std::string_view inner) {
    // levels - 1 arrays inside the top-level object, alternating with objects
    std::string open, close;
    for (std::size_t i = 1; i < levels; ++i) {
      open += i % 2 ? "[" : "{\"k\":";
      close.insert(0, i % 2 ? "]" : "}");
    }
    return "{\"a\":" + open + std::string(inner) + close + "}";
  };
  EXPECT_EQ(checked(nest(kMaxJsonDepth, "1"), {}), kOk);
  EXPECT_EQ(checked(nest(kMaxJsonDepth, "[]"), {}), kTooDeep);
  EXPECT_EQ(checked(nest(kMaxJsonDepth, "{}"), {}), kTooDeep);
  EXPECT_EQ(checked(nest(kMaxJsonDepth + 1, "1"), {}), kTooDeep);
  // The 65th open bracket is refused before anything after it is looked at ...
  EXPECT_EQ(checked(nest(kMaxJsonDepth, "[x"), {}), kTooDeep);
  EXPECT_EQ(checked("{\"a\":" + std::string(kMaxJsonDepth, '[') + "\xFF", {}), kTooDeep);
  std::string objects = "{";
  for (std::size_t i = 0; i < kMaxJsonDepth; ++i) objects += "\"a\":{";
  EXPECT_EQ(checked(objects, {}), kTooDeep);
  // An object needs a key before its value: '{' right after '{' is a syntax error.
  EXPECT_EQ(checked("{\"a\":" + std::string(kMaxJsonDepth, '{'), {}), kNotObject);
  // ... but a syntax error before it wins.
  EXPECT_EQ(checked("{\"a\":x" + std::string(kMaxJsonDepth, '['), {}), kNotObject);
  EXPECT_EQ(checked("{\"a\":[1 2" + std::string(kMaxJsonDepth, '['), {}), kNotObject);
  EXPECT_EQ(checked("{\"a\":[1e999," + std::string(kMaxJsonDepth, '['), {}), kNotObject);
  EXPECT_EQ(checked("{\"a\":[\"\\q\"," + std::string(kMaxJsonDepth, '['), {}), kNotObject);
  // An open bracket where no value may stand is a syntax error, not a depth error.
  EXPECT_EQ(checked(nest(kMaxJsonDepth, "1 ["), {}), kNotObject);
  EXPECT_EQ(checked("{" + std::string(kMaxJsonDepth, '['), {}), kNotObject);
  // Containers closed in between do not count.
  std::string wide = "{\"a\":[";
  for (int i = 0; i < 200; ++i)
    wide += std::string(kMaxJsonDepth - 2, '[') + std::string(kMaxJsonDepth - 2, ']') + ",";
  wide += "0]}";
  EXPECT_EQ(checked(wide, {}), kOk);
}

// ---- Random documents through both implementations -----------------------------------------

// Builds JSON-ish documents from a grammar (with UTF-8, escapes, edge-case numbers, deep nesting)
// and then damages some of them, so both accepted and refused payloads of every kind occur.
class DocGen {
 public:
  explicit DocGen(std::uint32_t seed) : rng_(seed) {}

  std::string document() {
    std::string out;
    if (pick(20) == 0) out += "\xEF\xBB\xBF";
    ws(out);
    if (pick(10) == 0) {
      value(out, 0);
    } else {
      object(out, 0);
    }
    ws(out);
    if (pick(4) == 0) mutate(out);
    return out;
  }

 private:
  std::size_t pick(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }

  template <std::size_t N>
  std::string_view one_of(const std::string_view (&choices)[N]) {
    return choices[pick(N)];
  }

  void ws(std::string& out) {
    static constexpr std::string_view kWs[] = {"", "", "", " ", "\n", "\t", "\r\n  "};
    out += one_of(kWs);
  }

  void value(std::string& out, int depth) {
    const std::size_t kind = depth > 70 ? 2 + pick(4) : pick(depth > 8 ? 8 : 7);
    switch (kind) {
      case 0:
        object(out, depth);
        break;
      case 1:
        array(out, depth);
        break;
      case 2:
        string(out);
        break;
      case 3:
        number(out);
        break;
      case 4: {
        static constexpr std::string_view kLit[] = {"true", "false", "null"};
        out += one_of(kLit);
        break;
      }
      case 5:
        string(out);
        break;
      case 6:
        deep(out, depth);
        break;
      default:
        number(out);
        break;
    }
  }

  void deep(std::string& out, int depth) {
    // runs of brackets around the 64-level bound
    const std::size_t n = 55 + pick(15);
    std::string close;
    for (std::size_t i = 0; i < n; ++i) {
      if (pick(3) == 0) {
        out += "{\"d\":";
        close.insert(0, "}");
      } else {
        out += "[";
        close.insert(0, "]");
      }
    }
    value(out, depth + 100);
    out += close;
  }

  void object(std::string& out, int depth) {
    out += '{';
    const std::size_t n = pick(5);
    for (std::size_t i = 0; i < n; ++i) {
      if (i) out += ',';
      ws(out);
      if (depth == 0 && pick(2) == 0) {
        static constexpr std::string_view kKeys[] = {
            R"("institution")", R"("period")",       R"("\u0070eriod")", R"("institutio\u006e")",
            R"("perio")",       R"("period\u0000")", R"("a/b")",         R"("a\/b")",
            R"("\u00e9")",      "\"\xC3\xA9\""};
        out += one_of(kKeys);
      } else {
        string(out);
      }
      ws(out);
      out += ':';
      ws(out);
      value(out, depth + 1);
      ws(out);
    }
    out += '}';
  }

  void array(std::string& out, int depth) {
    out += '[';
    const std::size_t n = pick(5);
    for (std::size_t i = 0; i < n; ++i) {
      if (i) out += ',';
      ws(out);
      value(out, depth + 1);
      ws(out);
    }
    out += ']';
  }

  void string(std::string& out) {
    static constexpr std::string_view kPieces[] = {"a",
                                                   "period",
                                                   "institution",
                                                   " ",
                                                   "\\\"",
                                                   "\\\\",
                                                   "\\/",
                                                   "\\b",
                                                   "\\n",
                                                   "\\u0041",
                                                   "\\u00E9",
                                                   "\\ud83d\\ude00",
                                                   "\\uDBFF\\uDFFF",
                                                   "\\ud800",
                                                   "\\udc00",
                                                   "\\u12",
                                                   "\\x",
                                                   "\xC3\xA9",
                                                   "\xE2\x82\xAC",
                                                   "\xF0\x9F\x98\x80",
                                                   "\xF4\x8F\xBF\xBF",
                                                   "\xED\x9F\xBF",
                                                   "\xED\xA0\x80",
                                                   "\xC0\xAF",
                                                   "\xF4\x90\x80\x80",
                                                   "\x7F",
                                                   "\x1F",
                                                   "\t"};
    out += '"';
    const std::size_t n = pick(6);
    for (std::size_t i = 0; i < n; ++i) out += one_of(kPieces);
    out += '"';
  }

  void number(std::string& out) {
    static constexpr std::string_view kNumbers[] = {"0",
                                                    "-0",
                                                    "1",
                                                    "-1",
                                                    "12.5",
                                                    "1e5",
                                                    "1E-5",
                                                    "1e308",
                                                    "1e309",
                                                    "-1e309",
                                                    "1e-400",
                                                    "2.5e-324",
                                                    "1.7976931348623157e308",
                                                    "1.7976931348623159e308",
                                                    "18446744073709551616",
                                                    "-9223372036854775809",
                                                    "01",
                                                    "1.",
                                                    ".5",
                                                    "-",
                                                    "1e+",
                                                    "0.0e999"};
    out += one_of(kNumbers);
    if (pick(20) == 0) out += std::string(300 + pick(20), '9');
  }

  void mutate(std::string& doc) {
    const std::size_t edits = 1 + pick(3);
    for (std::size_t e = 0; e < edits && !doc.empty(); ++e) {
      const std::size_t at = pick(doc.size());
      switch (pick(5)) {
        case 0:
          doc[at] = static_cast<char>(pick(256));
          break;
        case 1:
          doc.erase(at, 1 + pick(3));
          break;
        case 2:
          doc.resize(at);
          break;
        case 3: {
          static constexpr std::string_view kBits[] = {
              "{", "}", "[", "]", ",", ":", "\"", "\\", " ", "NUL", "e", "-", ".", "\xEF\xBB\xBF"};
          const auto bit = one_of(kBits);
          doc.insert(at, bit == "NUL" ? std::string(1, '\0') : std::string(bit));
          break;
        }
        default:
          std::swap(doc[at], doc[pick(doc.size())]);
          break;
      }
    }
  }

  std::mt19937 rng_;
};

TEST(ReportPayloadScanner, AgreesWithTheReferenceOnRandomDocuments) {
  DocGen gen(20260301);
  const std::vector<std::vector<std::string_view>> lists{
      {}, kRequired, {"period"}, {"a/b", "\xC3\xA9"}, {"x", "period"}};
  std::size_t accepted = 0, too_deep = 0, refused = 0;
  for (int i = 0; i < 5000; ++i) {
    const std::string doc = gen.document();
    const std::string result = checked(doc, lists[static_cast<std::size_t>(i) % lists.size()]);
    if (result == kOk) {
      ++accepted;
    } else if (result == kTooDeep) {
      ++too_deep;
    } else {
      ++refused;
    }
    if (::testing::Test::HasFailure()) break;
  }
  // The generator must exercise every outcome, or the comparison proves little.
  EXPECT_GT(accepted, 250u);
  EXPECT_GT(too_deep, 50u);
  EXPECT_GT(refused, 1000u);
}

}  // namespace
}  // namespace rl::ledger
