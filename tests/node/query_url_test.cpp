// Pure parsing: request-target splitting and percent-decoding, and node base URLs.

#include <gtest/gtest.h>

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
