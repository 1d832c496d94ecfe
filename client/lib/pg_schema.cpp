#include "client/lib/pg_schema.hpp"

namespace rl::client::pg {
namespace {

// Hashes and ids are lower-case hex text, as the API and the CLI print them, so that a value
// copied from `regledger` output can be pasted into a query. Times are kept both as the
// ledger's unix milliseconds and as timestamptz for SQL date arithmetic. Foreign keys hold the
// index together: every row points at the block it came from.
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS indexer_state (
  id             smallint PRIMARY KEY CHECK (id = 1),
  schema_version integer NOT NULL,
  chain_id       text NOT NULL,
  genesis_hash   text NOT NULL,
  reader         text NOT NULL,
  height         bigint NOT NULL,
  block_hash     text NOT NULL,
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS blocks (
  height            bigint PRIMARY KEY,
  block_hash        text NOT NULL UNIQUE,
  prev_block_hash   text NOT NULL,
  app_hash          text NOT NULL,
  tx_root           text NOT NULL,
  time_ms           bigint NOT NULL,
  block_time        timestamptz NOT NULL,
  proposer          integer NOT NULL,
  tx_count          integer NOT NULL,
  commit_signatures integer NOT NULL,
  txs_visible       boolean NOT NULL,
  verified_by       text NOT NULL
);
CREATE TABLE IF NOT EXISTS transactions (
  tx_id             text PRIMARY KEY,
  height            bigint NOT NULL REFERENCES blocks (height),
  tx_index          integer NOT NULL,
  signer            text NOT NULL,
  nonce             numeric(20) NOT NULL,
  expires_at_height numeric(20) NOT NULL,
  payload           text NOT NULL,
  proof             text NOT NULL CHECK (proof IN ('block', 'receipt')),
  UNIQUE (height, tx_index)
);
CREATE TABLE IF NOT EXISTS organizations (
  org_id text PRIMARY KEY,
  name   text NOT NULL,
  kind   text NOT NULL,
  height bigint NOT NULL REFERENCES blocks (height),
  tx_id  text NOT NULL REFERENCES transactions (tx_id)
);
CREATE TABLE IF NOT EXISTS accounts (
  account_id      text PRIMARY KEY,
  org_id          text NOT NULL,
  role            text NOT NULL,
  permission_code text NOT NULL,
  department      text NOT NULL,
  suspended       boolean NOT NULL DEFAULT false,
  height          bigint NOT NULL REFERENCES blocks (height),
  tx_id           text NOT NULL REFERENCES transactions (tx_id)
);
CREATE TABLE IF NOT EXISTS account_suspensions (
  tx_id      text PRIMARY KEY REFERENCES transactions (tx_id),
  account_id text NOT NULL,
  suspend    boolean NOT NULL,
  reason     text NOT NULL,
  by_account text NOT NULL,
  height     bigint NOT NULL REFERENCES blocks (height)
);
CREATE TABLE IF NOT EXISTS certificates (
  cert_id        text PRIMARY KEY,
  account_id     text NOT NULL,
  subject_cn     text NOT NULL,
  subject_org    text NOT NULL,
  not_before     timestamptz NOT NULL,
  not_after      timestamptz NOT NULL,
  height         bigint NOT NULL REFERENCES blocks (height),
  tx_id          text NOT NULL REFERENCES transactions (tx_id),
  revoked_height bigint REFERENCES blocks (height),
  revoked_reason text,
  revoked_tx_id  text REFERENCES transactions (tx_id)
);
CREATE TABLE IF NOT EXISTS reports (
  report_id        text PRIMARY KEY,
  org_id           text NOT NULL,
  submitter        text NOT NULL,
  template_id      text NOT NULL,
  template_version integer NOT NULL,
  period           text NOT NULL,
  batch            text NOT NULL,
  payload_hash     text NOT NULL,
  data_level       integer NOT NULL,
  status           text NOT NULL CHECK (status IN ('SUBMITTED', 'ACCEPTED', 'REJECTED')),
  height           bigint NOT NULL REFERENCES blocks (height),
  tx_index         integer NOT NULL,
  submitted_at_ms  bigint NOT NULL,
  submitted_at     timestamptz NOT NULL,
  deadline_ms      bigint NOT NULL,
  late             boolean NOT NULL,
  sealed           boolean NOT NULL,
  version          integer NOT NULL,
  corrects         text,
  superseded_by    text,
  first_version    text NOT NULL,
  size             bigint NOT NULL,
  chunks           integer NOT NULL
);
CREATE INDEX IF NOT EXISTS reports_org_period ON reports (org_id, period);
CREATE TABLE IF NOT EXISTS report_status_history (
  report_id  text NOT NULL REFERENCES reports (report_id),
  seq        integer NOT NULL,
  status     text NOT NULL,
  height     bigint NOT NULL REFERENCES blocks (height),
  time_ms    bigint NOT NULL,
  by_account text NOT NULL,
  reasons    text[] NOT NULL,
  PRIMARY KEY (report_id, seq)
);
CREATE TABLE IF NOT EXISTS audit_state (
  node      text PRIMARY KEY,
  last_seq  bigint NOT NULL,
  last_hash text NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_events (
  node       text NOT NULL REFERENCES audit_state (node),
  seq        bigint NOT NULL,
  time_ms    bigint NOT NULL,
  event_time timestamptz NOT NULL,
  account    text NOT NULL,
  event      text NOT NULL,
  outcome    text NOT NULL,
  code       text NOT NULL,
  remote     text NOT NULL,
  detail     jsonb,
  prev_hash  text NOT NULL,
  hash       text NOT NULL,
  PRIMARY KEY (node, seq)
);
CREATE OR REPLACE VIEW report_reviews AS
  SELECT h.report_id, r.org_id, r.template_id, r.period, h.status AS decision, h.by_account,
         h.reasons, h.height, h.time_ms
  FROM report_status_history h JOIN reports r USING (report_id)
  WHERE h.status IN ('ACCEPTED', 'REJECTED');
CREATE OR REPLACE VIEW report_corrections AS
  SELECT c.report_id, c.corrects AS corrected_report_id, c.org_id, c.template_id, c.period,
         c.version, c.height, c.submitted_at
  FROM reports c
  WHERE c.corrects IS NOT NULL;
)sql";

}  // namespace

Status ensure_schema(Connection& c) {
  RL_ASSIGN_OR_RETURN(auto tx, Transaction::begin(c));
  // Two indexers starting on one empty database must not both create the tables.
  RL_TRY(c.exec_script("SELECT pg_advisory_xact_lock(68068068)"));
  RL_TRY(c.exec_script(kSchema));
  return tx.commit();
}

Result<std::optional<IndexPosition>> read_position(Connection& c, const IndexPosition& expect) {
  RL_ASSIGN_OR_RETURN(auto rows, c.exec("SELECT schema_version, chain_id, genesis_hash, reader, "
                                        "height, block_hash FROM indexer_state WHERE id = 1"));
  if (rows.count() == 0) return std::optional<IndexPosition>();
  if (rows.get(0, 0) != std::to_string(kSchemaVersion)) {
    return make_error("index_mismatch", "the index has schema version " + rows.get(0, 0) +
                                            ", this indexer writes version " +
                                            std::to_string(kSchemaVersion));
  }
  IndexPosition p{rows.get(0, 1), rows.get(0, 2), rows.get(0, 3), std::stoull(rows.get(0, 4)),
                  rows.get(0, 5)};
  if (p.chain_id != expect.chain_id || p.genesis_hash != expect.genesis_hash) {
    return make_error("index_mismatch", "the index holds chain " + p.chain_id + " (genesis " +
                                            p.genesis_hash.substr(0, 16) +
                                            "...), not the one this genesis file names");
  }
  if (p.reader != expect.reader) {
    return make_error("index_mismatch", "the index holds what account " + p.reader +
                                            " may read; indexing as " + expect.reader +
                                            " would mix two readers' views (use another "
                                            "database)");
  }
  return std::optional<IndexPosition>(std::move(p));
}

Status write_position(Connection& c, const IndexPosition& p) {
  auto r = c.exec(
      "INSERT INTO indexer_state (id, schema_version, chain_id, genesis_hash, reader, height, "
      "block_hash, updated_at) VALUES (1, $1, $2, $3, $4, $5, $6, now()) "
      "ON CONFLICT (id) DO UPDATE SET height = EXCLUDED.height, block_hash = "
      "EXCLUDED.block_hash, updated_at = now()",
      Params()
          .integer(kSchemaVersion)
          .text(p.chain_id)
          .text(p.genesis_hash)
          .text(p.reader)
          .unsigned_integer(p.height)
          .text(p.block_hash));
  if (!r.ok()) return r.error();
  return {};
}

}  // namespace rl::client::pg
