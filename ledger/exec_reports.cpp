// Report payloads (docs/reporting.md): SubmitReport (first filings and corrections, checked
// against the template's tables and filing calendar), ReviewReport and GrantFilingExtension.
#include <algorithm>

#include "common/civil_time.hpp"
#include "crypto/hash.hpp"
#include "ledger/exec_internal.hpp"
#include "ledger/filing_calendar.hpp"
#include "ledger/report_index.hpp"
#include "ledger/report_template.hpp"
#include "ledger/state_keys.hpp"

namespace rl::ledger::exec {
namespace {

Status check_report_payload(const pb::SubmitReport& p, const pb::TemplateRecord& t) {
  return check_report_content(t, p.content_type(), p.payload());
}

// When a report for (template, period) from `org` is due and whether `ctx` is too late to take
// it at all. Sets deadline_ms and late on `rec`.
Status apply_calendar(const StateOverlay& state, const pb::TemplateRecord& t,
                      const std::string& org, const BlockContext& ctx, pb::ReportRecord& rec) {
  if (!filing::has_calendar(t.calendar())) return {};
  const auto& period = rec.period();
  RL_ASSIGN_OR_RETURN(auto deadline, filing::deadline_ms(t.calendar(), period));
  RL_ASSIGN_OR_RETURN(auto ext, load<pb::FilingExtensionRecord>(
                                    state, keys::filing_extension(t.template_id(), period, org)));
  const std::int64_t lock = filing::lock_ms(t.calendar(), deadline, ext ? ext->until_ms() : 0);
  if (ctx.time_ms > lock) {
    return make_error("period_locked", "period " + period + " of template " + t.template_id() +
                                           " locked at " + format_utc_ms(lock) + " (deadline " +
                                           format_utc_ms(deadline) +
                                           "); a regulator can grant an extension");
  }
  rec.set_deadline_ms(deadline);
  rec.set_late(ctx.time_ms > deadline);
  return {};
}

// A correction replaces the latest version of one of the signer organization's reports of the
// same template and period. A report of another organization is "not found", exactly like one
// that does not exist: the answer must not tell the two apart.
Result<pb::ReportRecord> load_corrected(const StateOverlay& state, const pb::SubmitReport& p,
                                        const std::string& org) {
  const auto& id = p.corrects();
  if (!valid_report_id(id)) return make_error("bad_field", "corrects must be a report id");
  RL_ASSIGN_OR_RETURN(auto prior, load<pb::ReportRecord>(state, keys::report(id)));
  if (!prior || prior->org_id() != org) {
    return make_error("not_found", "organization " + org + " has no report " + id);
  }
  if (prior->template_id() != p.template_id() || prior->period() != p.period()) {
    return make_error("bad_field", "a correction keeps the template and period of report " + id +
                                       " (" + prior->template_id() + ", " + prior->period() + ")");
  }
  if (!prior->superseded_by().empty()) {
    return make_error("report_superseded",
                      "report " + id + " was already corrected by " + prior->superseded_by());
  }
  if (prior->version() >= limits::kMaxReportVersions) {
    return make_error("too_many_versions", "report " + id + " is version " +
                                               std::to_string(prior->version()) + " of at most " +
                                               std::to_string(limits::kMaxReportVersions));
  }
  return std::move(*prior);
}

void add_history(pb::ReportRecord& rec, const std::string& status, const std::string& by,
                 const BlockContext& ctx) {
  auto* h = rec.add_history();
  h->set_status(status);
  h->set_height(ctx.height);
  h->set_time_ms(ctx.time_ms);
  h->set_by(by);
}

}  // namespace

Result<Permission> check_report_submitter(const ExecEnv& env, const Signer& s) {
  Permission perm;
  if (!env.options.permission_checks) return perm;
  auto parsed = parse_permission_code(s.account.permission_code());
  if (!parsed.ok()) return make_error("state_corrupt", "stored permission code");
  perm = *parsed;
  if (!perm.input) return denied("account " + s.account.account_id() + " has no input permission");
  // A third party reads masked data of others; it has no regulated returns of its own.
  if (is_third_party_kind(s.org.kind())) {
    return denied("organization " + s.org.org_id() + " is a third party: it submits no reports");
  }
  return perm;
}

Status exec_submit_report(const ExecEnv& env, const Signer& s, StateOverlay& state,
                          const DecodedTx& tx, const BlockContext& ctx, std::uint32_t index,
                          std::vector<IndexWrite>* indexes) {
  const auto& p = tx.body.submit_report();
  const bool checks = env.options.permission_checks;
  RL_ASSIGN_OR_RETURN(Permission perm, check_report_submitter(env, s));
  if (!valid_id(p.template_id())) return make_error("bad_field", "template_id");
  if (!valid_id(p.period(), limits::kMaxPeriodBytes)) {
    return make_error("bad_field", "period must be 1-32 of [A-Za-z0-9._-]");
  }
  if (!p.batch().empty() && !valid_id(p.batch())) return make_error("bad_field", "batch");
  RL_ASSIGN_OR_RETURN(auto tmpl, load<pb::TemplateRecord>(state, keys::tmpl(p.template_id())));
  if (!tmpl) return make_error("not_found", "template " + p.template_id() + " is not registered");
  const std::string& org = s.account.org_id();
  std::optional<pb::ReportRecord> prior;
  if (!p.corrects().empty()) {
    RL_ASSIGN_OR_RETURN(prior, load_corrected(state, p, org));
  }
  // A sealed payload is a ciphertext: its envelope is what validators can check. A chunked one
  // is checked by its chunks, and here by the rules over the whole table.
  std::optional<pb::ReportChunksRecord> chunks;
  if (p.chunks_size() > 0) {
    RL_ASSIGN_OR_RETURN(chunks, check_chunked_submission(state, p, *tmpl, org));
  } else {
    RL_TRY(p.has_seal() ? check_sealed_submission(env, state, p, *tmpl)
                        : check_report_payload(p, *tmpl));
  }
  // The data-level label: the submitter's level through the mapping table, at least the
  // template's floor. Without permission checks (ExecOptions) only the floor.
  std::uint32_t data_level = tmpl->data_level_floor();
  if (checks) {
    RL_ASSIGN_OR_RETURN(auto mapping, load_mapping(state));
    data_level = std::max(mapping[perm.level], data_level);
  }

  pb::ReportRecord rec;
  std::string report_id = to_hex(tx.id);
  rec.set_report_id(report_id);
  rec.set_org_id(org);
  rec.set_submitter(s.account.account_id());
  rec.set_template_id(p.template_id());
  rec.set_period(p.period());
  RL_TRY(apply_calendar(state, *tmpl, org, ctx, rec));
  rec.set_batch(p.batch());
  if (chunks) {
    // The report's content is its chunks in order: its hash covers their data hashes.
    crypto::Hasher h(env.anchor.suite);
    h.update(as_bytes(std::string_view("regledger/chunked-report/v1")));
    std::uint64_t size = 0;
    for (std::size_t i = 0; i < static_cast<std::size_t>(chunks->data_hashes_size()); ++i) {
      h.update(as_bytes(chunks->data_hashes(static_cast<int>(i))));
      size += chunks->sizes(static_cast<int>(i));
    }
    rec.set_payload_hash(to_string(h.finish()));
    rec.set_chunk_count(static_cast<std::uint32_t>(chunks->data_hashes_size()));
    rec.set_size(size);
  } else {
    rec.set_payload_hash(to_string(crypto::hash(env.anchor.suite, as_bytes(p.payload()))));
    rec.set_size(p.payload().size());
  }
  rec.set_data_level(data_level);
  rec.set_status("SUBMITTED");
  rec.set_height(ctx.height);
  rec.set_tx_index(index);
  rec.set_submitted_at_ms(ctx.time_ms);
  rec.set_sealed(p.has_seal());
  rec.set_template_version(tmpl->version());
  if (prior) {
    rec.set_version(prior->version() + 1);
    rec.set_corrects(prior->report_id());
    rec.set_first_version(prior->first_version());
    prior->set_superseded_by(report_id);
    state.put(keys::report(prior->report_id()), encode(*prior));
  } else {
    rec.set_version(1);
    rec.set_first_version(report_id);
  }
  add_history(rec, "SUBMITTED", s.account.account_id(), ctx);
  state.put(keys::report(report_id), encode(rec));
  if (p.has_seal()) put_sealed_report(state, report_id, p.seal(), ctx);
  if (chunks) state.put(keys::report_chunks(report_id), encode(*chunks));
  if (indexes) {
    if (prior) append_report_index_writes(*prior, *indexes);
    append_report_index_writes(rec, *indexes);
  }
  return {};
}

Status exec_review_report(const Signer& s, StateOverlay& state, const pb::ReviewReport& p,
                          const BlockContext& ctx, std::vector<IndexWrite>* indexes) {
  if (p.decision() != "ACCEPTED" && p.decision() != "REJECTED") {
    return make_error("bad_field", "decision must be ACCEPTED or REJECTED");
  }
  if (static_cast<std::size_t>(p.reasons_size()) > limits::kMaxReviewReasons) {
    return make_error("bad_field", "at most 16 reasons");
  }
  for (const auto& r : p.reasons()) {
    if (r.empty() || r.size() > limits::kMaxReasonBytes) {
      return make_error("bad_field", "each reason is 1-256 bytes");
    }
  }
  if (p.decision() == "REJECTED" && p.reasons().empty()) {
    return make_error("bad_field", "a rejection gives at least one reason");
  }
  // Deciding is a regulator's: auditors and institutions read, they do not rule.
  if (s.org.kind() != "regulator" || s.account.role() == "auditor") {
    return denied("only a regulator's admin or reporter account reviews reports");
  }
  RL_ASSIGN_OR_RETURN(auto perm, parse_permission_code(s.account.permission_code()));
  if (!perm.output)
    return denied("account " + s.account.account_id() + " has no output permission");
  if (!valid_report_id(p.report_id())) return make_error("bad_field", "report_id");
  RL_ASSIGN_OR_RETURN(auto rec, load<pb::ReportRecord>(state, keys::report(p.report_id())));
  RL_ASSIGN_OR_RETURN(auto mapping, load_mapping(state));
  // A report the reviewer may not read is "not found", exactly like one that does not exist.
  if (!rec || mapping[perm.level] < rec->data_level()) {
    return make_error("not_found",
                      "no report " + p.report_id() + " readable by " + s.account.account_id());
  }
  if (!rec->superseded_by().empty()) {
    return make_error("report_superseded", "report " + p.report_id() + " was corrected by " +
                                               rec->superseded_by() +
                                               "; review the latest version");
  }
  if (rec->status() != "SUBMITTED") {
    return make_error("already_reviewed",
                      "report " + p.report_id() + " is already " + rec->status());
  }
  rec->set_status(p.decision());
  add_history(*rec, p.decision(), s.account.account_id(), ctx);
  *rec->mutable_history(rec->history_size() - 1)->mutable_reasons() = p.reasons();
  state.put(keys::report(p.report_id()), encode(*rec));
  if (indexes) append_report_index_writes(*rec, *indexes);
  return {};
}

Status exec_grant_filing_extension(const Signer& s, StateOverlay& state,
                                   const pb::GrantFilingExtension& p, const BlockContext& ctx) {
  if (!is_regulator_admin(s)) return denied("only a regulator's admin grants filing extensions");
  if (!valid_id(p.template_id())) return make_error("bad_field", "template_id");
  if (!valid_id(p.org_id())) return make_error("bad_field", "org_id");
  if (p.reason().empty() || p.reason().size() > limits::kMaxReasonBytes) {
    return make_error("bad_field", "reason must be 1-256 bytes");
  }
  if (p.until_ms() <= ctx.time_ms || p.until_ms() - ctx.time_ms > limits::kMaxGrantMs) {
    return make_error("bad_field",
                      "until_ms must be after the block time and at most 400 days "
                      "after it");
  }
  RL_ASSIGN_OR_RETURN(auto tmpl, load<pb::TemplateRecord>(state, keys::tmpl(p.template_id())));
  if (!tmpl) return make_error("not_found", "template " + p.template_id() + " is not registered");
  if (!filing::has_calendar(tmpl->calendar())) {
    return make_error("bad_field", "template " + p.template_id() +
                                       " has no filing calendar: its periods never lock");
  }
  RL_TRY(filing::deadline_ms(tmpl->calendar(), p.period()));
  RL_ASSIGN_OR_RETURN(auto org, load<pb::OrganizationRecord>(state, keys::org(p.org_id())));
  if (!org) return make_error("not_found", "organization " + p.org_id() + " is not registered");
  pb::FilingExtensionRecord rec;
  rec.set_template_id(p.template_id());
  rec.set_period(p.period());
  rec.set_org_id(p.org_id());
  rec.set_until_ms(p.until_ms());
  rec.set_reason(p.reason());
  rec.set_granted_by(s.account.account_id());
  rec.set_height(ctx.height);
  state.put(keys::filing_extension(p.template_id(), p.period(), p.org_id()), encode(rec));
  return {};
}

}  // namespace rl::ledger::exec
