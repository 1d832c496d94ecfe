// RegisterDevice and LoadDevice (docs/offline.md "On the ledger"): a device's certificate is
// recorded against its owner organization, and value moves from that organization's balance onto
// the device as an issuer-signed root voucher.

#include "crypto/hash.hpp"
#include "ledger/exec_offline.hpp"
#include "ledger/state_keys.hpp"
#include "ledger/value_ledger.hpp"
#include "offline/root_voucher.hpp"

namespace rl::ledger::exec {

Status require_offline(const ExecEnv& env) {
  if (env.anchor.offline_issuer_keys.empty()) {
    return make_error("offline_disabled", "this network's genesis has no offline section");
  }
  return {};
}

offline::TrustAnchors device_trust(const ExecEnv& env) {
  return offline::TrustAnchors{env.anchor.roots, {}};
}

Result<pb::DeviceRecord> load_device(const StateOverlay& state, const std::string& device_id) {
  RL_TRY(check_device_id(device_id));
  RL_ASSIGN_OR_RETURN(auto rec, load<pb::DeviceRecord>(state, keys::device(device_id)));
  if (!rec) return make_error("unknown_device", "device " + device_id + " is not registered");
  return std::move(*rec);
}

Status exec_register_device(const ExecEnv& env, const Signer& s, StateOverlay& state,
                            const pb::RegisterDevice& p, const BlockContext& ctx) {
  RL_TRY(require_offline(env));
  RL_TRY(check_device_id(p.device_id()));
  if (!valid_id(p.owner_org())) return make_error("bad_field", "owner_org");
  if (!is_org_admin(s, p.owner_org()) && !is_regulator_admin(s)) {
    return denied("a device is registered by an admin of its owner organization or a regulator");
  }
  RL_ASSIGN_OR_RETURN(auto org, state.get(keys::org(p.owner_org())));
  if (!org) return make_error("not_found", "organization " + p.owner_org() + " is unknown");
  RL_ASSIGN_OR_RETURN(auto existing, state.get(keys::device(p.device_id())));
  if (existing) return make_error("device_exists", "device " + p.device_id() + " is registered");
  const auto& limits = env.anchor.offline_limits;
  if (static_cast<std::size_t>(p.chain_der_size()) > limits.max_intermediates) {
    return make_error("bad_certificate", "too many intermediate certificates");
  }
  regledger::offline::v1::CertChain chain;
  chain.set_leaf(p.certificate_der());
  for (const auto& der : p.chain_der()) chain.add_intermediates(der);
  // Same chain rules as a receiving device and the settlement check (offline/identity.hpp).
  RL_ASSIGN_OR_RETURN(auto verified,
                      offline::verify_device_chain(env.anchor.suite, device_trust(env), chain,
                                                   p.device_id(), ctx.time_ms / 1000, limits));
  pb::DeviceRecord rec;
  rec.set_device_id(p.device_id());
  rec.set_owner_org(p.owner_org());
  rec.set_cert_id(to_string(verified.cert_id));
  rec.set_certificate_der(p.certificate_der());
  for (const auto& der : p.chain_der()) rec.add_chain_der(der);
  rec.set_status(std::string(kDeviceActive));
  rec.set_registered_height(ctx.height);
  rec.set_registered_by(s.account.account_id());
  state.put(keys::device(p.device_id()), encode(rec));
  return {};
}

Status exec_load_device(const ExecEnv& env, const Signer& s, StateOverlay& state,
                        const pb::LoadDevice& p, const BlockContext& ctx) {
  RL_TRY(require_offline(env));
  RL_ASSIGN_OR_RETURN(auto dev, load_device(state, p.device_id()));
  if (!is_org_admin(s, dev.owner_org())) {
    return denied("a device is loaded by an admin of its owner organization");
  }
  if (dev.status() != kDeviceActive) {
    return make_error("device_revoked", "device " + p.device_id() + " is revoked");
  }
  const auto& limits = env.anchor.offline_limits;
  RL_ASSIGN_OR_RETURN(auto root,
                      offline::verify_root_voucher(env.anchor.suite, env.anchor.offline_issuer_keys,
                                                   as_bytes(p.root_voucher()), limits));
  if (root.body.device_id() != p.device_id()) {
    return make_error("wrong_device", "the root voucher names device " + root.body.device_id());
  }
  if (root.body.amount() > limits.balance_cap) {
    return make_error("cap_exceeded", "a load is at most the offline balance cap " +
                                          std::to_string(limits.balance_cap));
  }
  const std::int64_t now = ctx.time_ms / 1000;
  if (root.body.expiry() <= now) return make_error("voucher_expired", "the root voucher expired");
  if (root.body.expiry() - now > limits.max_voucher_lifetime) {
    return make_error("bad_voucher", "the root voucher expires later than the network allows");
  }
  const Bytes root_key = keys::offline_root(root.hash);
  RL_ASSIGN_OR_RETURN(auto loaded, state.get(root_key));
  if (loaded) return make_error("root_already_loaded", "this root voucher was loaded before");
  RL_TRY(value::load_onto_device(state, dev.owner_org(), root.body.amount(), ctx.height));
  pb::OfflineRootRecord rec;
  rec.set_device_id(p.device_id());
  rec.set_owner_org(dev.owner_org());
  rec.set_amount(root.body.amount());
  rec.set_expiry(root.body.expiry());
  rec.set_serial(root.body.serial());
  rec.set_height(ctx.height);
  state.put(root_key, encode(rec));
  return {};
}

}  // namespace rl::ledger::exec
