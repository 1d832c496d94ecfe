// GrantRead / RevokeReadGrant: the governance actions that let an institution read another
// organization's reports (docs/identity.md "Who reads whose data"). Validated when proposed and
// again when the approval that reaches M executes them, like every action.

#include "ledger/exec_internal.hpp"
#include "ledger/state_keys.hpp"

namespace rl::ledger::exec {
namespace {

struct GrantFields {
  const std::string& reader_org;
  const std::string& owner_org;
  const std::string& template_id;
};

GrantFields fields_of(const pb::Propose& p) {
  if (p.has_grant_read()) {
    const auto& g = p.grant_read();
    return {g.reader_org(), g.owner_org(), g.template_id()};
  }
  const auto& r = p.revoke_read_grant();
  return {r.reader_org(), r.owner_org(), r.template_id()};
}

Result<std::optional<pb::ReadGrantRecord>> load_grant(const StateOverlay& state,
                                                      const GrantFields& f) {
  return load<pb::ReadGrantRecord>(state,
                                   keys::read_grant(f.reader_org, f.owner_org, f.template_id));
}

}  // namespace

Status check_read_grant_action(const StateOverlay& state, const pb::Propose& p) {
  const GrantFields f = fields_of(p);
  if (!valid_id(f.reader_org) || !valid_id(f.owner_org)) {
    return make_error("bad_field", "reader_org and owner_org must be 1-64 of [A-Za-z0-9._-]");
  }
  if (!f.template_id.empty() && !valid_id(f.template_id)) {
    return make_error("bad_field", "template_id must be empty or 1-64 of [A-Za-z0-9._-]");
  }
  if (f.reader_org == f.owner_org) {
    return make_error("bad_field", "an organization always reads its own data");
  }
  RL_ASSIGN_OR_RETURN(auto existing, load_grant(state, f));
  const bool active = existing && existing->active();
  if (p.has_revoke_read_grant()) {
    if (!active) return make_error("not_found", "no active read grant with these fields");
    return {};
  }
  RL_ASSIGN_OR_RETURN(auto reader, load<pb::OrganizationRecord>(state, keys::org(f.reader_org)));
  if (!reader) return make_error("not_found", "organization " + f.reader_org + " is unknown");
  if (is_supervisor_kind(reader->kind())) {
    return make_error("bad_field", "organization " + f.reader_org + " is a " + reader->kind() +
                                       ": it reads across organizations without a grant");
  }
  if (is_third_party_kind(reader->kind())) {
    return make_error("bad_field", "organization " + f.reader_org +
                                       " is a third party: it reads masked payloads through "
                                       "GrantThirdPartyAccess only");
  }
  RL_ASSIGN_OR_RETURN(auto owner, state.get(keys::org(f.owner_org)));
  if (!owner) return make_error("not_found", "organization " + f.owner_org + " is unknown");
  if (!f.template_id.empty()) {
    RL_ASSIGN_OR_RETURN(auto tmpl, state.get(keys::tmpl(f.template_id)));
    if (!tmpl) return make_error("not_found", "template " + f.template_id + " is not registered");
  }
  if (active) return make_error("already_exists", "this read grant is already in force");
  return {};
}

Status execute_read_grant_action(StateOverlay& state, const pb::Propose& p,
                                 const BlockContext& ctx) {
  const GrantFields f = fields_of(p);
  RL_ASSIGN_OR_RETURN(auto existing, load_grant(state, f));
  pb::ReadGrantRecord rec = existing.value_or(pb::ReadGrantRecord{});
  if (p.has_grant_read()) {
    // A grant given again after a revocation starts a new record.
    rec.Clear();
    rec.set_reader_org(f.reader_org);
    rec.set_owner_org(f.owner_org);
    rec.set_template_id(f.template_id);
    rec.set_active(true);
    rec.set_granted_by_proposal(p.proposal_id());
    rec.set_granted_height(ctx.height);
  } else {
    rec.set_active(false);
    rec.set_revoked_by_proposal(p.proposal_id());
    rec.set_revoked_height(ctx.height);
  }
  state.put(keys::read_grant(f.reader_org, f.owner_org, f.template_id), encode(rec));
  return {};
}

}  // namespace rl::ledger::exec
