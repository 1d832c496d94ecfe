// Pure parsing: request-target splitting, percent-decoding, numeric query parameters, the
// client's query strings read back by the node, and node base URLs.

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "api/query_string.hpp"
#include "client/http/https_url.hpp"
#include "node/http/query.hpp"

namespace rl::http {
namespace {

TEST(Query, PercentDecode) {
  EXPECT_EQ(percent_decode("a%20b%2Fc"), "a b/c");
  EXPECT_EQ(percent_decode("a+b"), "a+b");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("%e4%B8%ad"), "\xe4\xb8\xad");
  EXPECT_FALSE(percent_decode("%"));
  EXPECT_FALSE(percent_decode("%4"));
  EXPECT_FALSE(percent_decode("%zz"));
  EXPECT_FALSE(percent_decode("a%00b"));
}

TEST(Query, ParseQuery) {
  auto q = parse_query("a=1&b=x%20y&&c&d=");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->size(), 4u);
  EXPECT_EQ(q->at("a"), "1");
  EXPECT_EQ(q->at("b"), "x y");
  EXPECT_EQ(q->at("c"), "");
  EXPECT_EQ(q->at("d"), "");
  EXPECT_TRUE(parse_query("")->empty());
  EXPECT_EQ(parse_query("a=1&a=2").error().code, "invalid_query");
  EXPECT_EQ(parse_query("=1").error().code, "invalid_query");
  EXPECT_EQ(parse_query("a=%G0").error().code, "invalid_query");
}

TEST(Query, SplitTarget) {
  auto s = split_target("/v1/x?y=1#frag");
  EXPECT_EQ(s.path, "/v1/x");
  EXPECT_EQ(s.query, "y=1");
  EXPECT_EQ(split_target("/p").query, "");
  EXPECT_EQ(split_target("/p#f?x").path, "/p");
}

TEST(Query, ParseU64TakesDigitsOnly) {
  EXPECT_EQ(parse_u64("0"), 0u);
  EXPECT_EQ(parse_u64("007"), 7u);
  EXPECT_EQ(parse_u64("18446744073709551615"), kU64Max);
  for (const char* bad : {"", "18446744073709551616", "99999999999999999999999", "-1", "+1", "-0",
                          " 1", "1 ", "1x", "x", "0x10", "1e3", "1.0", "\xd9\xa1"}) {
    EXPECT_FALSE(parse_u64(bad)) << bad;
  }
}

TEST(Query, ParseI64TakesOneMinus) {
  EXPECT_EQ(parse_i64("-5"), -5);
  EXPECT_EQ(parse_i64("9223372036854775807"), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(parse_i64("-9223372036854775808"), std::numeric_limits<std::int64_t>::min());
  for (const char* bad :
       {"", "-", "+5", "--5", "9223372036854775808", "-9223372036854775809", " -5", "5ms"}) {
    EXPECT_FALSE(parse_i64(bad)) << bad;
  }
}

HttpRequest with_query(std::string_view query) {
  HttpRequest req;
  req.query = parse_query(query).value();
  return req;
}

TEST(Query, U64ParamBounds) {
  auto at = [](std::string_view q) { return u64_param(with_query(q), "n", 42, 3, 10); };
  EXPECT_EQ(*at(""), 42u);         // absent: the fallback
  EXPECT_EQ(*at("n="), 42u);       // empty: not given either
  EXPECT_EQ(*at("other=1"), 42u);  // another parameter does not count
  EXPECT_EQ(*at("n=3"), 3u);       // each bound is inside
  EXPECT_EQ(*at("n=10"), 10u);
  // "n=+3" is " 3" once decoded ('+' is a space in a query), and a space is not a digit.
  for (const char* bad : {"n=2", "n=11", "n=0", "n=x", "n=-3", "n=%2B3", "n=+3", "n=3%20",
                          "n=18446744073709551616"}) {
    auto r = at(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "bad_query") << bad;
    EXPECT_EQ(r.error().message, "n must be an integer 3-10") << bad;
  }
}

TEST(Query, U64ParamWithoutUpperBound) {
  EXPECT_EQ(*u64_param(with_query("from=18446744073709551615"), "from", 0), kU64Max);
  auto over = u64_param(with_query("from=18446744073709551616"), "from", 0);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().message, "from must be a non-negative integer");
  EXPECT_EQ(optional_u64_param(with_query("from=1"), "from", 2).error().message,
            "from must be an integer from 2");
  EXPECT_FALSE(optional_u64_param(with_query("from="), "from")->has_value());
  EXPECT_EQ(optional_u64_param(with_query("from=0"), "from")->value(), 0u);
}

TEST(Query, LimitParam) {
  auto limit = [](std::string_view q) { return limit_param(with_query(q), 100, 1000); };
  EXPECT_EQ(*limit(""), 100u);
  EXPECT_EQ(*limit("limit="), 100u);
  EXPECT_EQ(*limit("limit=1"), 1u);
  EXPECT_EQ(*limit("limit=1000"), 1000u);
  for (const char* bad : {"limit=0", "limit=1001", "limit=-1", "limit=ten", "limit=1%2C2"}) {
    auto r = limit(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "bad_query") << bad;
    EXPECT_EQ(r.error().message, "limit must be an integer 1-1000") << bad;
  }
}

TEST(Query, I64Param) {
  EXPECT_FALSE(optional_i64_param(with_query(""), "from_ms")->has_value());
  EXPECT_FALSE(optional_i64_param(with_query("from_ms="), "from_ms")->has_value());
  EXPECT_EQ(optional_i64_param(with_query("from_ms=-1"), "from_ms")->value(), -1);
  EXPECT_EQ(optional_i64_param(with_query("from_ms=1700000000000"), "from_ms")->value(),
            1700000000000);
  for (const char* bad : {"from_ms=x", "from_ms=%2B1", "from_ms=9223372036854775808"}) {
    auto r = optional_i64_param(with_query(bad), "from_ms");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "bad_query") << bad;
  }
}

TEST(Query, RepeatedNumericParameterNeverReachesTheRoute) {
  // The one place that refuses a repeat is parse_query: a route cannot be told two limits.
  auto q = parse_query("limit=1&limit=1000");
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error().code, "invalid_query");
}

// The client's query strings (api/query_string.hpp) read back by the node's own parser: what
// one side encodes, the other decodes to the same bytes, and no value makes a parameter.
TEST(QueryString, ValuesRoundTripAndCannotInjectParameters) {
  const std::string hostile = "a&org=b=c#frag d%20e%zz+f/g?h \xc3\xa9\xe4\xb8\xad";
  const std::string target = "/v1/reports" + api::QueryString()
                                                 .add("limit", 5)
                                                 .add("org", hostile)
                                                 .add("k&y=", "v")
                                                 .add("period", "2026-Q3")
                                                 .str();
  EXPECT_EQ(target.find('#'), std::string::npos) << target;
  auto split = split_target(target);
  EXPECT_EQ(split.path, "/v1/reports");
  auto q = parse_query(split.query);
  ASSERT_TRUE(q.ok()) << target;
  EXPECT_EQ(q->size(), 4u) << target;
  EXPECT_EQ(q->at("limit"), "5");
  EXPECT_EQ(q->at("org"), hostile);
  EXPECT_EQ(q->at("k&y="), "v");
  EXPECT_EQ(q->at("period"), "2026-Q3");
}

TEST(QueryString, Encoding) {
  EXPECT_EQ(api::QueryString().str(), "");
  EXPECT_TRUE(api::QueryString().empty());
  EXPECT_EQ(api::QueryString().add("a", "x y").add("b", std::uint64_t{7}).str(), "?a=x%20y&b=7");
  EXPECT_EQ(api::QueryString().add("t", "a-b_c.d~e").str(), "?t=a-b_c.d~e");
  EXPECT_EQ(api::QueryString().add("v", "&=#%+").str(), "?v=%26%3D%23%25%2B");
  EXPECT_EQ(api::QueryString().add("v", "\xc3\xa9").str(), "?v=%C3%A9");
  EXPECT_EQ(api::QueryString().add("from", -5).str(), "?from=-5");
  // An empty optional filter is left out: the node would read it as not sent anyway.
  EXPECT_EQ(api::QueryString().add_if_set("org", "").add_if_set("p", "x").str(), "?p=x");
  EXPECT_EQ(api::QueryString().add("org", "").str(), "?org=");
}

TEST(HttpsUrl, ParsesValidUrls) {
  auto u = parse_https_url("https://127.0.0.1:8443");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 8443);
  EXPECT_EQ(u->authority(), "127.0.0.1:8443");
  EXPECT_EQ(parse_https_url("HTTPS://Node-1.Example.com/")->host, "node-1.example.com");
  EXPECT_EQ(parse_https_url("https://node.example.com")->port, 443);
  auto v6 = parse_https_url("https://[::1]:9000");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->authority(), "[::1]:9000");
}

TEST(HttpsUrl, RejectsInvalidUrls) {
  for (const char* bad :
       {"", "http://127.0.0.1:80", "127.0.0.1:8443", "https://", "https://:8443", "https://host:0",
        "https://host:65536", "https://host:12a", "https://host:", "https://user@host:1",
        "https://host:1/path", "https://host:1?q", "https://host:1#f", "https://[::1",
        "https://[zz::1]:1", "https://999.1.1.1:1", "https://ho st:1", "https://-host:1",
        "https://[::1]x"}) {
    auto r = parse_https_url(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, "invalid_url") << bad;
    }
  }
}

}  // namespace
}  // namespace rl::http
