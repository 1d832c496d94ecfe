#include "client/lib/pg_index.hpp"

#include <thread>

#include "client/lib/pg_index_audit.hpp"
#include "client/lib/pg_index_fetch.hpp"
#include "client/lib/pg_index_write.hpp"
#include "client/lib/pg_schema.hpp"

namespace rl::client::pg {
namespace {

// Writes blocks from the position after `pos` up to `head`. Returns early (with the position
// reached) when a block is not ready; a refusal or a write failure is an error.
Result<IndexPosition> catch_up(BlockSource& source, Connection& db, IndexPosition pos,
                               std::uint64_t head, IndexProgress& progress, IndexSummary& summary,
                               const std::function<void(const IndexProgress&)>& report,
                               Error* not_ready) {
  while (pos.height < head) {
    auto rows = source.fetch(pos.height + 1, pos.block_hash);
    if (!rows.ok()) {
      if (rows.error().code != "not_ready") return rows.error();
      *not_ready = rows.error();
      return pos;
    }
    RL_ASSIGN_OR_RETURN(pos, write_block(db, pos, *rows));
    summary.blocks++;
    summary.txs += rows->txs.size();
    summary.reports += rows->new_reports.size();
    progress.height = pos.height;
    progress.txs = summary.txs;
    progress.reports = summary.reports;
    if (report) report(progress);
  }
  return pos;
}

// The audit log pass; a reader that may not read it is noted once, not an error.
Status audit_pass(NodeClient& client, Connection& db, IndexSummary& summary) {
  if (summary.audit_skipped) return {};
  auto n = index_audit_log(client, db);
  if (n.ok()) {
    summary.audit_entries += *n;
    return {};
  }
  if (n.error().code == "permission_denied") {
    summary.audit_skipped = true;
    return {};
  }
  return n.error();
}

}  // namespace

Result<IndexSummary> run_index(NodeClient& client, const IndexOptions& options,
                               const std::function<void(const IndexProgress&)>& progress) {
  const auto* anchor = client.trust_anchor();
  if (anchor == nullptr) {
    return make_error("no_trust_anchor", "the index verifies every block: give --genesis FILE");
  }
  RL_ASSIGN_OR_RETURN(auto db, Connection::open(options.postgres_url));
  RL_TRY(ensure_schema(db));
  IndexPosition pos{anchor->chain_id, to_hex(anchor->genesis_hash), options.reader, 0,
                    to_hex(anchor->genesis_hash)};
  RL_ASSIGN_OR_RETURN(auto stored, read_position(db, pos));
  if (stored) pos = *stored;

  IndexSummary summary;
  summary.start_height = pos.height;
  BlockSource source(client);
  IndexProgress state;
  state.height = pos.height;
  while (true) {
    auto head = source.head();
    if (head.ok()) {
      state.head = *head;
      Error not_ready{};
      RL_ASSIGN_OR_RETURN(pos,
                          catch_up(source, db, pos, *head, state, summary, progress, &not_ready));
      // Only the head block may still lack its certificate; anything else that stopped the
      // pass short is an error worth an exit status when not following.
      const bool short_of_head = !not_ready.code.empty() && pos.height + 1 < *head;
      if (short_of_head && !options.follow) return not_ready;
      if (!short_of_head) RL_TRY(audit_pass(client, db, summary));
    } else if (!options.follow) {
      return head.error();
    }
    if (!options.follow) break;
    std::this_thread::sleep_for(options.poll);
  }
  summary.height = pos.height;
  summary.block_hash = pos.block_hash;
  return summary;
}

}  // namespace rl::client::pg
