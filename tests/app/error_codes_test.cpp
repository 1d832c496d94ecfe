// The typed API error codes and their one table to HTTP statuses (api/error_codes.hpp): well
// formed, every enumerator in it once, and no node handler that answers with a status or a code
// string of its own.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "api/error_codes.hpp"

namespace rl::api {
namespace {

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ApiErrorCodes, TheTableIsSortedHoldsEachCodeOnceAndOnlyErrorStatuses) {
  const auto codes = api_errors();
  ASSERT_FALSE(codes.empty());
  const std::set<int> allowed = {400, 401, 403, 404, 405, 409, 413, 429, 431, 500, 503};
  for (std::size_t i = 0; i < codes.size(); ++i) {
    EXPECT_TRUE(allowed.count(codes[i].http_status)) << codes[i].code;
    EXPECT_TRUE(std::regex_match(std::string(codes[i].code), std::regex("[a-z][a-z0-9_]*")))
        << codes[i].code;
    if (i > 0) {
      EXPECT_LT(codes[i - 1].code, codes[i].code) << "not sorted or repeated at " << codes[i].code;
    }
  }
}

TEST(ApiErrorCodes, EveryEnumeratorIsInTheTableExactlyOnceAndRoundTrips) {
  const auto count = static_cast<std::size_t>(ApiError::kCount);
  EXPECT_EQ(api_errors().size(), count);
  for (std::size_t i = 0; i < count; ++i) {
    const auto e = static_cast<ApiError>(i);
    std::size_t lines = 0;
    for (const auto& info : api_errors()) lines += info.error == e ? 1 : 0;
    EXPECT_EQ(lines, 1u) << "enumerator " << i;
    const auto back = from_string(to_string(e));
    ASSERT_TRUE(back.has_value()) << to_string(e);
    EXPECT_EQ(*back, e) << to_string(e);
    EXPECT_EQ(http_status_for(to_string(e)), http_status(e)) << to_string(e);
  }
  EXPECT_FALSE(from_string("no_such_code").has_value());
  EXPECT_FALSE(from_string("").has_value());
  // Lookups are exact: no prefix, suffix or case folding.
  EXPECT_FALSE(from_string("tx_not_foun").has_value());
  EXPECT_FALSE(from_string("tx_not_found_").has_value());
  EXPECT_FALSE(from_string("TX_NOT_FOUND").has_value());
}

TEST(ApiErrorCodes, EachRouteFamilysCodesHaveTheirStatus) {
  // One code of each status from each family that once kept its own table: identity, the core
  // API, third-party and sealed routes, and the HTTP server itself.
  EXPECT_EQ(http_status(ApiError::kSessionRequired), 401);
  EXPECT_EQ(http_status(ApiError::kAccountLocked), 403);
  EXPECT_EQ(http_status(ApiError::kEnrollRequestUnknown), 404);
  EXPECT_EQ(http_status(ApiError::kTooManySessions), 503);
  EXPECT_EQ(http_status(ApiError::kTxNotFound), 404);
  EXPECT_EQ(http_status(ApiError::kNonceReplayed), 409);
  EXPECT_EQ(http_status(ApiError::kBodyTooLarge), 413);
  EXPECT_EQ(http_status(ApiError::kHeaderTooLarge), 431);
  EXPECT_EQ(http_status(ApiError::kMempoolFull), 503);
  EXPECT_EQ(http_status(ApiError::kMethodNotAllowed), 405);
  EXPECT_EQ(http_status(ApiError::kOutOfScopeField), 403);
  EXPECT_EQ(http_status(ApiError::kRateLimited), 429);
  EXPECT_EQ(http_status(ApiError::kPolicyRefused), 403);
  EXPECT_EQ(http_status(ApiError::kRequestReplayed), 409);
  EXPECT_EQ(http_status(ApiError::kShareCorrupt), 500);
  EXPECT_EQ(http_status(ApiError::kStorageCorrupt), 500);
  // The node's own limits and damage are its errors, not the caller's: a CRL it will not build
  // (GET /v1/crl has no body to be too large) and an audit chain it finds broken.
  EXPECT_EQ(http_status_for("crl_too_large"), 500);
  EXPECT_EQ(http_status_for("audit_tampered"), 500);
  EXPECT_EQ(http_status(ApiError::kBadQuery), 400);
  // The identity services' and CSR checks' own 400s, typed with the status the fallback gave them.
  for (auto e : {ApiError::kBadCsr, ApiError::kBadCsrSignature, ApiError::kBadField,
                 ApiError::kOfflineDisabled, ApiError::kSubjectMismatch, ApiError::kWrongKeyType}) {
    EXPECT_EQ(http_status(e), 400) << to_string(e);
  }
  EXPECT_EQ(to_string(ApiError::kTxNotFound), "tx_not_found");
  // A code string from a lower layer that the table does not list is the client's error.
  EXPECT_EQ(http_status_for("tx_expired"), 400);
  EXPECT_EQ(http_status_for("no_such_code"), 400);
  EXPECT_EQ(http_status_for(""), 400);
}

// The node's files that name their codes as ApiError: those that answer HTTP requests (they call
// json_error), and the identity services, CSR checks and read policy, whose refusals go to the
// wire as they are (login, enrollment, device enrollment, every read check).
std::vector<std::filesystem::path> typed_files() {
  std::vector<std::filesystem::path> out;
  const std::filesystem::path node = std::string(RL_SOURCE_DIR) + "/node";
  for (const auto& entry : std::filesystem::recursive_directory_iterator(node)) {
    const auto& path = entry.path();
    if (path.extension() != ".cpp") continue;
    const bool identity_service =
        path.parent_path() == node / "app/identity" &&
        (path.stem().string().ends_with("_service") || path.filename() == "read_policy.cpp" ||
         path.filename() == "csr_check.cpp");
    if (identity_service || read_file(path).find("json_error(") != std::string::npos) {
      out.push_back(path);
    }
  }
  return out;
}

TEST(ApiErrorCodes, NoHandlerPassesAStatusOrMakesAnErrorFromACodeString) {
  // The status of an error answer is the table's: json_error takes no status. And the files that
  // answer requests, and the identity services behind them, name their codes as ApiError, so a
  // misspelt code fails to compile instead of going out as a 400 nobody documented.
  const std::regex literal_status(R"re(json_error\(\s*[0-9][^)\n]*)re");
  const std::regex code_string(R"re(make_error\(\s*"[a-z0-9_]*")re");
  const auto files = typed_files();
  EXPECT_GE(files.size(), 9u) << "the scan found too few files: is RL_SOURCE_DIR right?";
  for (const char* name : {"auth_service.cpp", "enroll_service.cpp", "device_enroll_service.cpp",
                           "read_policy.cpp", "csr_check.cpp"}) {
    EXPECT_TRUE(std::any_of(files.begin(), files.end(),
                            [&](const auto& p) { return p.filename() == name; }))
        << name << " is not scanned";
  }
  for (const auto& path : files) {
    const std::string s = read_file(path);
    for (std::sregex_iterator it(s.begin(), s.end(), literal_status), end; it != end; ++it) {
      ADD_FAILURE() << path.filename() << ": " << it->str() << " passes a status of its own";
    }
    for (std::sregex_iterator it(s.begin(), s.end(), code_string), end; it != end; ++it) {
      ADD_FAILURE() << path.filename() << ": " << it->str() << " names a code as a string";
    }
  }
}

}  // namespace
}  // namespace rl::api
