#pragma once
// Who may read what (DESIGN.md section 5, docs/identity.md "Read permissions").
//
//  - Reports: output permission (RR = 11 or 01) and data_level <= mapping[reader level].
//    List queries leave out what the reader may not read.
//  - A transaction (and its receipt): readable by any account of the signer's organization
//    (a reporting unit always sees its own submissions and their receipts), otherwise only with
//    output permission and, for a SubmitReport, clearance for the report it created.
//  - A full block: only when every transaction in it is readable.
//  - /v1/status, /healthz and /v1/headers/<h> (header + commit certificate, no payloads) are
//    public: anyone can follow and verify the chain.

#include <optional>
#include <vector>

#include "ledger/tx.hpp"
#include "node/app/identity/ledger_view.hpp"
#include "node/app/identity/principal.hpp"

namespace rl::node::identity {

// Code: permission_denied.
Status check_output_permission(const Principal& reader);
bool may_read_report(const Principal& reader, const ledger::PermissionMapping& mapping,
                     const ledger::pb::ReportRecord& report);
// Codes: permission_denied, and storage errors.
Status check_report_read(const Principal& reader, const ledger::PermissionMapping& mapping,
                         const ledger::pb::ReportRecord& report);
Status check_tx_read(const Principal& reader, const ledger::PermissionMapping& mapping,
                     const LedgerView& view, const ledger::DecodedTx& tx);

// The API's gates. A nullopt reader means reads are open (ReadAccess::kOpen) and passes.
using OptionalReader = std::optional<Principal>;
Status authorize_report(const OptionalReader& reader, const LedgerView& view,
                        const ledger::pb::ReportRecord& report);
// Leaves out the reports the reader may not read (permission_denied without output permission).
Result<std::vector<ledger::pb::ReportRecord>> filter_reports(
    const OptionalReader& reader, const LedgerView& view,
    std::vector<ledger::pb::ReportRecord> rows);
// `raw_tx`: exact Tx bytes as stored.
Status authorize_tx(const OptionalReader& reader, const LedgerView& view, ByteView raw_tx);
Status authorize_block(const OptionalReader& reader, const LedgerView& view,
                       const ledger::pb::Block& block);

}  // namespace rl::node::identity
