// GrantThirdPartyAccess / RevokeThirdPartyAccess: the governance actions behind third-party
// access (decision 0060). Validated when proposed and again when the approval that reaches M
// executes them, like every action. Execution compares the expiry with the block time only;
// each node checks it against its own clock at call time.

#include <algorithm>
#include <set>

#include "ledger/exec_internal.hpp"
#include "ledger/state_keys.hpp"

namespace rl::ledger::exec {
namespace {

constexpr std::size_t kMaxScopeTemplates = 16;
constexpr std::size_t kMaxScopeFields = 64;
constexpr std::size_t kMaxScopeOrgs = 64;
constexpr std::uint32_t kMaxRatePerMinute = 6000;

Error bad_scope(const std::string& why) {
  return make_error("bad_scope", why);
}

// Names that must be distinct, at most `max` of them, each checked by `valid`.
template <typename Valid>
Status check_names(const google::protobuf::RepeatedPtrField<std::string>& names, std::size_t min,
                   std::size_t max, const char* what, Valid valid) {
  if (static_cast<std::size_t>(names.size()) < min ||
      static_cast<std::size_t>(names.size()) > max) {
    return bad_scope(std::string("scope names ") + std::to_string(min) + "-" + std::to_string(max) +
                     " " + what);
  }
  std::set<std::string_view> seen;
  for (const auto& n : names) {
    if (!valid(n)) return bad_scope(std::string("scope ") + what + ": '" + n + "' is malformed");
    if (!seen.insert(n).second) return bad_scope(std::string("scope names ") + what + " twice");
  }
  return {};
}

// The fields some template of the scope masks with a rule that shows something (not drop).
Result<std::set<std::string>> masked_fields(const StateOverlay& state,
                                            const pb::ThirdPartyScope& scope) {
  std::set<std::string> out;
  for (const auto& id : scope.templates()) {
    RL_ASSIGN_OR_RETURN(auto tmpl, load<pb::TemplateRecord>(state, keys::tmpl(id)));
    if (!tmpl) return make_error("not_found", "template " + id + " is not registered");
    bool any = false;
    for (const auto& m : tmpl->masks()) {
      if (m.has_drop()) continue;
      out.insert(m.field());
      any = true;
    }
    if (!any) {
      return bad_scope("template " + id + " has no masking rules: a third party would get nothing");
    }
  }
  return out;
}

Status check_scope(const StateOverlay& state, const pb::ThirdPartyScope& scope) {
  RL_TRY(check_names(scope.templates(), 1, kMaxScopeTemplates, "templates",
                     [](const std::string& s) { return valid_id(s); }));
  RL_TRY(check_names(scope.orgs(), 1, kMaxScopeOrgs, "organizations",
                     [](const std::string& s) { return valid_id(s); }));
  RL_TRY(check_names(scope.fields(), 0, kMaxScopeFields, "fields", [](const std::string& s) {
    return !s.empty() && s.size() <= limits::kMaxIdBytes;
  }));
  for (const auto* p : {&scope.period_from(), &scope.period_to()}) {
    if (!p->empty() && !valid_id(*p, limits::kMaxPeriodBytes)) {
      return bad_scope("periods are empty (open) or 1-32 of [A-Za-z0-9._-]");
    }
  }
  if (!scope.period_from().empty() && !scope.period_to().empty() &&
      scope.period_from() > scope.period_to()) {
    return bad_scope("period_from is after period_to");
  }
  RL_ASSIGN_OR_RETURN(auto masked, masked_fields(state, scope));
  for (const auto& f : scope.fields()) {
    if (!masked.contains(f)) {
      return bad_scope("field '" + f + "' has no masking rule in the scope's templates");
    }
  }
  for (const auto& id : scope.orgs()) {
    RL_ASSIGN_OR_RETURN(auto org, load<pb::OrganizationRecord>(state, keys::org(id)));
    if (!org) return make_error("not_found", "organization " + id + " is unknown");
    if (is_third_party_kind(org->kind())) {
      return bad_scope("organization " + id + " is a third party: it has no reports");
    }
  }
  return {};
}

Status check_grant(const StateOverlay& state, const pb::GrantThirdPartyAccess& g,
                   const BlockContext& ctx) {
  if (!valid_id(g.grant_id()))
    return make_error("bad_field", "grant_id must be 1-64 of [A-Za-z0-9._-]");
  if (!valid_id(g.third_party_org())) {
    return make_error("bad_field", "third_party_org must be 1-64 of [A-Za-z0-9._-]");
  }
  if (g.rate_limit_per_minute() == 0 || g.rate_limit_per_minute() > kMaxRatePerMinute) {
    return make_error("bad_field", "rate_limit_per_minute must be 1-6000");
  }
  if (g.expires_at_ms() <= ctx.time_ms || g.expires_at_ms() - ctx.time_ms > limits::kMaxGrantMs) {
    return make_error("bad_field",
                      "expires_at_ms must be after the block time and at most 400 days after it");
  }
  RL_ASSIGN_OR_RETURN(auto existing, state.get(keys::third_party_grant(g.grant_id())));
  // Grant ids are never reused, so an id names one scope for the life of the ledger (the audit
  // log and the tokens refer to it).
  if (existing) return make_error("already_exists", "grant " + g.grant_id() + " exists");
  RL_ASSIGN_OR_RETURN(auto org,
                      load<pb::OrganizationRecord>(state, keys::org(g.third_party_org())));
  if (!org) return make_error("not_found", "organization " + g.third_party_org() + " is unknown");
  if (!is_third_party_kind(org->kind())) {
    return make_error("not_third_party", "organization " + g.third_party_org() + " is a " +
                                             org->kind() + ", not a third_party");
  }
  return check_scope(state, g.scope());
}

}  // namespace

Status check_third_party_action(const StateOverlay& state, const pb::Propose& p,
                                const BlockContext& ctx) {
  if (p.has_grant_third_party_access())
    return check_grant(state, p.grant_third_party_access(), ctx);
  const auto& id = p.revoke_third_party_access().grant_id();
  if (!valid_id(id)) return make_error("bad_field", "grant_id must be 1-64 of [A-Za-z0-9._-]");
  RL_ASSIGN_OR_RETURN(auto rec,
                      load<pb::ThirdPartyGrantRecord>(state, keys::third_party_grant(id)));
  if (!rec || !rec->active()) return make_error("not_found", "no active grant " + id);
  return {};
}

Status execute_third_party_action(StateOverlay& state, const pb::Propose& p,
                                  const BlockContext& ctx) {
  if (p.has_grant_third_party_access()) {
    const auto& g = p.grant_third_party_access();
    pb::ThirdPartyGrantRecord rec;
    rec.set_grant_id(g.grant_id());
    rec.set_third_party_org(g.third_party_org());
    *rec.mutable_scope() = g.scope();
    rec.set_expires_at_ms(g.expires_at_ms());
    rec.set_rate_limit_per_minute(g.rate_limit_per_minute());
    rec.set_active(true);
    rec.set_granted_by_proposal(p.proposal_id());
    rec.set_granted_height(ctx.height);
    state.put(keys::third_party_grant(g.grant_id()), encode(rec));
    return {};
  }
  const auto& id = p.revoke_third_party_access().grant_id();
  RL_ASSIGN_OR_RETURN(auto rec,
                      load<pb::ThirdPartyGrantRecord>(state, keys::third_party_grant(id)));
  if (!rec) return make_error("not_found", "no active grant " + id);
  rec->set_active(false);
  rec->set_revoked_by_proposal(p.proposal_id());
  rec->set_revoked_height(ctx.height);
  state.put(keys::third_party_grant(id), encode(*rec));
  return {};
}

}  // namespace rl::ledger::exec
