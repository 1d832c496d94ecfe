#include "node/app/identity/read_policy.hpp"

#include <algorithm>

#include "ledger/state_keys.hpp"
#include "node/http/json_error.hpp"

namespace rl::node::identity {
namespace {

using api::ApiError;

// More grants than this for one reader organization are not read (fail closed: the reader sees
// less, never more). Governance would have to pass thousands of proposals to get here.
constexpr std::size_t kMaxGrantsRead = 4096;

bool report_visible(const ReadContext& r, const ledger::pb::ReportRecord& report) {
  const auto level = r.principal.permission.level;
  return r.principal.permission.output && level < r.mapping.size() &&
         report.data_level() <= r.mapping[level] &&
         r.scope.sees_reports_of(report.org_id(), report.template_id()) &&
         r.scope.sees_period(report.period());
}

Result<bool> may_read_decoded_tx(const ReadContext& r, const LedgerView& view,
                                 const ledger::DecodedTx& tx) {
  if (tx.body.signer() == r.principal.account) return true;
  if (!r.principal.permission.output) return false;
  if (tx.body.has_submit_report()) {
    // A submission that created no report has nothing to label it with: not readable.
    RL_ASSIGN_OR_RETURN(auto report, view.report(to_hex(tx.id)));
    return report && report_visible(r, *report);
  }
  RL_ASSIGN_OR_RETURN(auto signer, view.account(tx.body.signer()));
  if (!signer || !r.scope.sees_everything_of(signer->org_id())) return false;
  if (tx.body.has_store_report_chunk()) {
    // A chunk is report data before its report exists: labelled as its report would be, by the
    // signer's level through the mapping table and the template's floor.
    auto perm = ledger::parse_permission_code(signer->permission_code());
    RL_ASSIGN_OR_RETURN(
        auto raw,
        view.chain().state_value(ledger::keys::tmpl(tx.body.store_report_chunk().template_id())));
    ledger::pb::TemplateRecord t;
    if (!perm.ok() || !raw || !t.ParseFromArray(raw->data(), static_cast<int>(raw->size()))) {
      return false;
    }
    const auto level = r.principal.permission.level;
    const auto label = std::max(r.mapping[perm->level], t.data_level_floor());
    return level < r.mapping.size() && label <= r.mapping[level];
  }
  return true;
}

}  // namespace

bool ReadScope::sees_reports_of(std::string_view org, std::string_view template_id) const {
  if (supervisor || org == own_org) return true;
  auto it = grants.find(org);
  return it != grants.end() &&
         (it->second.contains(std::string()) || it->second.contains(std::string(template_id)));
}

bool ReadScope::sees_everything_of(std::string_view org) const {
  return supervisor || org == own_org;
}

bool ReadScope::sees_period(std::string_view period) const {
  return (period_from.empty() || period >= period_from) &&
         (period_to.empty() || period <= period_to);
}

std::vector<std::string> ReadScope::visible_orgs() const {
  if (supervisor) return {};
  std::vector<std::string> out;
  if (!own_org.empty()) out.push_back(own_org);
  for (const auto& [owner, templates] : grants) out.push_back(owner);
  return out;
}

Result<ReadContext> load_read_context(const LedgerView& view, Principal principal) {
  ReadContext r;
  RL_ASSIGN_OR_RETURN(r.mapping, view.mapping());
  r.scope.own_org = principal.org;
  r.scope.supervisor = ledger::is_supervisor_kind(principal.org_kind);
  if (!r.scope.supervisor) {
    RL_ASSIGN_OR_RETURN(
        auto rows,
        view.chain().state_scan(ledger::keys::read_grants_prefix(principal.org), kMaxGrantsRead));
    for (const auto& [key, value] : rows) {
      ledger::pb::ReadGrantRecord g;
      if (!g.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
        return http::api_error(ApiError::kStateCorrupt, "read grant record does not decode");
      }
      if (g.active() && g.reader_org() == principal.org) {
        r.scope.grants[g.owner_org()].insert(g.template_id());
      }
    }
  }
  r.principal = std::move(principal);
  return r;
}

Result<ReadContext> third_party_context(const LedgerView& view, Principal principal,
                                        const ledger::pb::ThirdPartyGrantRecord& grant) {
  ReadContext r;
  RL_ASSIGN_OR_RETURN(r.mapping, view.mapping());
  // No own organization: a third party's own organization has no reports to read (the ledger
  // refuses its submissions), and an empty id matches no organization.
  r.scope.own_org.clear();
  for (const auto& org : grant.scope().orgs()) {
    auto& templates = r.scope.grants[org];
    templates.insert(grant.scope().templates().begin(), grant.scope().templates().end());
  }
  r.scope.period_from = grant.scope().period_from();
  r.scope.period_to = grant.scope().period_to();
  r.principal = std::move(principal);
  return r;
}

Status check_data_route_reader(const OptionalReader& reader) {
  if (reader && ledger::is_third_party_kind(reader->principal.org_kind)) {
    return http::api_error(ApiError::kPermissionDenied,
                           "organization " + reader->principal.org +
                               " is a third party: it reads through /v1/third-party/ with a grant");
  }
  return {};
}

Status check_output_permission(const OptionalReader& reader) {
  if (reader && !reader->principal.permission.output) {
    return http::api_error(ApiError::kPermissionDenied, "account " + reader->principal.account +
                                                            " has no output (read) permission");
  }
  return {};
}

bool may_read_report(const OptionalReader& reader, const ledger::pb::ReportRecord& report) {
  return !reader || report_visible(*reader, report);
}

Result<bool> may_read_tx(const OptionalReader& reader, const LedgerView& view, ByteView raw_tx) {
  if (!reader) return true;
  auto tx = ledger::decode_tx(view.anchor().suite, raw_tx);
  if (!tx.ok()) {
    return http::api_error(ApiError::kStorageCorrupt, "stored transaction does not decode");
  }
  return may_read_decoded_tx(*reader, view, *tx);
}

Result<bool> may_read_block(const OptionalReader& reader, const LedgerView& view,
                            const ledger::pb::Block& block) {
  if (!reader) return true;
  for (const auto& raw : block.txs()) {
    RL_ASSIGN_OR_RETURN(bool ok, may_read_tx(reader, view, as_bytes(raw)));
    if (!ok) return false;
  }
  return true;
}

bool may_see_pending(const OptionalReader& reader, const ledger::DecodedTx& tx) {
  return !reader || tx.body.signer() == reader->principal.account;
}

}  // namespace rl::node::identity
