#include "client/lib/pg_index_audit.hpp"

#include <nlohmann/json.hpp>

#include "api/audit_chain.hpp"
#include "api/error_codes.hpp"
#include "api/query_string.hpp"
#include "api/routes.hpp"

namespace rl::client::pg {

using api::Route;
namespace {

namespace audit = ::rl::api;

constexpr std::uint64_t kPage = 1000;  // the API's largest audit page

struct AuditPosition {
  std::uint64_t seq = 0;
  Bytes hash;
};

Result<AuditPosition> read_audit_position(Connection& c, const std::string& node) {
  RL_ASSIGN_OR_RETURN(auto rows,
                      c.exec("SELECT last_seq, last_hash FROM audit_state WHERE node = $1 "
                             "FOR UPDATE",
                             Params().text(node)));
  if (rows.count() == 0) return AuditPosition{0, audit::audit_genesis_hash()};
  auto hash = from_hex(rows.get(0, 1));
  if (!hash.ok()) return make_error("pg_error", "audit_state.last_hash is not hex");
  return AuditPosition{std::stoull(rows.get(0, 0)), std::move(hash).value()};
}

Status write_entry(Connection& c, const std::string& node, const audit::AuditEntry& e) {
  auto r = c.exec(
      "INSERT INTO audit_events (node, seq, time_ms, event_time, account, event, outcome, code, "
      "remote, detail, prev_hash, hash) VALUES ($1, $2, $3, to_timestamp($3::bigint / 1000.0), "
      "$4, $5, $6, $7, $8, $9::jsonb, $10, $11)",
      Params()
          .text(node)
          .unsigned_integer(e.seq)
          .integer(e.time_ms)
          .text(e.account)
          .text(e.event)
          .text(e.outcome)
          .text(e.code)
          .text(e.remote)
          .text_or_null(detail_json(e.detail))
          .text(to_hex(e.prev_hash))
          .text(to_hex(e.hash)));
  if (!r.ok()) return r.error();
  return {};
}

// One page: fetched, verified against the index's last entry for the node, written with the
// node's new position. Returns how many entries it wrote (0: nothing new).
Result<std::uint64_t> index_page(NodeClient& client, Connection& c) {
  RL_ASSIGN_OR_RETURN(auto tx, Transaction::begin(c));
  // The log is the node's own: the page must come from the node whose position was read (a
  // failover in between is retried at the next pass).
  const std::string node = client.current_url();
  RL_ASSIGN_OR_RETURN(auto at, read_audit_position(c, node));
  RL_ASSIGN_OR_RETURN(
      auto page,
      client.get_json(api::route_path<Route::kAudit>() +
                      api::QueryString().add("from", at.seq + 1).add("limit", kPage).str()));
  if (client.current_url() != node) {
    return make_error("not_ready", "the audit log's node changed between two requests");
  }
  auto it = page.is_object() ? page.find("entries") : page.end();
  if (it == page.end() || !it->is_array()) {
    return make_error("bad_response", node + ": audit answer has no entries");
  }
  std::vector<audit::AuditEntry> entries;
  for (const auto& x : *it) {
    RL_ASSIGN_OR_RETURN(auto e, audit::audit_entry_from_json(x));
    entries.push_back(std::move(e));
  }
  if (entries.empty()) return std::uint64_t{0};
  if (entries.front().seq != at.seq + 1) {
    return make_error(std::string(api::to_string(api::ApiError::kAuditTampered)),
                      node + ": the audit log continues at entry " +
                          std::to_string(entries.front().seq) + ", not " +
                          std::to_string(at.seq + 1));
  }
  auto head = audit::audit_verify_entries(entries, at.hash);
  if (!head.ok())
    return make_error(std::string(api::to_string(api::ApiError::kAuditTampered)),
                      node + ": " + head.error().message);
  auto state = c.exec(
      "INSERT INTO audit_state (node, last_seq, last_hash) VALUES ($1, $2, $3) "
      "ON CONFLICT (node) DO UPDATE SET last_seq = EXCLUDED.last_seq, "
      "last_hash = EXCLUDED.last_hash",
      Params().text(node).unsigned_integer(entries.back().seq).text(to_hex(*head)));
  if (!state.ok()) return state.error();
  for (const auto& e : entries) RL_TRY(write_entry(c, node, e));
  RL_TRY(tx.commit());
  return static_cast<std::uint64_t>(entries.size());
}

}  // namespace

std::string detail_json(const std::string& detail) {
  if (detail.empty()) return detail;
  const auto parsed = nlohmann::json::parse(detail, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_discarded() && parsed.is_object()) return detail;
  return nlohmann::json(detail).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<std::uint64_t> index_audit_log(NodeClient& client, Connection& c) {
  std::uint64_t total = 0;
  while (true) {
    RL_ASSIGN_OR_RETURN(auto n, index_page(client, c));
    total += n;
    if (n < kPage) return total;
  }
}

}  // namespace rl::client::pg
