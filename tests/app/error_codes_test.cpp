// The one table of error codes to HTTP statuses (api/error_codes.hpp): well formed, used by
// every route family, and never contradicted by a handler that writes a status by hand.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "api/error_codes.hpp"

namespace rl::api {
namespace {

TEST(ApiErrorCodes, TheTableIsSortedHoldsEachCodeOnceAndOnlyErrorStatuses) {
  const auto codes = api_error_codes();
  ASSERT_FALSE(codes.empty());
  const std::set<int> allowed = {401, 403, 404, 405, 409, 413, 429, 500, 503};
  for (std::size_t i = 0; i < codes.size(); ++i) {
    EXPECT_TRUE(allowed.count(codes[i].http_status)) << codes[i].code;
    EXPECT_TRUE(std::regex_match(std::string(codes[i].code), std::regex("[a-z][a-z0-9_]*")))
        << codes[i].code;
    if (i > 0) {
      EXPECT_LT(codes[i - 1].code, codes[i].code) << "not sorted or repeated at " << codes[i].code;
    }
  }
}

TEST(ApiErrorCodes, EachRouteFamilysCodesHaveTheirStatus) {
  // One code of each status from each family that once kept its own table: identity, the core
  // API, third-party and sealed routes. The identity routes now answer 404/409 like the others.
  EXPECT_EQ(http_status_for("session_required"), 401);
  EXPECT_EQ(http_status_for("account_locked"), 403);
  EXPECT_EQ(http_status_for("enroll_request_unknown"), 404);
  EXPECT_EQ(http_status_for("too_many_sessions"), 503);
  EXPECT_EQ(http_status_for("tx_not_found"), 404);
  EXPECT_EQ(http_status_for("nonce_replayed"), 409);
  EXPECT_EQ(http_status_for("body_too_large"), 413);
  EXPECT_EQ(http_status_for("mempool_full"), 503);
  EXPECT_EQ(http_status_for("method_not_allowed"), 405);
  EXPECT_EQ(http_status_for("out_of_scope_field"), 403);
  EXPECT_EQ(http_status_for("rate_limited"), 429);
  EXPECT_EQ(http_status_for("policy_refused"), 403);
  EXPECT_EQ(http_status_for("request_replayed"), 409);
  EXPECT_EQ(http_status_for("share_corrupt"), 500);
  EXPECT_EQ(http_status_for("storage_corrupt"), 500);
  // Anything else is the client's error.
  EXPECT_EQ(http_status_for("bad_json"), 400);
  EXPECT_EQ(http_status_for("no_such_code"), 400);
  EXPECT_EQ(http_status_for(""), 400);
}

TEST(ApiErrorCodes, NoHandlerWritesAStatusTheTableContradicts) {
  // json_error(<status>, "<code>", ...) written by hand in node/: the status must be the
  // table's, so that no route answers one code with two statuses.
  const std::regex call(R"re(json_error\(\s*([0-9]{3})\s*,\s*"([a-z0-9_]+)")re");
  std::size_t seen = 0;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(std::string(RL_SOURCE_DIR) + "/node")) {
    if (entry.path().extension() != ".cpp") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    const std::string s = text.str();
    for (std::sregex_iterator it(s.begin(), s.end(), call), end; it != end; ++it) {
      ++seen;
      EXPECT_EQ(std::stoi((*it)[1]), http_status_for((*it)[2].str()))
          << entry.path().filename() << ": json_error(" << (*it)[1] << ", \"" << (*it)[2] << "\")";
    }
  }
  EXPECT_GT(seen, 0u) << "the scan found no json_error calls: is RL_SOURCE_DIR right?";
}

}  // namespace
}  // namespace rl::api
