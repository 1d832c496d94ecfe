// The one route table (api/routes.hpp): well formed, no route hidden behind an earlier one,
// matching and path building agree, and docs/api/openapi.yaml documents exactly its paths.

#include <gtest/gtest.h>

#include <cstddef>
#include <fstream>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "api/routes.hpp"

namespace rl::api {
namespace {

// A value for each placeholder of `info`'s template: "p0", "p1", ...
std::vector<std::string> sample_segments(const RouteInfo& info) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < placeholder_count(info.route); ++i) {
    out.push_back("p" + std::to_string(i));
  }
  return out;
}

std::string filled(const RouteInfo& info, const std::vector<std::string>& segments) {
  std::string out;
  std::size_t used = 0;
  const std::regex segment("/([^/]*)");
  const std::string path(info.path);
  for (std::sregex_iterator it(path.begin(), path.end(), segment), end; it != end; ++it) {
    const std::string s = (*it)[1];
    out += '/';
    out += s.starts_with('{') ? segments[used++] : s;
  }
  return out;
}

TEST(ApiRoutes, EveryEnumeratorIsInTheTableOnceWithAWellFormedTemplateAndMethods) {
  ASSERT_EQ(routes().size(), static_cast<std::size_t>(Route::kCount));
  const std::regex tmpl(R"re((/([a-z0-9-]*|\{[a-z]+\}))+)re");
  const std::set<std::string_view> methods = {"GET", "POST", "GET, HEAD"};
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < routes().size(); ++i) {
    const auto& r = routes()[i];
    EXPECT_EQ(r.route, static_cast<Route>(i)) << r.path;
    EXPECT_TRUE(std::regex_match(std::string(r.path), tmpl)) << r.path;
    EXPECT_TRUE(methods.contains(r.methods)) << r.path << ": " << r.methods;
    EXPECT_TRUE(seen.insert(r.path).second) << r.path << " twice";
    EXPECT_LE(placeholder_count(r.route), kMaxPlaceholders) << r.path;
  }
}

TEST(ApiRoutes, NoRouteIsHiddenBehindAnEarlierOne) {
  // Each template, filled, must match itself: a template listed before it that also matched
  // (/v1/txs/{id} before /v1/txs/batch) would take its requests.
  for (const auto& r : routes()) {
    const auto segments = sample_segments(r);
    const auto path = filled(r, segments);
    const auto m = match_route(path);
    ASSERT_TRUE(m.has_value()) << path;
    EXPECT_EQ(m->route, r.route) << path << " matches " << route_template(m->route);
    for (std::size_t i = 0; i < segments.size(); ++i) EXPECT_EQ(m->params[i], segments[i]) << path;
  }
}

TEST(ApiRoutes, MatchingTakesOneNonEmptySegmentPerPlaceholderAndNothingElse) {
  EXPECT_EQ(match_route("/v1/txs/batch")->route, Route::kTxsBatch);
  EXPECT_EQ(match_route("/v1/sealed/search")->route, Route::kSealedSearch);
  const auto chunk = match_route("/v1/reports/r-1/chunks/7");
  ASSERT_TRUE(chunk.has_value());
  EXPECT_EQ(chunk->route, Route::kReportChunk);
  EXPECT_EQ(chunk->params[0], "r-1");
  EXPECT_EQ(chunk->params[1], "7");
  EXPECT_EQ(match_route("/explorer")->route, Route::kExplorerRoot);
  EXPECT_EQ(match_route("/explorer/")->route, Route::kExplorerIndex);
  EXPECT_EQ(match_route("/explorer/app.js")->route, Route::kExplorerFile);
  for (const char* p : {"", "/", "/v1", "/v1/txs/", "/v1/reports//versions", "/v1/blocks/1/2",
                        "/v1/status/", "/v1/reports/a/chunks/", "/v2/status", "healthz",
                        "/explorer/a/b.js", "/V1/status", "/v1/enroll/e1/approve/x"}) {
    EXPECT_FALSE(match_route(p).has_value()) << p;
  }
}

TEST(ApiRoutes, MethodsAreTheTablesExactly) {
  EXPECT_TRUE(route_allows(Route::kTxs, "POST"));
  EXPECT_FALSE(route_allows(Route::kTxs, "GET"));
  EXPECT_TRUE(route_allows(Route::kExplorerFile, "GET"));
  EXPECT_TRUE(route_allows(Route::kExplorerFile, "HEAD"));
  EXPECT_FALSE(route_allows(Route::kExplorerFile, "POST"));
  EXPECT_FALSE(route_allows(Route::kExplorerFile, "GET, HEAD"));
  EXPECT_FALSE(route_allows(Route::kStatus, "HEAD"));
  EXPECT_FALSE(route_allows(Route::kStatus, "get"));  // methods are case-sensitive
  EXPECT_FALSE(route_allows(Route::kStatus, ""));
}

TEST(ApiRoutes, APathIsBuiltFromTheTableWithEachSegmentPercentEncoded) {
  EXPECT_EQ(route_path<Route::kStatus>(), "/v1/status");
  EXPECT_EQ(route_path<Route::kReportVersions>("r-1"), "/v1/reports/r-1/versions");
  EXPECT_EQ(route_path<Route::kReportChunk>(std::string("r_1.x~"), "12"),
            "/v1/reports/r_1.x~/chunks/12");
  EXPECT_EQ(route_path<Route::kExplorerIndex>(), "/explorer/");
  // A segment cannot leave its place: '/', '?', '#', '%' and the rest are encoded, so the path
  // still names the same route with the whole value as its one segment.
  const std::string hostile = "a/b?c#d e%&\xe4\xb8\xad";
  const auto path = route_path<Route::kReport>(hostile);
  EXPECT_EQ(path, "/v1/reports/a%2Fb%3Fc%23d%20e%25%26%E4%B8%AD");
  const auto m = match_route(path);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->route, Route::kReport);
  EXPECT_EQ(percent_encode(""), "");
  EXPECT_EQ(percent_encode("AZaz09-._~"), "AZaz09-._~");
}

TEST(ApiRoutes, OpenApiDocumentsExactlyTheTablesPaths) {
  std::ifstream in(std::string(RL_SOURCE_DIR) + "/docs/api/openapi.yaml");
  ASSERT_TRUE(in) << "docs/api/openapi.yaml";
  // The paths section: keys indented by two spaces, up to the next top-level key.
  std::set<std::string> documented;
  const std::regex key(R"re(^  (/[^:\s]*):\s*$)re");
  bool in_paths = false;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] != ' ') in_paths = line == "paths:";
    std::smatch m;
    if (in_paths && std::regex_match(line, m, key)) documented.insert(m[1]);
  }
  std::set<std::string> table;
  for (const auto& r : routes()) table.insert(std::string(r.path));
  for (const auto& p : table) EXPECT_TRUE(documented.contains(p)) << p << " is not documented";
  for (const auto& p : documented) EXPECT_TRUE(table.contains(p)) << p << " is not in the table";
}

}  // namespace
}  // namespace rl::api
