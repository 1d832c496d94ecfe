// The explorer's static routes (node/explorer/explorer_routes.hpp): what is served, with which
// Content-Type and security headers, and that nothing else is. The embedded bytes are compared
// with the files in node/explorer/web, so a stale or missing embedding fails here.
#include "node/explorer/explorer_routes.hpp"

#include <gtest/gtest.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace rl::node::explorer {
namespace {

const std::filesystem::path kWebDir = std::filesystem::path(RL_SOURCE_DIR) / "node/explorer/web";

http::HttpRequest get(std::string path, std::string method = "GET") {
  http::HttpRequest r;
  r.method = std::move(method);
  r.target = path;
  r.path = std::move(path);
  return r;
}

std::string header(const http::HttpResponse& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return {};
}

std::string file_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void expect_security_headers(const http::HttpResponse& r, const std::string& what) {
  EXPECT_EQ(header(r, "content-security-policy"), kContentSecurityPolicy) << what;
  EXPECT_EQ(header(r, "x-content-type-options"), "nosniff") << what;
  EXPECT_EQ(header(r, "x-frame-options"), "DENY") << what;
  EXPECT_EQ(header(r, "referrer-policy"), "no-referrer") << what;
}

TEST(ExplorerRoutesTest, RouteCoversTheExplorerPrefixOnly) {
  EXPECT_TRUE(is_route("/explorer"));
  EXPECT_TRUE(is_route("/explorer/"));
  EXPECT_TRUE(is_route("/explorer/app.js"));
  EXPECT_FALSE(is_route("/explorerx"));
  EXPECT_FALSE(is_route("/v1/explorer/"));
  EXPECT_FALSE(is_route("/"));
}

TEST(ExplorerRoutesTest, IndexIsServedAtTheFolderAndTheBareNameRedirects) {
  auto index = serve(get("/explorer/"));
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(index.body, file_text(kWebDir / "index.html"));
  expect_security_headers(index, "/explorer/");

  auto bare = serve(get("/explorer"));
  EXPECT_EQ(bare.status, 301);
  EXPECT_EQ(header(bare, "location"), "/explorer/");
  expect_security_headers(bare, "/explorer");
}

TEST(ExplorerRoutesTest, EveryEmbeddedFileIsTheFileInTheRepositoryWithItsType) {
  const std::map<std::string, std::string> types = {{".html", "text/html; charset=utf-8"},
                                                    {".css", "text/css; charset=utf-8"},
                                                    {".js", "text/javascript; charset=utf-8"}};
  ASSERT_GE(embedded_assets().size(), 3u);
  for (const auto& asset : embedded_assets()) {
    const std::string name(asset.name);
    auto r = serve(get("/explorer/" + name));
    EXPECT_EQ(r.status, 200) << name;
    EXPECT_EQ(r.body, file_text(kWebDir / name)) << name << " differs from node/explorer/web";
    EXPECT_EQ(r.content_type, types.at(std::filesystem::path(name).extension().string())) << name;
    expect_security_headers(r, name);
  }
}

// Every web file in the folder is embedded (a file added to web/ but not to CMakeLists.txt
// would 404 in the browser), and every module a script imports is one of them.
TEST(ExplorerRoutesTest, EveryWebFileAndEveryImportedModuleIsEmbedded) {
  std::set<std::string> embedded;
  for (const auto& a : embedded_assets()) embedded.insert(std::string(a.name));
  for (const auto& entry : std::filesystem::directory_iterator(kWebDir)) {
    EXPECT_TRUE(embedded.count(entry.path().filename().string()))
        << entry.path().filename() << " is in node/explorer/web but not embedded";
  }
  const std::regex import_re(R"(from '\./([a-z_]+\.js)')");
  for (const auto& name : embedded) {
    const std::string text = file_text(kWebDir / name);
    for (std::sregex_iterator it(text.begin(), text.end(), import_re), end; it != end; ++it) {
      EXPECT_TRUE(embedded.count((*it)[1].str())) << name << " imports " << (*it)[1].str();
    }
  }
}

// What the CSP enforces in the browser, checked in the files too: no inline script or event
// handler attribute, no style attribute, nothing loaded from another origin.
TEST(ExplorerRoutesTest, FilesNeedNothingTheContentSecurityPolicyForbids) {
  for (const auto& a : embedded_assets()) {
    const std::string name(a.name);
    const std::string text = file_text(kWebDir / name);
    EXPECT_EQ(text.find("http://"), std::string::npos) << name;
    EXPECT_EQ(text.find("https://"), std::string::npos) << name;
    EXPECT_EQ(text.find("eval("), std::string::npos) << name;
    EXPECT_EQ(text.find("innerHTML"), std::string::npos) << name;
    if (name.ends_with(".html")) {
      EXPECT_TRUE(std::regex_search(text, std::regex(R"(<script [^>]*src=")")));
      EXPECT_FALSE(std::regex_search(text, std::regex(R"(<script(\s+type="module")?>)"))) << name;
      EXPECT_FALSE(std::regex_search(text, std::regex(R"(\son[a-z]+=)"))) << name;
      EXPECT_FALSE(std::regex_search(text, std::regex(R"(\sstyle=)"))) << name;
    }
  }
}

TEST(ExplorerRoutesTest, UnknownNamesAreNotFound) {
  for (const char* path :
       {"/explorer/nope.js", "/explorer/APP.JS", "/explorer/web/app.js", "/explorer/../v1/status",
        "/explorer/%2e%2e/app.js", "/explorer/app.js/", "/explorer//app.js",
        "/explorer/index.html.bak", "/explorer/CMakeLists.txt", "/explorer/explorer_routes.cpp"}) {
    auto r = serve(get(path));
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_NE(r.body.find("\"not_found\""), std::string::npos) << path << ": " << r.body;
    EXPECT_EQ(r.content_type, "application/json") << path;
    expect_security_headers(r, path);
  }
}

TEST(ExplorerRoutesTest, OnlyGetAndHeadAreAllowed) {
  EXPECT_EQ(serve(get("/explorer/app.js", "HEAD")).status, 200);
  for (const char* method : {"POST", "PUT", "DELETE", "OPTIONS"}) {
    auto r = serve(get("/explorer/app.js", method));
    EXPECT_EQ(r.status, 405) << method;
    EXPECT_EQ(header(r, "allow"), "GET, HEAD") << method;
    expect_security_headers(r, method);
  }
}

TEST(ExplorerRoutesTest, AFileOfAnUnservedTypeIsNotFoundEvenWhenEmbedded) {
  static constexpr std::array<unsigned char, 3> kBytes = {'a', 'b', 'c'};
  const std::array<Asset, 2> assets = {Asset{"notes.txt", kBytes}, Asset{"x.js", kBytes}};
  EXPECT_EQ(serve(get("/explorer/notes.txt"), assets).status, 404);
  auto js = serve(get("/explorer/x.js"), assets);
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.body, "abc");
  EXPECT_EQ(serve(get("/explorer/"), assets).status, 404);  // this set has no index.html
}

TEST(ExplorerRoutesTest, ContentTypesByExtension) {
  EXPECT_EQ(content_type_for("a.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for("a.css"), "text/css; charset=utf-8");
  EXPECT_EQ(content_type_for("a.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("a.png"), "");  // the explorer has no images
  EXPECT_EQ(content_type_for("a.txt"), "");
  EXPECT_EQ(content_type_for("js"), "");
  EXPECT_EQ(content_type_for("a."), "");
}

}  // namespace
}  // namespace rl::node::explorer
