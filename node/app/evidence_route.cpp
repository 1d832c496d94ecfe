#include "node/app/evidence_route.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "api/error_codes.hpp"
#include "api/evidence_json.hpp"
#include "ledger/limits.hpp"
#include "node/http/json_error.hpp"
#include "node/http/query.hpp"

namespace rl::node {
namespace {

using json = nlohmann::json;

}  // namespace

http::HttpResponse evidence_response(const ledger::Chain& chain, const http::HttpRequest& req) {
  constexpr std::uint64_t kDefaultLimit = 100;
  // A slot key: the prefix, three u64 and a type byte.
  const std::size_t kCursorBytes = ledger::evidence_prefix().size() + 3 * 8 + 1;
  auto from = http::u64_param(req, "from", 0);
  if (!from.ok()) return http::json_error(from.error());
  auto limit = http::limit_param(req, kDefaultLimit, ledger::limits::kMaxQueryLimit);
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
