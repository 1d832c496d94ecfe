#include "node/app/evidence_route.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <nlohmann/json.hpp>

#include "api/error_codes.hpp"
#include "api/evidence_json.hpp"
#include "ledger/limits.hpp"
#include "node/http/json_error.hpp"

namespace rl::node {
namespace {

using json = nlohmann::json;

// An optional unsigned query parameter in [min, max]; `fallback` when absent. Code: bad_query.
Result<std::uint64_t> u64_param(const http::HttpRequest& req, const char* name,
                                std::uint64_t fallback, std::uint64_t min, std::uint64_t max) {
  auto it = req.query.find(name);
  if (it == req.query.end()) return fallback;
  const std::string& text = it->second;
  std::uint64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || p != text.data() + text.size() || n < min || n > max) {
    return http::api_error(api::ApiError::kBadQuery, std::string(name) + " must be an integer " +
                                                         std::to_string(min) + "-" +
                                                         std::to_string(max));
  }
  return n;
}

}  // namespace

http::HttpResponse evidence_response(const ledger::Chain& chain, const http::HttpRequest& req) {
  constexpr std::uint64_t kDefaultLimit = 100;
  // A slot key: the prefix, three u64 and a type byte.
  const std::size_t kCursorBytes = ledger::evidence_prefix().size() + 3 * 8 + 1;
  auto from = u64_param(req, "from", 0, 0, std::numeric_limits<std::uint64_t>::max());
  if (!from.ok()) return http::json_error(from.error());
  auto limit = u64_param(req, "limit", kDefaultLimit, 1, ledger::limits::kMaxQueryLimit);
  if (!limit.ok()) return http::json_error(limit.error());
  Bytes after;
  if (auto it = req.query.find("after"); it != req.query.end()) {
    auto cursor =
        it->second.size() == 2 * kCursorBytes ? from_hex(it->second) : Result<Bytes>(Bytes{});
    const Bytes prefix = ledger::evidence_prefix();
    if (!cursor.ok() || cursor->size() != kCursorBytes ||
        !std::equal(prefix.begin(), prefix.end(), cursor->begin())) {
      return http::json_error(api::ApiError::kBadQuery,
                              "after is the `next` cursor of a previous page");
    }
    after = std::move(cursor).value();
  }
  auto page = chain.evidence(*from, after, *limit);
  if (!page.ok()) return http::json_error(page.error());
  json items = json::array();
  for (const auto& r : page->records) items.push_back(api::evidence_record_to_json(r));
  json out = {{"evidence", items}, {"count", items.size()}};
  if (!page->next.empty()) out["next"] = to_hex(page->next);
  http::HttpResponse resp;
  resp.body = out.dump();
  return resp;
}

}  // namespace rl::node
