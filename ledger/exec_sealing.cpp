// Sealed reports on the ledger (docs/sealed.md, decision 0063): the envelope a sealed
// SubmitReport carries, the level-S policy changes of SetSealedReportPolicy, and the governance
// actions behind level T (sealing policies), the key services and granted attributes.
// Validators never see a data key or a plaintext; what they check is that an envelope can only
// be opened the way the policies say: every share is sealed to a key service on the ledger under
// its current key, at most one per service, and the policies parse.

#include <algorithm>
#include <set>

#include "crypto/keys.hpp"
#include "ledger/exec_internal.hpp"
#include "ledger/seal_policy.hpp"
#include "ledger/sealed_access.hpp"
#include "ledger/sealing.hpp"
#include "ledger/state_keys.hpp"

namespace rl::ledger::exec {
namespace {

constexpr std::size_t kMaxRegisteredKeyServices = 64;  // active or removed

Status put_attributes(StateOverlay& state, const pb::AccountAttributes& a) {
  state.put(keys::attributes(a.account_id()), encode(a));
  return {};
}

Status check_policy_text(const std::string& text, const char* level) {
  auto parsed = seal_policy::Policy::parse(text);
  if (!parsed.ok()) {
    return make_error("bad_policy", std::string(level) + " policy: " + parsed.error().message);
  }
  return {};
}

Status check_shares(const ExecEnv& env, const StateOverlay& state, const pb::SealEnvelope& e) {
  const auto n = static_cast<std::size_t>(e.shares_size());
  if (n < 1 || n > sealing::kMaxShares) {
    return make_error("bad_seal", "an envelope holds 1-16 shares");
  }
  if (e.threshold() < 1 || e.threshold() > n) {
    return make_error("bad_seal", "threshold must be 1-" + std::to_string(n) + " (the shares)");
  }
  RL_ASSIGN_OR_RETURN(auto loaded, load<pb::KeyServiceRegistry>(state, keys::key_services()));
  const pb::KeyServiceRegistry registry = loaded.value_or(pb::KeyServiceRegistry{});
  std::set<std::string_view> services;
  std::set<std::uint32_t> xs;
  for (const auto& s : e.shares()) {
    if (s.x() < 1 || s.x() > 255 || !xs.insert(s.x()).second) {
      return make_error("bad_seal", "share x values are distinct, 1-255");
    }
    if (!services.insert(s.service()).second) {
      return make_error("bad_seal", "key service " + s.service() + " holds two shares");
    }
    if (s.wrapped().empty() || s.wrapped().size() > sealing::kMaxWrappedShareBytes) {
      return make_error("bad_seal", "a wrapped share is 1-512 bytes");
    }
    const pb::KeyServiceRecord* ks = find_key_service(registry, s.service());
    if (!ks || !ks->active()) {
      return make_error("unknown_key_service", "no active key service " + s.service());
    }
    if (s.key_id() != ks->key_id()) {
      return make_error("stale_key_service_key",
                        "the share for " + s.service() + " is not sealed to its current key");
    }
  }
  (void)env;
  return {};
}

Status check_envelope_fields(const ExecEnv& env, const StateOverlay& state,
                             const pb::SealEnvelope& e) {
  if (!valid_id(e.t_policy())) return make_error("bad_seal", "t_policy must be a policy id");
  RL_ASSIGN_OR_RETURN(auto t, state.get(keys::sealing_policy(e.t_policy())));
  if (!t) return make_error("not_found", "sealing policy " + e.t_policy() + " is not set");
  RL_TRY(check_policy_text(e.s_policy(), "S"));
  if (e.seal_id().size() != sealing::kSealIdBytes) {
    return make_error("bad_seal", "seal_id must be 16 bytes");
  }
  if (e.key_check().size() != crypto::hash_size(env.anchor.suite)) {
    return make_error("bad_seal", "key_check must be a hash of the suite's size");
  }
  if (static_cast<std::size_t>(e.keyword_tags_size()) > sealing::kMaxKeywordTags) {
    return make_error("bad_seal", "at most 32 keyword tags");
  }
  for (const auto& tag : e.keyword_tags()) {
    if (tag.size() != sealing::kTagBytes) {
      return make_error("bad_seal", "a keyword tag is 32 bytes");
    }
  }
  RL_TRY(check_shares(env, state, e));
  RL_ASSIGN_OR_RETURN(auto used, state.get(keys::seal_id(as_bytes(e.seal_id()))));
  if (used) return make_error("already_exists", "seal_id is already in use");
  return {};
}

// ---------------------------------------------------------------- governance actions

Status check_key_service(const ExecEnv& env, const StateOverlay& state,
                         const pb::SetKeyService& a) {
  if (!valid_id(a.name())) return make_error("bad_field", "name must be 1-64 of [A-Za-z0-9._-]");
  if (!valid_id(a.org_id())) return make_error("bad_field", "org_id");
  RL_ASSIGN_OR_RETURN(auto org, load<pb::OrganizationRecord>(state, keys::org(a.org_id())));
  if (!org || org->kind() != "regulator") {
    return make_error("bad_field", "org_id must name a regulator organization");
  }
  if (a.public_key_der().empty() || a.public_key_der().size() > 1024) {
    return make_error("bad_field", "public_key_der must be 1-1024 bytes");
  }
  auto key = crypto::PublicKey::from_der(as_bytes(a.public_key_der()));
  if (!key.ok() || key->suite() != env.anchor.suite) {
    return make_error("bad_field", "public_key_der is not a key of the network's suite");
  }
  if (!a.api_url().starts_with("https://") || a.api_url().size() > 256) {
    return make_error("bad_field", "api_url must be an https:// URL of at most 256 bytes");
  }
  RL_ASSIGN_OR_RETURN(auto loaded, load<pb::KeyServiceRegistry>(state, keys::key_services()));
  const pb::KeyServiceRegistry registry = loaded.value_or(pb::KeyServiceRegistry{});
  const pb::KeyServiceRecord* existing = find_key_service(registry, a.name());
  if (existing && existing->active() && existing->public_key_der() == a.public_key_der() &&
      existing->api_url() == a.api_url() && existing->org_id() == a.org_id()) {
    return make_error("already_exists", "key service " + a.name() + " already has this key");
  }
  if (!existing || !existing->active()) {
    std::size_t active = 0;
    for (const auto& r : registry.services()) active += r.active() ? 1 : 0;
    if (active >= sealing::kMaxKeyServices) {
      return make_error("too_many_key_services", "at most 16 active key services");
    }
    if (!existing &&
        static_cast<std::size_t>(registry.services_size()) >= kMaxRegisteredKeyServices) {
      return make_error("too_many_key_services", "at most 64 key services ever registered");
    }
  }
  return {};
}

Status execute_key_service(const ExecEnv& env, StateOverlay& state, const pb::SetKeyService& a,
                           const BlockContext& ctx) {
  RL_ASSIGN_OR_RETURN(auto loaded, load<pb::KeyServiceRegistry>(state, keys::key_services()));
  pb::KeyServiceRegistry registry = loaded.value_or(pb::KeyServiceRegistry{});
  pb::KeyServiceRecord* rec = nullptr;
  for (auto& r : *registry.mutable_services()) {
    if (r.name() == a.name()) rec = &r;
  }
  const Bytes id = sealing::key_id(env.anchor.suite, as_bytes(a.public_key_der()));
  if (!rec) {
    rec = registry.add_services();
  } else if (!bytes_equal(rec->key_id(), id)) {
    // Rotation: shares sealed to the old key stay openable by the service, which keeps it.
    rec->add_previous_key_ids(rec->key_id());
  }
  rec->set_name(a.name());
  rec->set_org_id(a.org_id());
  rec->set_public_key_der(a.public_key_der());
  rec->set_key_id(to_string(id));
  rec->set_api_url(a.api_url());
  rec->set_active(true);
  rec->set_height(ctx.height);
  state.put(keys::key_services(), encode(registry));
  return {};
}

Status check_attribute(const StateOverlay& state, const std::string& account,
                       const std::string& name, bool grant) {
  if (!valid_id(account)) return make_error("bad_field", "account_id");
  if (!valid_id(name)) return make_error("bad_field", "attribute must be 1-64 of [A-Za-z0-9._-]");
  RL_ASSIGN_OR_RETURN(auto acct, state.get(keys::account(account)));
  if (!acct) return make_error("not_found", "account " + account + " does not exist");
  RL_ASSIGN_OR_RETURN(auto held, load<pb::AccountAttributes>(state, keys::attributes(account)));
  const bool has = held && std::any_of(held->attributes().begin(), held->attributes().end(),
                                       [&](const auto& g) { return g.attribute() == name; });
  if (grant && has) {
    return make_error("already_exists", "account " + account + " already has attribute " + name);
  }
  if (!grant && !has) {
    return make_error("not_found", "account " + account + " has no attribute " + name);
  }
  if (grant && held &&
      static_cast<std::size_t>(held->attributes_size()) >= sealing::kMaxAttributesPerAccount) {
    return make_error("too_many_attributes", "an account holds at most 32 attributes");
  }
  return {};
}

Status execute_attribute(StateOverlay& state, const std::string& account, const std::string& name,
                         bool grant, const pb::Propose& p, const BlockContext& ctx) {
  RL_ASSIGN_OR_RETURN(auto held, load<pb::AccountAttributes>(state, keys::attributes(account)));
  pb::AccountAttributes out;
  out.set_account_id(account);
  const pb::AccountAttributes before = held.value_or(pb::AccountAttributes{});
  for (const auto& g : before.attributes()) {
    if (g.attribute() != name) *out.add_attributes() = g;
  }
  if (grant) {
    pb::AttributeGrant g;
    g.set_attribute(name);
    g.set_granted_by_proposal(p.proposal_id());
    g.set_height(ctx.height);
    auto* list = out.mutable_attributes();
    // Kept sorted by name: the position is found before Add, which may move the elements.
    const auto at = std::lower_bound(list->begin(), list->end(), name,
                                     [](const pb::AttributeGrant& a, const std::string& n) {
                                       return a.attribute() < n;
                                     }) -
                    list->begin();
    *list->Add() = std::move(g);
    for (auto i = list->size() - 1; i > at; --i) list->SwapElements(i, i - 1);
  }
  return put_attributes(state, out);
}

}  // namespace

Status check_sealing_action(const ExecEnv& env, const StateOverlay& state, const pb::Propose& p) {
  if (p.has_set_sealing_policy()) {
    const auto& a = p.set_sealing_policy();
    if (!valid_id(a.policy_id())) {
      return make_error("bad_field", "policy_id must be 1-64 of [A-Za-z0-9._-]");
    }
    return check_policy_text(a.policy(), "T");
  }
  if (p.has_set_key_service()) return check_key_service(env, state, p.set_key_service());
  if (p.has_remove_key_service()) {
    const auto& name = p.remove_key_service().name();
    if (!valid_id(name)) return make_error("bad_field", "name");
    RL_ASSIGN_OR_RETURN(auto loaded, load<pb::KeyServiceRegistry>(state, keys::key_services()));
    const auto* ks = loaded ? find_key_service(*loaded, name) : nullptr;
    if (!ks || !ks->active()) return make_error("not_found", "no active key service " + name);
    return {};
  }
  if (p.has_grant_attribute()) {
    return check_attribute(state, p.grant_attribute().account_id(), p.grant_attribute().attribute(),
                           true);
  }
  return check_attribute(state, p.revoke_attribute().account_id(), p.revoke_attribute().attribute(),
                         false);
}

Status execute_sealing_action(const ExecEnv& env, StateOverlay& state, const pb::Propose& p,
                              const BlockContext& ctx) {
  if (p.has_set_sealing_policy()) {
    const auto& a = p.set_sealing_policy();
    RL_ASSIGN_OR_RETURN(auto existing,
                        load<pb::SealingPolicyRecord>(state, keys::sealing_policy(a.policy_id())));
    pb::SealingPolicyRecord rec;
    rec.set_policy_id(a.policy_id());
    rec.set_policy(a.policy());
    rec.set_version(existing ? existing->version() + 1 : 1);
    rec.set_height(ctx.height);
    rec.set_set_by_proposal(p.proposal_id());
    state.put(keys::sealing_policy(a.policy_id()), encode(rec));
    return {};
  }
  if (p.has_set_key_service()) return execute_key_service(env, state, p.set_key_service(), ctx);
  if (p.has_remove_key_service()) {
    RL_ASSIGN_OR_RETURN(auto loaded, load<pb::KeyServiceRegistry>(state, keys::key_services()));
    if (!loaded) return make_error("not_found", "no key services");
    for (auto& r : *loaded->mutable_services()) {
      if (r.name() != p.remove_key_service().name()) continue;
      r.set_active(false);
      r.set_height(ctx.height);
    }
    state.put(keys::key_services(), encode(*loaded));
    return {};
  }
  if (p.has_grant_attribute()) {
    return execute_attribute(state, p.grant_attribute().account_id(),
                             p.grant_attribute().attribute(), true, p, ctx);
  }
  return execute_attribute(state, p.revoke_attribute().account_id(),
                           p.revoke_attribute().attribute(), false, p, ctx);
}

Status check_sealed_submission(const ExecEnv& env, const StateOverlay& state,
                               const pb::SubmitReport& p, const pb::TemplateRecord& t) {
  if (p.content_type() != "application/json") {
    return make_error("bad_report", "content_type must be application/json");
  }
  if (p.payload().empty() ||
      p.payload().size() > t.max_payload_bytes() + sealing::kSealOverheadBytes) {
    return make_error("report_too_large",
                      "sealed payload is " + std::to_string(p.payload().size()) +
                          " bytes; template allows " + std::to_string(t.max_payload_bytes()) +
                          " plus " + std::to_string(sealing::kSealOverheadBytes) + " of sealing");
  }
  return check_envelope_fields(env, state, p.seal());
}

void put_sealed_report(StateOverlay& state, const std::string& report_id,
                       const pb::SealEnvelope& seal, const BlockContext& ctx) {
  pb::SealedReportRecord rec;
  rec.set_report_id(report_id);
  *rec.mutable_seal() = seal;
  rec.set_s_policy(seal.s_policy());
  rec.set_s_policy_height(ctx.height);
  state.put(keys::sealed_report(report_id), encode(rec));
  state.put(keys::seal_id(as_bytes(seal.seal_id())), to_bytes(report_id));
}

Status exec_set_sealed_report_policy(const Signer& s, StateOverlay& state,
                                     const pb::SetSealedReportPolicy& p, const BlockContext& ctx) {
  if (!valid_report_id(p.report_id())) return make_error("bad_field", "report_id");
  RL_ASSIGN_OR_RETURN(auto sealed,
                      load<pb::SealedReportRecord>(state, keys::sealed_report(p.report_id())));
  RL_ASSIGN_OR_RETURN(auto report, load<pb::ReportRecord>(state, keys::report(p.report_id())));
  // The same answer for a report that does not exist, is not sealed, or is another
  // organization's: the signer learns nothing about reports it does not own.
  const bool owner = report && (report->submitter() == s.account.account_id() ||
                                is_org_admin(s, report->org_id()));
  if (!sealed || !owner) {
    return make_error("not_found", "no sealed report " + p.report_id() + " of yours");
  }
  RL_TRY(check_policy_text(p.s_policy(), "S"));
  sealed->set_s_policy(p.s_policy());
  sealed->set_s_policy_height(ctx.height);
  sealed->set_s_policy_by(s.account.account_id());
  state.put(keys::sealed_report(p.report_id()), encode(*sealed));
  return {};
}

}  // namespace rl::ledger::exec
