#pragma once
// Who may read what (docs/identity.md "Who reads whose data"). One place for every rule; the
// API asks these functions and never decides on its own.
//
//  - Whose data: an account of an institution reads its own organization's data, and the
//    reports another organization submits when governance granted it (GrantRead, per template
//    or all). Accounts of supervising organizations (regulator, auditor) read every
//    organization's data.
//  - How deep: on top of that, a report needs output permission (RR = 11 or 01) and
//    data_level <= mapping[reader level].
//  - A transaction (and its receipt): its signer always reads it (a reporting unit sees its own
//    submissions, even input-only). Anyone else needs output permission and: for a
//    SubmitReport, the report it created readable as above; for any other transaction, the
//    signer's organization is the reader's own or the reader supervises (grants cover reports
//    only).
//  - A full block: only when every transaction in it is readable.
//  - What a reader may not read answers exactly as what does not exist, so ids cannot be
//    probed; list answers (rows, counts, cursors) are built from readable rows only.
//  - Third parties (organizations of kind third_party) read nothing through these routes; they
//    read masked payloads through /v1/third-party/ within a grant's scope (decision 0060),
//    whose reader context (third_party_context) is this file's rules with the grant as scope.
//  - /v1/status, /healthz and /v1/headers/<h> (header + commit certificate, no payloads, no
//    organization) are public: anyone can follow and verify the chain.

#include <map>
#include <optional>
#include <set>
#include <string>

#include "ledger/tx.hpp"
#include "node/app/identity/ledger_view.hpp"
#include "node/app/identity/principal.hpp"

namespace rl::node::identity {

// Which organizations' data a reader may see, as the committed ledger says now.
struct ReadScope {
  bool supervisor = false;  // regulator or auditor: every organization
  std::string own_org;
  // Active GrantRead records: owner organization -> templates ("" = every template).
  std::map<std::string, std::set<std::string>, std::less<>> grants;
  // Reports whose period lies in [period_from, period_to] (byte-wise, inclusive; "" = open).
  // Only a third-party grant sets them.
  std::string period_from;
  std::string period_to;

  // Reports of `org` under `template_id`.
  bool sees_reports_of(std::string_view org, std::string_view template_id) const;
  // Anything of `org` (grants only ever open reports, so: own organization or supervisor).
  bool sees_everything_of(std::string_view org) const;
  bool sees_period(std::string_view period) const;
  // Organizations some of whose reports are visible; empty when the reader supervises. An
  // empty own_org (a third party's scope) is no organization.
  std::vector<std::string> visible_orgs() const;
};

// A reader with everything its read checks need, loaded once per request.
struct ReadContext {
  Principal principal;
  ReadScope scope;
  ledger::PermissionMapping mapping{};
};

// A nullopt reader means reads are open (ReadAccess::kOpen): everything is visible.
using OptionalReader = std::optional<ReadContext>;

// Code: state_corrupt (and storage errors).
Result<ReadContext> load_read_context(const LedgerView& view, Principal principal);

// The context of a third party reading through `grant`: the grant's organizations and
// templates and its period range, nothing of its own organization; the account's output
// permission and clearance on top, as for every reader. Code: state_corrupt.
Result<ReadContext> third_party_context(const LedgerView& view, Principal principal,
                                        const ledger::pb::ThirdPartyGrantRecord& grant);

// The ordinary data routes (/v1/reports, /v1/txs, /v1/receipts, /v1/blocks, /v1/balances)
// refuse third parties, before anything is looked up. Code: permission_denied.
Status check_data_route_reader(const OptionalReader& reader);

// Code: permission_denied when the account has no output permission. Asked before any id is
// looked up, so the answer does not depend on what exists.
Status check_output_permission(const OptionalReader& reader);

bool may_read_report(const OptionalReader& reader, const ledger::pb::ReportRecord& report);
// `raw_tx`: exact Tx bytes as stored. Code: storage_corrupt.
Result<bool> may_read_tx(const OptionalReader& reader, const LedgerView& view, ByteView raw_tx);
Result<bool> may_read_block(const OptionalReader& reader, const LedgerView& view,
                            const ledger::pb::Block& block);
// A transaction still in the mempool: only its signer learns that it is pending.
bool may_see_pending(const OptionalReader& reader, const ledger::DecodedTx& tx);

}  // namespace rl::node::identity
