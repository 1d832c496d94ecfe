// The node serves exactly the route table (api/routes.hpp), through the real HTTPS server: every
// route answers each of its methods (whatever the answer, never "no such route"), refuses any
// other method with 405 and the table's Allow header, and a path the table does not list is no
// route.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "api/routes.hpp"
#include "client/lib/session.hpp"
#include "tests/app/node_fixture.hpp"

namespace rl::testing {
namespace {

using nlohmann::json;

// The template with its placeholders filled by "p0", "p1", ...
std::string sample_path(const api::RouteInfo& r) {
  std::string out;
  std::size_t n = 0;
  const std::regex segment("/([^/]*)");
  const std::string path(r.path);
  for (std::sregex_iterator it(path.begin(), path.end(), segment), end; it != end; ++it) {
    const std::string s = (*it)[1];
    out += '/';
    out += s.starts_with('{') ? "p" + std::to_string(n++) : s;
  }
  return out;
}

std::vector<std::string> methods_of(const api::RouteInfo& r) {
  std::vector<std::string> out;
  const std::string methods(r.methods);
  const std::regex method("[A-Z]+");
  for (std::sregex_iterator it(methods.begin(), methods.end(), method), end; it != end; ++it) {
    out.push_back(it->str());
  }
  return out;
}

std::string header(const http::HttpResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return {};
}

std::string code_of(const http::HttpResponse& r) {
  auto j = json::parse(r.body, nullptr, false);
  if (!j.is_object() || !j.contains("error") || !j["error"].is_object()) return {};
  return j["error"].value("code", "");
}

bool is_explorer(api::Route r) {
  return r == api::Route::kExplorerRoot || r == api::Route::kExplorerIndex ||
         r == api::Route::kExplorerFile;
}

class ApiRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto reporter = node_.enroll_reporter("bank-a", "bank-a-reporting", "0105");
    token_ = node_.login(reporter);
  }

  NodeFixture node_;
  std::string token_;
};

TEST_F(ApiRoutesTest, EveryRouteOfTheTableIsServedWithItsMethods) {
  auto c = node_.client();
  const auto before = node_.snapshot();
  for (const auto& r : api::routes()) {
    const auto path = sample_path(r);
    for (const auto& method : methods_of(r)) {
      // GETs carry the session, so that data routes get past the session gate to their handler.
      // POSTs carry none and an empty body: each is refused before it could change anything.
      const auto auth = method == "GET" ? client::bearer_headers(token_) : http::HeaderList{};
      auto res = c.request(method, path, "", auth);
      ASSERT_TRUE(res.ok()) << method << " " << path << ": " << res.error().to_string();
      EXPECT_NE(res->status, 405) << method << " " << path << ": " << res->body;
      if (method != "HEAD") {
        EXPECT_NE(code_of(*res), "route_not_found") << method << " " << path << ": " << res->body;
      }
    }
  }
  EXPECT_EQ(node_.snapshot(), before);
}

TEST_F(ApiRoutesTest, AnyOtherMethodIs405WithTheTablesAllowHeader) {
  auto c = node_.client();
  for (const auto& r : api::routes()) {
    const auto path = sample_path(r);
    auto res = c.request("PATCH", path, "", client::bearer_headers(token_));
    ASSERT_TRUE(res.ok()) << path;
    EXPECT_EQ(res->status, 405) << path << ": " << res->body;
    EXPECT_EQ(code_of(*res), "method_not_allowed") << path << ": " << res->body;
    EXPECT_EQ(header(*res, "allow"), r.methods) << path;
  }
}

TEST_F(ApiRoutesTest, APathTheTableDoesNotListIsNoRoute) {
  auto c = node_.client();
  for (const auto& r : api::routes()) {
    // Two more segments: one could land on a longer template (/v1/txs + /x is /v1/txs/{id}).
    const auto path = sample_path(r) + "/x/y";
    ASSERT_FALSE(api::match_route(path).has_value()) << path << " is a route of the table";
    auto res = c.request("GET", path, "", client::bearer_headers(token_));
    ASSERT_TRUE(res.ok()) << path;
    EXPECT_EQ(res->status, 404) << path << ": " << res->body;
    // Every name under /explorer/ is the explorer's, which answers an unknown file not_found.
    EXPECT_EQ(code_of(*res), is_explorer(r.route) ? "not_found" : "route_not_found")
        << path << ": " << res->body;
  }
}

}  // namespace
}  // namespace rl::testing
