// Identity payloads: organizations, accounts, certificate binding and revocation, account
// suspension. Every function validates fully before its first write; execute_tx discards the
// writes of a failed transaction anyway.

#include "crypto/hash.hpp"
#include "ledger/exec_internal.hpp"
#include "ledger/state_keys.hpp"

namespace rl::ledger::exec {
namespace {

Bytes u64_value(std::uint64_t v) {
  Bytes b;
  append_u64_be(b, v);
  return b;
}

Status check_reason(const std::string& reason) {
  if (reason.empty() || reason.size() > limits::kMaxReasonBytes) {
    return make_error("bad_field", "reason must be 1-256 bytes");
  }
  return {};
}

Status check_credential(const pb::ScryptCredential& c) {
  if (c.salt().size() < 16 || c.salt().size() > 64) {
    return make_error("bad_field", "credential salt must be 16-64 bytes");
  }
  if (c.hash().size() != 32) return make_error("bad_field", "credential hash must be 32 bytes");
  bool pow2 = c.n() >= 1024 && c.n() <= (1u << 20) && (c.n() & (c.n() - 1)) == 0;
  if (!pow2 || c.r() < 1 || c.r() > 16 || c.p() < 1 || c.p() > 4) {
    return make_error("bad_field", "scrypt parameters out of range");
  }
  return {};
}

}  // namespace

Result<std::vector<crypto::Certificate>> effective_roots(const TrustAnchor& anchor,
                                                         const StateOverlay& state) {
  RL_ASSIGN_OR_RETURN(auto changes, load<pb::TrustedRootsRecord>(state, keys::trusted_roots()));
  if (!changes) return anchor.roots;
  auto removed = [&](const Bytes& id) {
    for (const auto& e : changes->roots()) {
      if (e.removed() && bytes_equal(e.cert_id(), id)) return true;
    }
    return false;
  };
  std::vector<crypto::Certificate> roots;
  for (const auto& r : anchor.roots) {
    if (!removed(r.id(anchor.suite))) roots.push_back(r);
  }
  for (const auto& e : changes->roots()) {
    if (e.from_genesis() || e.removed()) continue;
    auto c = crypto::Certificate::from_der(as_bytes(e.certificate_der()));
    if (!c.ok()) return make_error("state_corrupt", "stored trusted root does not parse");
    roots.push_back(std::move(c).value());
  }
  return roots;
}

Result<pb::CertificateRecord> certificate_record(
    const TrustAnchor& anchor, const std::vector<crypto::Certificate>& roots,
    const std::string& account_id, const std::string& der,
    const google::protobuf::RepeatedPtrField<std::string>& chain, std::int64_t time_ms) {
  if (der.size() > limits::kMaxCertificateBytes) {
    return make_error("bad_certificate", "certificate over 8 KiB");
  }
  if (chain.size() > static_cast<int>(limits::kMaxChainCertificates)) {
    return make_error("bad_certificate", "too many chain certificates");
  }
  auto cert = crypto::Certificate::from_der(as_bytes(der));
  if (!cert.ok()) return make_error("bad_certificate", cert.error().message);
  std::vector<crypto::Certificate> intermediates = anchor.intermediates;
  for (const auto& c : chain) {
    if (c.size() > limits::kMaxCertificateBytes) {
      return make_error("bad_certificate", "chain certificate over 8 KiB");
    }
    auto ic = crypto::Certificate::from_der(as_bytes(c));
    if (!ic.ok()) return make_error("bad_certificate", "chain: " + ic.error().message);
    intermediates.push_back(std::move(ic).value());
  }
  auto verdict = crypto::verify_chain(*cert, intermediates, roots, {}, time_ms / 1000);
  if (!verdict.ok()) return make_error(verdict.error().code, verdict.error().message);
  if (cert->public_key().suite() != anchor.suite) {
    return make_error("bad_certificate", "certificate key does not match the network suite");
  }
  if (cert->subject().common_name != account_id) {
    return make_error("bad_certificate", "certificate subject CN '" + cert->subject().common_name +
                                             "' does not name account " + account_id);
  }
  pb::CertificateRecord rec;
  Bytes id = cert->id(anchor.suite);
  rec.set_cert_id(to_string(id));
  rec.set_account_id(account_id);
  rec.set_certificate_der(der);
  for (const auto& c : chain) rec.add_chain_der(c);
  rec.set_not_before(cert->not_before());
  rec.set_not_after(cert->not_after());
  return rec;
}

void put_certificate(StateOverlay& state, const pb::CertificateRecord& rec) {
  const ByteView id = as_bytes(rec.cert_id());
  state.put(keys::account_certificate(rec.account_id(), id), u64_value(rec.bound_height()));
  state.put(keys::certificate(id), encode(rec));
}

Status exec_register_org(const Signer& s, StateOverlay& state, const pb::RegisterOrganization& p,
                         const BlockContext& ctx) {
  if (!is_regulator_admin(s)) return denied("only a regulator admin registers organizations");
  if (!valid_id(p.org_id()))
    return make_error("bad_field", "org_id must be 1-64 of [A-Za-z0-9._-]");
  if (p.name().empty() || p.name().size() > limits::kMaxNameBytes) {
    return make_error("bad_field", "name must be 1-256 bytes");
  }
  if (p.kind() != "institution" && p.kind() != "regulator" && p.kind() != "auditor" &&
      !is_third_party_kind(p.kind())) {
    return make_error("bad_field", "kind must be institution, regulator, auditor or third_party");
  }
  RL_ASSIGN_OR_RETURN(auto existing, state.get(keys::org(p.org_id())));
  if (existing) return make_error("already_exists", "organization " + p.org_id() + " exists");
  pb::OrganizationRecord rec;
  rec.set_org_id(p.org_id());
  rec.set_name(p.name());
  rec.set_kind(p.kind());
  rec.set_registered_height(ctx.height);
  state.put(keys::org(p.org_id()), encode(rec));
  return {};
}

Status exec_register_account(const Signer& s, StateOverlay& state, const pb::RegisterAccount& p,
                             const BlockContext& ctx) {
  if (!valid_id(p.account_id()))
    return make_error("bad_field", "account_id must be 1-64 of [A-Za-z0-9._-]");
  if (!is_regulator_admin(s) && !is_org_admin(s, p.org_id())) {
    return denied("only a regulator admin or the organization's admin registers accounts");
  }
  if (p.role() != "admin" && p.role() != "reporter" && p.role() != "auditor") {
    return make_error("bad_field", "role must be admin, reporter or auditor");
  }
  auto perm = parse_permission_code(p.permission_code());
  if (!perm.ok()) return make_error("bad_field", perm.error().message);
  RL_TRY(check_credential(p.credential()));
  if (!p.department().empty() && !valid_id(p.department())) {
    return make_error("bad_field", "department must be empty or 1-64 of [A-Za-z0-9._-]");
  }
  RL_ASSIGN_OR_RETURN(auto org, state.get(keys::org(p.org_id())));
  if (!org) return make_error("not_found", "organization " + p.org_id() + " is not registered");
  RL_ASSIGN_OR_RETURN(auto existing, state.get(keys::account(p.account_id())));
  if (existing) return make_error("already_exists", "account " + p.account_id() + " exists");
  pb::AccountRecord rec;
  rec.set_account_id(p.account_id());
  rec.set_org_id(p.org_id());
  rec.set_role(p.role());
  rec.set_permission_code(p.permission_code());
  *rec.mutable_credential() = p.credential();
  rec.set_department(p.department());
  rec.set_active(true);
  rec.set_registered_height(ctx.height);
  state.put(keys::account(p.account_id()), encode(rec));
  return {};
}

Status exec_bind_certificate(const ExecEnv& env, const Signer& s, StateOverlay& state,
                             const pb::BindCertificate& p, const BlockContext& ctx) {
  RL_ASSIGN_OR_RETURN(auto acct, load<pb::AccountRecord>(state, keys::account(p.account_id())));
  if (!acct) return make_error("not_found", "account " + p.account_id() + " is not registered");
  if (!is_regulator_admin(s) && !is_org_admin(s, acct->org_id())) {
    return denied("only a regulator admin or the account's organization admin binds certificates");
  }
  RL_ASSIGN_OR_RETURN(auto roots, effective_roots(env.anchor, state));
  RL_ASSIGN_OR_RETURN(auto rec,
                      certificate_record(env.anchor, roots, p.account_id(), p.certificate_der(),
                                         p.chain_der(), ctx.time_ms));
  RL_ASSIGN_OR_RETURN(auto existing, state.get(keys::certificate(as_bytes(rec.cert_id()))));
  if (existing) return make_error("already_exists", "certificate is already bound");
  rec.set_bound_height(ctx.height);
  put_certificate(state, rec);
  return {};
}

Status exec_revoke_certificate(const ExecEnv& env, const Signer& s, StateOverlay& state,
                               const pb::RevokeCertificate& p, const BlockContext& ctx) {
  if (p.cert_id().size() != crypto::hash_size(env.anchor.suite)) {
    return make_error("bad_field", "cert_id must be a hash of the suite's size");
  }
  RL_TRY(check_reason(p.reason()));
  const Bytes key = keys::certificate(as_bytes(p.cert_id()));
  RL_ASSIGN_OR_RETURN(auto cert, load<pb::CertificateRecord>(state, key));
  if (!cert) return make_error("not_found", "no certificate with this id is bound");
  RL_ASSIGN_OR_RETURN(auto acct, load<pb::AccountRecord>(state, keys::account(cert->account_id())));
  if (!acct) return make_error("state_corrupt", "certificate's account is missing");
  if (!is_regulator_admin(s) && !is_org_admin(s, acct->org_id())) {
    return denied("only a regulator admin or the admin of organization " + acct->org_id() +
                  " revokes this certificate");
  }
  if (cert->revoked()) {
    return make_error("already_revoked", "certificate was revoked at height " +
                                             std::to_string(cert->revoked_height()));
  }
  cert->set_revoked(true);
  cert->set_revoked_height(ctx.height);
  cert->set_revoked_by(s.account.account_id());
  cert->set_revocation_reason(p.reason());
  state.put(key, encode(*cert));
  state.put(keys::revoked_certificate(as_bytes(p.cert_id())), u64_value(ctx.height));
  return {};
}

Status exec_suspend_account(const Signer& s, StateOverlay& state, const pb::SuspendAccount& p,
                            const BlockContext& ctx) {
  if (!valid_id(p.account_id()))
    return make_error("bad_field", "account_id must be 1-64 of [A-Za-z0-9._-]");
  RL_TRY(check_reason(p.reason()));
  const Bytes key = keys::account(p.account_id());
  RL_ASSIGN_OR_RETURN(auto acct, load<pb::AccountRecord>(state, key));
  if (!acct) return make_error("not_found", "account " + p.account_id() + " is not registered");
  if (!is_regulator_admin(s) && !is_org_admin(s, acct->org_id())) {
    return denied("only a regulator admin or the admin of organization " + acct->org_id() +
                  " suspends or reinstates this account");
  }
  // A suspended account signs nothing, so an admin suspending itself could be the last one
  // able to reinstate it.
  if (p.suspend() && p.account_id() == s.account.account_id()) {
    return make_error("cannot_suspend_self", "an account cannot suspend itself");
  }
  if (p.suspend() && !acct->active()) {
    return make_error("already_suspended", "account " + p.account_id() + " is already suspended");
  }
  if (!p.suspend() && acct->active()) {
    return make_error("not_suspended", "account " + p.account_id() + " is not suspended");
  }
  acct->set_active(!p.suspend());
  acct->set_status_reason(p.reason());
  acct->set_status_height(ctx.height);
  acct->set_status_by(s.account.account_id());
  state.put(key, encode(*acct));
  return {};
}

}  // namespace rl::ledger::exec
