#include "client/lib/pg_index_write.hpp"

#include <nlohmann/json.hpp>

namespace rl::client::pg {
namespace {

Status run(Connection& c, const char* sql, const Params& p) {
  auto r = c.exec(sql, p);
  if (!r.ok()) return r.error();
  return {};
}

// The position row, locked for this transaction: two indexers on one database cannot both
// write the same block.
Status check_position(Connection& c, const IndexPosition& at) {
  RL_ASSIGN_OR_RETURN(
      auto rows, c.exec("SELECT height, block_hash FROM indexer_state WHERE id = 1 FOR UPDATE"));
  const bool fresh = rows.count() == 0;
  if ((fresh && at.height != 0) || (!fresh && (rows.get(0, 0) != std::to_string(at.height) ||
                                               rows.get(0, 1) != at.block_hash))) {
    return make_error("index_moved", "the index is no longer at block " +
                                         std::to_string(at.height) +
                                         ": another indexer is writing to this database");
  }
  return {};
}

Status write_header(Connection& c, const BlockRows& b) {
  const auto& h = b.header;
  return run(c,
             "INSERT INTO blocks (height, block_hash, prev_block_hash, app_hash, tx_root, time_ms, "
             "block_time, proposer, tx_count, commit_signatures, txs_visible, verified_by) VALUES "
             "($1, $2, $3, $4, $5, $6, to_timestamp($6::bigint / 1000.0), $7, $8, $9, $10, $11)",
             Params()
                 .unsigned_integer(h.height)
                 .text(h.block_hash_hex)
                 .text(h.prev_block_hash_hex)
                 .text(h.app_hash_hex)
                 .text(h.tx_root_hex)
                 .integer(h.time_ms)
                 .unsigned_integer(h.proposer)
                 .unsigned_integer(h.tx_count)
                 .unsigned_integer(h.commit_signatures)
                 .boolean(b.txs_visible)
                 .text(h.url));
}

Status write_txs(Connection& c, const BlockRows& b) {
  const auto height = b.header.height;
  for (const auto& t : b.txs) {
    RL_TRY(run(c,
               "INSERT INTO transactions (tx_id, height, tx_index, signer, nonce, "
               "expires_at_height, payload, proof) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
               Params()
                   .text(t.tx_id)
                   .unsigned_integer(height)
                   .unsigned_integer(t.index)
                   .text(t.signer)
                   .unsigned_integer(t.nonce)
                   .unsigned_integer(t.expires_at_height)
                   .text(t.payload)
                   .text(t.proof)));
  }
  return {};
}

Status write_identities(Connection& c, const BlockRows& b) {
  const auto height = b.header.height;
  for (const auto& o : b.orgs) {
    RL_TRY(run(
        c,
        "INSERT INTO organizations (org_id, name, kind, height, tx_id) "
        "VALUES ($1, $2, $3, $4, $5)",
        Params().text(o.org_id).text(o.name).text(o.kind).unsigned_integer(height).text(o.tx_id)));
  }
  for (const auto& a : b.accounts) {
    RL_TRY(run(c,
               "INSERT INTO accounts (account_id, org_id, role, permission_code, department, "
               "height, tx_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
               Params()
                   .text(a.account_id)
                   .text(a.org_id)
                   .text(a.role)
                   .text(a.permission_code)
                   .text(a.department)
                   .unsigned_integer(height)
                   .text(a.tx_id)));
  }
  for (const auto& s : b.suspensions) {
    RL_TRY(run(c,
               "INSERT INTO account_suspensions (tx_id, account_id, suspend, reason, by_account, "
               "height) VALUES ($1, $2, $3, $4, $5, $6)",
               Params()
                   .text(s.tx_id)
                   .text(s.account_id)
                   .boolean(s.suspend)
                   .text(s.reason)
                   .text(s.by_account)
                   .unsigned_integer(height)));
    // Genesis accounts are not in the index (they come from no transaction): only rows that
    // exist are updated.
    RL_TRY(run(c, "UPDATE accounts SET suspended = $2 WHERE account_id = $1",
               Params().text(s.account_id).boolean(s.suspend)));
  }
  for (const auto& x : b.certificates) {
    RL_TRY(run(c,
               "INSERT INTO certificates (cert_id, account_id, subject_cn, subject_org, "
               "not_before, not_after, height, tx_id) VALUES ($1, $2, $3, $4, "
               "to_timestamp($5::bigint), to_timestamp($6::bigint), $7, $8)",
               Params()
                   .text(x.cert_id)
                   .text(x.account_id)
                   .text(x.subject_cn)
                   .text(x.subject_org)
                   .integer(x.not_before_s)
                   .integer(x.not_after_s)
                   .unsigned_integer(height)
                   .text(x.tx_id)));
  }
  for (const auto& r : b.revocations) {
    RL_TRY(run(c,
               "UPDATE certificates SET revoked_height = $2, revoked_reason = $3, "
               "revoked_tx_id = $4 WHERE cert_id = $1",
               Params().text(r.cert_id).unsigned_integer(height).text(r.reason).text(r.tx_id)));
  }
  return {};
}

// INSERT of a report as submitted; `if_absent` for a report first seen through a review.
Status insert_report(Connection& c, const ReportRow& r, bool if_absent) {
  std::string sql =
      "INSERT INTO reports (report_id, org_id, submitter, template_id, template_version, period, "
      "batch, payload_hash, data_level, status, height, tx_index, submitted_at_ms, submitted_at, "
      "deadline_ms, late, sealed, version, corrects, superseded_by, first_version, size, chunks) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'SUBMITTED', $10, $11, $12, "
      "to_timestamp($12::bigint / 1000.0), $13, $14, $15, $16, $17, NULL, $18, $19, $20)";
  if (if_absent) sql += " ON CONFLICT (report_id) DO NOTHING";
  return run(c, sql.c_str(),
             Params()
                 .text(r.report_id)
                 .text(r.org_id)
                 .text(r.submitter)
                 .text(r.template_id)
                 .unsigned_integer(r.template_version)
                 .text(r.period)
                 .text(r.batch)
                 .text(r.payload_hash)
                 .unsigned_integer(r.data_level)
                 .unsigned_integer(r.height)
                 .unsigned_integer(r.tx_index)
                 .integer(r.submitted_at_ms)
                 .integer(r.deadline_ms)
                 .boolean(r.late)
                 .boolean(r.sealed)
                 .unsigned_integer(r.version)
                 .text_or_null(r.corrects)
                 .text(r.first_version)
                 .unsigned_integer(r.size)
                 .unsigned_integer(r.chunks));
}

Status write_reports(Connection& c, const BlockRows& b) {
  for (const auto& r : b.new_reports) {
    RL_TRY(insert_report(c, r, false));
    // The version it corrects is superseded from this block on (the API's superseded_by is
    // today's value; this is the value at this height).
    if (!r.corrects.empty()) {
      RL_TRY(run(c, "UPDATE reports SET superseded_by = $2 WHERE report_id = $1",
                 Params().text(r.corrects).text(r.report_id)));
    }
  }
  for (const auto& v : b.reviews) {
    RL_TRY(insert_report(c, v.report, true));
    RL_TRY(run(c, "UPDATE reports SET status = $2 WHERE report_id = $1",
               Params().text(v.report_id).text(v.status)));
  }
  for (const auto& h : b.history) {
    // Reasons travel as one JSON array parameter, unpacked by the server into text[].
    RL_TRY(run(c,
               "INSERT INTO report_status_history (report_id, seq, status, height, time_ms, "
               "by_account, reasons) VALUES ($1, $2, $3, $4, $5, $6, "
               "ARRAY(SELECT jsonb_array_elements_text($7::jsonb)))",
               Params()
                   .text(h.report_id)
                   .unsigned_integer(h.seq)
                   .text(h.status)
                   .unsigned_integer(h.height)
                   .integer(h.time_ms)
                   .text(h.by_account)
                   .text(nlohmann::json(h.reasons).dump())));
  }
  return {};
}

}  // namespace

Result<IndexPosition> write_block(Connection& c, const IndexPosition& at, const BlockRows& rows) {
  RL_ASSIGN_OR_RETURN(auto tx, Transaction::begin(c));
  RL_TRY(check_position(c, at));
  RL_TRY(write_header(c, rows));
  RL_TRY(write_txs(c, rows));
  RL_TRY(write_identities(c, rows));
  RL_TRY(write_reports(c, rows));
  IndexPosition next = at;
  next.height = rows.header.height;
  next.block_hash = rows.header.block_hash_hex;
  RL_TRY(write_position(c, next));
  RL_TRY(tx.commit());
  return next;
}

}  // namespace rl::client::pg
