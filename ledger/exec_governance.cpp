// Governance: Propose / Approve by M of the N regulator organizations named at genesis
// (param/governance). An approval counts once per organization, the proposer's organization
// first; the transaction that brings the count to M executes the action. Actions are validated
// when proposed and again when executed, because state may have moved in between (another
// proposal registered the same template, say); a failed execution fails the approving
// transaction and leaves the proposal pending.
// docs/decisions/0040-governance-and-revocation.md.

#include <algorithm>

#include "crypto/hash.hpp"
#include "ledger/exec_internal.hpp"
#include "ledger/masking.hpp"
#include "ledger/report_template.hpp"
#include "ledger/state_keys.hpp"

namespace rl::ledger::exec {
namespace {

constexpr const char* kPending = "PENDING";
constexpr const char* kExecuted = "EXECUTED";

// The governance parameters, and whether the signer may act on them: an admin of one of the
// governing regulator organizations.
Result<pb::GovernanceRecord> governing(const Signer& s, const StateOverlay& state) {
  RL_ASSIGN_OR_RETURN(auto gov, load<pb::GovernanceRecord>(state, keys::governance()));
  if (!gov || gov->threshold() == 0) {
    return denied("this network has no governing regulators");
  }
  const auto& orgs = gov->regulator_orgs();
  const bool member = std::find(orgs.begin(), orgs.end(), s.account.org_id()) != orgs.end();
  if (!is_regulator_admin(s) || !member) {
    return denied("only an admin of a governing regulator organization proposes or approves");
  }
  return std::move(*gov);
}

// ------------------------------------------------------------------ action validation

Status check_mapping(const pb::SetPermissionMapping& m) {
  if (m.max_data_level_size() != 100) {
    return make_error("bad_field", "the permission mapping has exactly 100 entries (levels 00-99)");
  }
  for (int i = 0; i < m.max_data_level_size(); ++i) {
    if (m.max_data_level(i) > 99) {
      return make_error("bad_field", "mapping entry " + std::to_string(i) + " is " +
                                         std::to_string(m.max_data_level(i)) +
                                         "; data levels are 0-99");
    }
  }
  return {};
}

Status check_template_action(const StateOverlay& state, const pb::TemplateDefinition& t,
                             bool must_exist) {
  RL_TRY(check_template_definition(t));
  RL_ASSIGN_OR_RETURN(auto existing, state.get(keys::tmpl(t.template_id())));
  if (must_exist && !existing) {
    return make_error("not_found", "template " + t.template_id() + " is not registered");
  }
  if (!must_exist && existing) {
    return make_error("already_exists", "template " + t.template_id() + " exists");
  }
  return {};
}

bool contains_root(const std::vector<crypto::Certificate>& roots, crypto::Suite suite,
                   ByteView id) {
  return std::any_of(roots.begin(), roots.end(), [&](const crypto::Certificate& r) {
    const Bytes rid = r.id(suite);
    return std::equal(rid.begin(), rid.end(), id.begin(), id.end());
  });
}

Status check_add_root(const ExecEnv& env, const StateOverlay& state, const pb::AddTrustedRoot& a,
                      const BlockContext& ctx) {
  if (a.certificate_der().empty() || a.certificate_der().size() > limits::kMaxCertificateBytes) {
    return make_error("bad_certificate", "root certificate must be 1 byte - 8 KiB of DER");
  }
  auto cert = crypto::Certificate::from_der(as_bytes(a.certificate_der()));
  if (!cert.ok()) return make_error("bad_certificate", cert.error().message);
  if (!cert->is_ca()) return make_error("bad_certificate", "a trusted root must be a CA");
  if (cert->subject_string() != cert->issuer_string()) {
    return make_error("bad_certificate", "a trusted root must be self-signed");
  }
  // Self-signature and validity at the block time, by the same verifier bindings use.
  auto self = crypto::verify_chain(*cert, {}, {*cert}, {}, ctx.time_ms / 1000);
  if (!self.ok()) return make_error(self.error().code, "root: " + self.error().message);
  RL_ASSIGN_OR_RETURN(auto roots, effective_roots(env.anchor, state));
  if (contains_root(roots, env.anchor.suite, cert->id(env.anchor.suite))) {
    return make_error("already_exists", "this root is already trusted");
  }
  if (roots.size() >= limits::kMaxTrustedRoots) {
    return make_error("too_many_roots", "at most 32 trusted roots");
  }
  return {};
}

Status check_remove_root(const ExecEnv& env, const StateOverlay& state,
                         const pb::RemoveTrustedRoot& r) {
  if (r.cert_id().size() != crypto::hash_size(env.anchor.suite)) {
    return make_error("bad_field", "cert_id must be a hash of the suite's size");
  }
  RL_ASSIGN_OR_RETURN(auto roots, effective_roots(env.anchor, state));
  if (!contains_root(roots, env.anchor.suite, as_bytes(r.cert_id()))) {
    return make_error("not_found", "no trusted root has this id");
  }
  if (roots.size() == 1) {
    return make_error("last_trusted_root", "removing the only trusted root would stop enrollment");
  }
  return {};
}

Status check_action(const ExecEnv& env, const StateOverlay& state, const pb::Propose& p,
                    const BlockContext& ctx) {
  switch (p.action_case()) {
    case pb::Propose::kSetPermissionMapping:
      return check_mapping(p.set_permission_mapping());
    case pb::Propose::kRegisterReportTemplate:
      return check_template_action(state, p.register_report_template().definition(), false);
    case pb::Propose::kUpdateReportTemplate:
      return check_template_action(state, p.update_report_template().definition(), true);
    case pb::Propose::kAddTrustedRoot:
      return check_add_root(env, state, p.add_trusted_root(), ctx);
    case pb::Propose::kRemoveTrustedRoot:
      return check_remove_root(env, state, p.remove_trusted_root());
    case pb::Propose::kAddValidator:
    case pb::Propose::kRemoveValidator:
    case pb::Propose::kSetValidatorPower:
      return check_validator_action(env, state, p, ctx);
    case pb::Propose::kGrantRead:
    case pb::Propose::kRevokeReadGrant:
      return check_read_grant_action(state, p);
    case pb::Propose::kIssueValue:
      return check_issue_value(state, p.issue_value());
    case pb::Propose::kGrantThirdPartyAccess:
    case pb::Propose::kRevokeThirdPartyAccess:
      return check_third_party_action(state, p, ctx);
    case pb::Propose::kSetSealingPolicy:
    case pb::Propose::kSetKeyService:
    case pb::Propose::kRemoveKeyService:
    case pb::Propose::kGrantAttribute:
    case pb::Propose::kRevokeAttribute:
      return check_sealing_action(env, state, p);
    case pb::Propose::ACTION_NOT_SET:
      break;
  }
  return make_error("bad_field", "the proposal carries no action");
}

// ------------------------------------------------------------------ action execution

// A registration is version 1; an update replaces the record as the next version.
Status put_template(StateOverlay& state, const pb::TemplateDefinition& t, const BlockContext& ctx) {
  RL_ASSIGN_OR_RETURN(auto prior, load<pb::TemplateRecord>(state, keys::tmpl(t.template_id())));
  const std::uint32_t version = prior ? std::max<std::uint32_t>(prior->version(), 1) + 1 : 1;
  state.put(keys::tmpl(t.template_id()), encode(template_record(t, version, ctx.height)));
  return {};
}

Status change_roots(const ExecEnv& env, StateOverlay& state, const pb::Propose& p,
                    const BlockContext& ctx) {
  RL_ASSIGN_OR_RETURN(auto loaded, load<pb::TrustedRootsRecord>(state, keys::trusted_roots()));
  pb::TrustedRootsRecord roots = loaded.value_or(pb::TrustedRootsRecord{});
  auto find = [&](ByteView id) -> pb::TrustedRootEntry* {
    for (auto& e : *roots.mutable_roots()) {
      if (bytes_equal(e.cert_id(), id)) return &e;
    }
    return nullptr;
  };
  if (p.has_add_trusted_root()) {
    const std::string& der = p.add_trusted_root().certificate_der();
    auto cert = crypto::Certificate::from_der(as_bytes(der));
    if (!cert.ok()) return make_error("bad_certificate", cert.error().message);
    const Bytes id = cert->id(env.anchor.suite);
    pb::TrustedRootEntry* e = find(id);
    if (!e) e = roots.add_roots();
    // Re-adding a removed root (genesis or not) revives its entry, so one id has one entry.
    const bool genesis_root = e->from_genesis();
    e->Clear();
    e->set_cert_id(to_string(id));
    if (!genesis_root) e->set_certificate_der(der);
    e->set_from_genesis(genesis_root);
    e->set_added_by_proposal(p.proposal_id());
    e->set_added_height(ctx.height);
  } else {
    const std::string& id = p.remove_trusted_root().cert_id();
    pb::TrustedRootEntry* e = find(as_bytes(id));
    if (!e) {  // a genesis root: the entry records its removal
      e = roots.add_roots();
      e->set_cert_id(id);
      e->set_from_genesis(true);
    }
    e->set_removed(true);
    e->set_removed_by_proposal(p.proposal_id());
    e->set_removed_height(ctx.height);
  }
  state.put(keys::trusted_roots(), encode(roots));
  return {};
}

Status execute_action(const ExecEnv& env, StateOverlay& state, const pb::Propose& p,
                      const BlockContext& ctx) {
  RL_TRY(check_action(env, state, p, ctx));
  switch (p.action_case()) {
    case pb::Propose::kSetPermissionMapping: {
      Bytes mapping(100);
      for (int i = 0; i < 100; ++i) {
        mapping[static_cast<std::size_t>(i)] =
            static_cast<std::uint8_t>(p.set_permission_mapping().max_data_level(i));
      }
      state.put(keys::permission_mapping(), std::move(mapping));
      return {};
    }
    case pb::Propose::kRegisterReportTemplate:
      return put_template(state, p.register_report_template().definition(), ctx);
    case pb::Propose::kUpdateReportTemplate:
      return put_template(state, p.update_report_template().definition(), ctx);
    case pb::Propose::kAddTrustedRoot:
    case pb::Propose::kRemoveTrustedRoot:
      return change_roots(env, state, p, ctx);
    case pb::Propose::kAddValidator:
    case pb::Propose::kRemoveValidator:
    case pb::Propose::kSetValidatorPower:
      return execute_validator_action(env, state, p, ctx);
    case pb::Propose::kGrantRead:
    case pb::Propose::kRevokeReadGrant:
      return execute_read_grant_action(state, p, ctx);
    case pb::Propose::kIssueValue:
      return execute_issue_value(state, p.issue_value(), ctx);
    case pb::Propose::kGrantThirdPartyAccess:
    case pb::Propose::kRevokeThirdPartyAccess:
      return execute_third_party_action(state, p, ctx);
    case pb::Propose::kSetSealingPolicy:
    case pb::Propose::kSetKeyService:
    case pb::Propose::kRemoveKeyService:
    case pb::Propose::kGrantAttribute:
    case pb::Propose::kRevokeAttribute:
      return execute_sealing_action(env, state, p, ctx);
    case pb::Propose::ACTION_NOT_SET:
      break;
  }
  return make_error("bad_field", "the proposal carries no action");
}

// Records `s`'s organization as an approval and executes the action once M organizations have
// approved. Writes the proposal record either way.
Status approve_and_maybe_execute(const ExecEnv& env, const Signer& s, StateOverlay& state,
                                 const pb::GovernanceRecord& gov, pb::ProposalRecord& rec,
                                 const BlockContext& ctx) {
  auto* a = rec.add_approvals();
  a->set_org_id(s.account.org_id());
  a->set_account_id(s.account.account_id());
  a->set_height(ctx.height);
  if (static_cast<std::uint32_t>(rec.approvals_size()) >= gov.threshold()) {
    RL_TRY(execute_action(env, state, rec.proposal(), ctx));
    rec.set_status(kExecuted);
    rec.set_executed_height(ctx.height);
    rec.set_threshold(gov.threshold());
  }
  state.put(keys::proposal(rec.proposal_id()), encode(rec));
  return {};
}

}  // namespace

Status exec_propose(const ExecEnv& env, const Signer& s, StateOverlay& state, const pb::Propose& p,
                    const BlockContext& ctx) {
  RL_ASSIGN_OR_RETURN(auto gov, governing(s, state));
  if (!valid_id(p.proposal_id()))
    return make_error("bad_field", "proposal_id must be 1-64 of [A-Za-z0-9._-]");
  if (p.expires_at_height() < ctx.height) {
    return make_error("bad_field", "the proposal would expire before this block (height " +
                                       std::to_string(ctx.height) + ")");
  }
  RL_ASSIGN_OR_RETURN(auto existing, state.get(keys::proposal(p.proposal_id())));
  if (existing) return make_error("already_exists", "proposal " + p.proposal_id() + " exists");
  RL_TRY(check_action(env, state, p, ctx));

  pb::ProposalRecord rec;
  rec.set_proposal_id(p.proposal_id());
  *rec.mutable_proposal() = p;
  rec.set_proposer(s.account.account_id());
  rec.set_proposed_height(ctx.height);
  rec.set_status(kPending);
  return approve_and_maybe_execute(env, s, state, gov, rec, ctx);
}

Status exec_approve(const ExecEnv& env, const Signer& s, StateOverlay& state, const pb::Approve& p,
                    const BlockContext& ctx) {
  RL_ASSIGN_OR_RETURN(auto gov, governing(s, state));
  if (!valid_id(p.proposal_id()))
    return make_error("bad_field", "proposal_id must be 1-64 of [A-Za-z0-9._-]");
  RL_ASSIGN_OR_RETURN(auto rec, load<pb::ProposalRecord>(state, keys::proposal(p.proposal_id())));
  if (!rec) return make_error("not_found", "no proposal " + p.proposal_id());
  if (rec->status() == kExecuted) {
    return make_error("proposal_executed", "proposal " + p.proposal_id() +
                                               " was executed at height " +
                                               std::to_string(rec->executed_height()));
  }
  if (ctx.height > rec->proposal().expires_at_height()) {
    return make_error("proposal_expired", "proposal " + p.proposal_id() + " expired at height " +
                                              std::to_string(rec->proposal().expires_at_height()));
  }
  for (const auto& a : rec->approvals()) {
    if (a.org_id() == s.account.org_id()) {
      return make_error("already_approved", "organization " + a.org_id() +
                                                " already approved proposal " + p.proposal_id());
    }
  }
  return approve_and_maybe_execute(env, s, state, gov, *rec, ctx);
}

}  // namespace rl::ledger::exec
