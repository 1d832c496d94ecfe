#include "node/app/identity/read_policy.hpp"

namespace rl::node::identity {
namespace {

Error denied(const std::string& why) {
  return make_error("permission_denied", why);
}

}  // namespace

Status check_output_permission(const Principal& reader) {
  if (!reader.permission.output) {
    return denied("account " + reader.account + " has no output (read) permission");
  }
  return {};
}

bool may_read_report(const Principal& reader, const ledger::PermissionMapping& mapping,
                     const ledger::pb::ReportRecord& report) {
  return reader.permission.output && reader.permission.level < mapping.size() &&
         report.data_level() <= mapping[reader.permission.level];
}

Status check_report_read(const Principal& reader, const ledger::PermissionMapping& mapping,
                         const ledger::pb::ReportRecord& report) {
  RL_TRY(check_output_permission(reader));
  if (!may_read_report(reader, mapping, report)) {
    return denied("the report's data level is above the reader's clearance");
  }
  return {};
}

Status check_tx_read(const Principal& reader, const ledger::PermissionMapping& mapping,
                     const LedgerView& view, const ledger::DecodedTx& tx) {
  RL_ASSIGN_OR_RETURN(auto signer, view.account(tx.body.signer()));
  if (signer && signer->org_id() == reader.org) return {};
  RL_TRY(check_output_permission(reader));
  if (tx.body.has_submit_report()) {
    RL_ASSIGN_OR_RETURN(auto report, view.report(to_hex(tx.id)));
    // A submission that created no report (not committed) has nothing to label it: refuse.
    if (!report) return denied("the transaction's report is not readable");
    return check_report_read(reader, mapping, *report);
  }
  return {};
}

Status authorize_report(const OptionalReader& reader, const LedgerView& view,
                        const ledger::pb::ReportRecord& report) {
  if (!reader) return {};
  RL_ASSIGN_OR_RETURN(auto mapping, view.mapping());
  return check_report_read(*reader, mapping, report);
}

Result<std::vector<ledger::pb::ReportRecord>> filter_reports(
    const OptionalReader& reader, const LedgerView& view,
    std::vector<ledger::pb::ReportRecord> rows) {
  if (!reader) return rows;
  RL_TRY(check_output_permission(*reader));
  RL_ASSIGN_OR_RETURN(auto mapping, view.mapping());
  std::erase_if(rows, [&](const auto& r) { return !may_read_report(*reader, mapping, r); });
  return rows;
}

Status authorize_tx(const OptionalReader& reader, const LedgerView& view, ByteView raw_tx) {
  if (!reader) return {};
  RL_ASSIGN_OR_RETURN(auto mapping, view.mapping());
  auto tx = ledger::decode_tx(view.anchor().suite, raw_tx);
  if (!tx.ok()) return make_error("storage_corrupt", "stored transaction does not decode");
  return check_tx_read(*reader, mapping, view, *tx);
}

Status authorize_block(const OptionalReader& reader, const LedgerView& view,
                       const ledger::pb::Block& block) {
  if (!reader) return {};
  RL_ASSIGN_OR_RETURN(auto mapping, view.mapping());
  for (const auto& raw : block.txs()) {
    auto tx = ledger::decode_tx(view.anchor().suite, as_bytes(raw));
    if (!tx.ok()) return make_error("storage_corrupt", "stored transaction does not decode");
    auto st = check_tx_read(*reader, mapping, view, *tx);
    if (!st.ok()) {
      if (st.error().code != "permission_denied") return st;
      return denied(
          "the block carries a transaction the reader may not read; use "
          "/v1/headers/<height> for the header and commit certificate");
    }
  }
  return {};
}

}  // namespace rl::node::identity
