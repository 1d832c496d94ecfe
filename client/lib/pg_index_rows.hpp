#pragma once
// What the indexer writes for one block: plain rows, each built only from answers the API gave
// the indexer's session (pg_index_fetch.cpp) and written in one SQL transaction
// (pg_index_write.cpp).

#include <cstdint>
#include <string>
#include <vector>

#include "client/lib/node_client.hpp"

namespace rl::client::pg {

struct TxRow {
  std::string tx_id;
  std::uint32_t index = 0;
  std::string signer;
  std::uint64_t nonce = 0;
  std::uint64_t expires_at_height = 0;
  std::string payload;  // ledger::payload_name
  std::string proof;    // "block" (the block's verified tx list) | "receipt" (a verified receipt)
};

struct OrgRow {
  std::string org_id, name, kind, tx_id;
};

struct AccountRow {
  std::string account_id, org_id, role, permission_code, department, tx_id;
};

struct SuspensionRow {
  std::string tx_id, account_id, reason, by_account;
  bool suspend = false;
};

struct CertificateRow {
  std::string cert_id, account_id, subject_cn, subject_org, tx_id;
  std::int64_t not_before_s = 0, not_after_s = 0;
};

struct RevocationRow {
  std::string cert_id, reason, tx_id;
};

// A report as GET /v1/reports/<id> showed it; the mutable parts (status, superseded_by) are
// set from the block's own events, so that the index says what was true at each height.
struct ReportRow {
  std::string report_id, org_id, submitter, template_id, period, batch, payload_hash;
  std::string corrects, first_version;
  std::uint32_t template_version = 0, data_level = 0, tx_index = 0, version = 0, chunks = 0;
  std::uint64_t height = 0, size = 0;
  std::int64_t submitted_at_ms = 0, deadline_ms = 0;
  bool late = false, sealed = false;
};

struct HistoryRow {
  std::string report_id, status, by_account;
  std::uint32_t seq = 0;
  std::uint64_t height = 0;
  std::int64_t time_ms = 0;
  std::vector<std::string> reasons;
};

// A review in this block: the report's status from here on. `report` is the report as the
// API shows it, written first when the index does not hold it yet (a reader whose read grant
// came after the submission sees its later reviews).
struct StatusChange {
  std::string report_id, status;
  ReportRow report;
};

struct BlockRows {
  VerifiedBlock header;
  bool txs_visible = false;
  std::vector<TxRow> txs;
  std::vector<OrgRow> orgs;
  std::vector<AccountRow> accounts;
  std::vector<SuspensionRow> suspensions;
  std::vector<CertificateRow> certificates;
  std::vector<RevocationRow> revocations;
  std::vector<ReportRow> new_reports;  // submitted in this block
  std::vector<StatusChange> reviews;
  std::vector<HistoryRow> history;  // status changes at this height
  // Report ids of the block's review_report transactions (checked against its report events).
  std::vector<std::string> reviewed_ids;
};

}  // namespace rl::client::pg
