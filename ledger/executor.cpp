#include "ledger/executor.hpp"

#include <algorithm>

#include "crypto/hash.hpp"
#include "ledger/exec_internal.hpp"
#include "ledger/nonce_pruning.hpp"
#include "ledger/report_template.hpp"
#include "ledger/sealing.hpp"
#include "ledger/state_keys.hpp"

namespace rl::ledger {
namespace exec {

Result<PermissionMapping> load_mapping(const StateOverlay& state) {
  RL_ASSIGN_OR_RETURN(auto raw, state.get(keys::permission_mapping()));
  PermissionMapping m{};
  if (!raw) return m;
  if (raw->size() != 100) return make_error("state_corrupt", "permission mapping");
  for (std::size_t i = 0; i < 100; ++i) m[i] = (*raw)[i];
  return m;
}

}  // namespace exec

using namespace exec;  // NOLINT(google-build-using-namespace): the executor's own internals

Status check_tx_signature(const ExecEnv& env, StateOverlay& state, const DecodedTx& tx,
                          const BlockContext& ctx) {
  const Bytes cert_id(tx.tx.signer_cert_id().begin(), tx.tx.signer_cert_id().end());
  RL_ASSIGN_OR_RETURN(auto cert, load<pb::CertificateRecord>(state, keys::certificate(cert_id)));
  if (!cert)
    return make_error("unknown_certificate", "signer certificate is not bound on the ledger");
  if (env.options.permission_checks) {
    if (cert->account_id() != tx.body.signer()) {
      return make_error("certificate_not_bound", "signer certificate is bound to another account");
    }
    if (cert->revoked()) return make_error("certificate_revoked", "signer certificate is revoked");
    std::int64_t t = ctx.time_ms / 1000;
    if (t < cert->not_before()) {
      return make_error("certificate_not_yet_valid", "signer certificate is not yet valid");
    }
    if (t > cert->not_after()) {
      return make_error("certificate_expired", "signer certificate expired");
    }
  }

  Bytes tx_hash = signature_cache_key(env.anchor.suite, tx);
  if (env.cache.is_verified(tx_hash)) return {};
  auto key = env.cache.key_for(cert_id, as_bytes(cert->certificate_der()));
  if (!key) return make_error("state_corrupt", "stored certificate does not parse");
  if (!env.cache.verify_and_remember(tx_hash, *key, tx_sign_bytes(as_bytes(tx.tx.body())),
                                     as_bytes(tx.tx.signature()))) {
    return make_error("bad_signature", "transaction signature does not verify");
  }
  return {};
}

namespace {

// The envelope rules, shared by execute_tx and check_tx_envelope; the signer's records on success.
Result<Signer> check_envelope(const ExecEnv& env, StateOverlay& state, const DecodedTx& tx,
                              const BlockContext& ctx) {
  const auto& body = tx.body;
  if (body.chain_id() != env.anchor.chain_id) {
    return make_error("wrong_chain_id", "tx is for chain '" + body.chain_id() + "', this is '" +
                                            env.anchor.chain_id + "'");
  }
  if (body.expires_at_height() < ctx.height) {
    return make_error("tx_expired", "tx expired at height " +
                                        std::to_string(body.expires_at_height()) +
                                        "; block height is " + std::to_string(ctx.height));
  }
  // The window is what makes pruning replay records safe (nonce_pruning.hpp): a tx is only ever
  // valid within `window` heights of the block that carries it.
  if (body.expires_at_height() - ctx.height > env.anchor.tx_expiry_window) {
    return make_error("tx_expiry_too_far",
                      "tx expires at height " + std::to_string(body.expires_at_height()) +
                          "; a block at height " + std::to_string(ctx.height) +
                          " accepts at most " +
                          std::to_string(ctx.height + env.anchor.tx_expiry_window));
  }
  RL_ASSIGN_OR_RETURN(auto acct, load<pb::AccountRecord>(state, keys::account(body.signer())));
  if (!acct) return make_error("unknown_signer", "account " + body.signer() + " does not exist");
  Signer signer{std::move(*acct), {}};
  const bool checks = env.options.permission_checks;
  if (checks && !signer.account.active()) {
    return make_error("account_suspended", "account is not active");
  }
  // The organization serves permission decisions only (the admin role rules read its kind), so
  // without permission checks a SubmitReport does not read it.
  if (checks || !body.has_submit_report()) {
    RL_ASSIGN_OR_RETURN(auto org,
                        load<pb::OrganizationRecord>(state, keys::org(signer.account.org_id())));
    if (!org) return make_error("state_corrupt", "account's organization is missing");
    signer.org = std::move(*org);
  }
  RL_TRY(check_tx_signature(env, state, tx, ctx));

  Bytes nonce_key = keys::nonce(body.signer(), body.nonce());
  RL_ASSIGN_OR_RETURN(auto used, state.get(nonce_key));
  if (used) {
    return make_error("nonce_replayed", "nonce " + std::to_string(body.nonce()) +
                                            " was already used by " + body.signer());
  }
  return signer;
}

}  // namespace

Status check_tx_envelope(const ExecEnv& env, StateOverlay& state, const DecodedTx& tx,
                         const BlockContext& ctx) {
  auto signer = check_envelope(env, state, tx, ctx);
  if (!signer.ok()) return signer.error();
  return {};
}

Status execute_tx(const ExecEnv& env, StateOverlay& state, const DecodedTx& tx,
                  const BlockContext& ctx, std::uint32_t index, std::vector<IndexWrite>* indexes) {
  state.begin_tx();
  auto result = [&]() -> Status {
    const auto& body = tx.body;
    RL_ASSIGN_OR_RETURN(Signer signer, check_envelope(env, state, tx, ctx));
    record_nonce(state, body.signer(), body.nonce(), body.expires_at_height());
    switch (body.payload_case()) {
      case pb::TxBody::kRegisterOrganization:
        return exec_register_org(signer, state, body.register_organization(), ctx);
      case pb::TxBody::kRegisterAccount:
        return exec_register_account(signer, state, body.register_account(), ctx);
      case pb::TxBody::kBindCertificate:
        return exec_bind_certificate(env, signer, state, body.bind_certificate(), ctx);
      case pb::TxBody::kSubmitReport:
        return exec_submit_report(env, signer, state, tx, ctx, index, indexes);
      case pb::TxBody::kRevokeCertificate:
        return exec_revoke_certificate(env, signer, state, body.revoke_certificate(), ctx);
      case pb::TxBody::kSuspendAccount:
        return exec_suspend_account(signer, state, body.suspend_account(), ctx);
      case pb::TxBody::kPropose:
        return exec_propose(env, signer, state, body.propose(), ctx);
      case pb::TxBody::kApprove:
        return exec_approve(env, signer, state, body.approve(), ctx);
      case pb::TxBody::kRegisterDevice:
        return exec_register_device(env, signer, state, body.register_device(), ctx);
      case pb::TxBody::kLoadDevice:
        return exec_load_device(env, signer, state, body.load_device(), ctx);
      case pb::TxBody::kSettleVouchers:
        return exec_settle_vouchers(env, signer, state, body.settle_vouchers(), ctx);
      case pb::TxBody::kSetSealedReportPolicy:
        return exec_set_sealed_report_policy(signer, state, body.set_sealed_report_policy(), ctx);
      case pb::TxBody::kReviewReport:
        return exec_review_report(signer, state, body.review_report(), ctx, indexes);
      case pb::TxBody::kGrantFilingExtension:
        return exec_grant_filing_extension(signer, state, body.grant_filing_extension(), ctx);
      case pb::TxBody::kStoreReportChunk:
        return exec_store_report_chunk(env, signer, state, body.store_report_chunk(), ctx);
      case pb::TxBody::PAYLOAD_NOT_SET:
        break;
    }
    return make_error("unknown_payload", "unknown payload type");
  }();
  if (result.ok()) {
    state.commit_tx();
  } else {
    state.abort_tx();
  }
  return result;
}

Status apply_genesis(const Genesis& g, const TrustAnchor& anchor, StateOverlay& state) {
  state.begin_tx();
  for (const auto& o : g.organizations) {
    pb::OrganizationRecord rec;
    rec.set_org_id(o.id);
    rec.set_name(o.name);
    rec.set_kind(o.kind);
    state.put(keys::org(o.id), encode(rec));
  }
  for (const auto& a : g.accounts) {
    auto perm = parse_permission_code(a.permission_code);
    if (!perm.ok())
      return make_error("bad_genesis", "account " + a.id + ": " + perm.error().message);
    pb::AccountRecord rec;
    rec.set_account_id(a.id);
    rec.set_org_id(a.org);
    rec.set_role(a.role);
    rec.set_permission_code(a.permission_code);
    rec.set_department(a.department);
    auto* c = rec.mutable_credential();
    c->set_salt(to_string(a.credential.salt));
    c->set_hash(to_string(a.credential.hash));
    c->set_n(a.credential.n);
    c->set_r(a.credential.r);
    c->set_p(a.credential.p);
    rec.set_active(true);
    state.put(keys::account(a.id), encode(rec));
    for (const auto& pem : a.certificate_pems) {
      auto cert = crypto::Certificate::from_pem(pem);
      if (!cert.ok()) return make_error("bad_genesis", "account " + a.id + " certificate");
      google::protobuf::RepeatedPtrField<std::string> no_chain;
      auto crec = certificate_record(anchor, anchor.roots, a.id, to_string(cert->to_der()),
                                     no_chain, g.genesis_time_ms);
      if (!crec.ok())
        return make_error("bad_genesis", "account " + a.id + ": " + crec.error().message);
      put_certificate(state, *crec);
    }
  }
  for (const auto& t : g.templates) {
    state.put(keys::tmpl(t.id), encode(template_record(template_definition(t), 1, 0)));
  }
  Bytes mapping(100);
  for (std::size_t i = 0; i < 100; ++i)
    mapping[i] = static_cast<std::uint8_t>(g.permission_mapping[i]);
  state.put(keys::permission_mapping(), mapping);
  if (!g.key_services.empty()) {
    pb::KeyServiceRegistry registry;
    for (const auto& k : g.key_services) {
      auto key = crypto::PublicKey::from_pem(k.public_key_pem);
      if (!key.ok()) return make_error("bad_genesis", "key service " + k.name + " public key");
      const Bytes der = key->to_der();
      auto* rec = registry.add_services();
      rec->set_name(k.name);
      rec->set_org_id(k.org);
      rec->set_public_key_der(to_string(der));
      rec->set_key_id(to_string(sealing::key_id(anchor.suite, der)));
      rec->set_api_url(k.api_url);
      rec->set_active(true);
    }
    state.put(keys::key_services(), encode(registry));
  }

  RL_ASSIGN_OR_RETURN(auto threshold, effective_governance_threshold(g));
  pb::GovernanceRecord gov;
  gov.set_threshold(threshold);
  for (const auto& o : g.organizations) {
    if (o.kind == "regulator") gov.add_regulator_orgs(o.id);
  }
  state.put(keys::governance(), encode(gov));
  state.commit_tx();
  return {};
}

}  // namespace rl::ledger
