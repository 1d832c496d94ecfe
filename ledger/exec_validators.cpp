// Governance actions that change the validator set (decision 0041): add a validator, remove
// one, change one's power. Checked when proposed and again when executed (check_action /
// execute_action in exec_governance.cpp). Execution in block h writes the new set as the
// history entry effective at h + 2 (the consensus core's contract, decision 0007), so blocks h
// and h + 1 are still made by the old set and block h + 1 announces the new one in its
// next_validators_hash.
//
// One change at a time: while a scheduled set is not yet in force, another change is refused
// (validator_change_pending). It keeps "the set before a change" equal to "the set that commits
// the block announcing it", which is what receipts' handoff chains rely on.

#include <algorithm>
#include <set>

#include "ledger/exec_internal.hpp"
#include "ledger/validator_sets.hpp"

namespace rl::ledger::exec {
namespace {

constexpr std::uint64_t kMaxPower = limits::kMaxValidatorSetPower;
constexpr std::size_t kMaxAddressBytes = 256;

Error field(const std::string& why) {
  return make_error("bad_field", why);
}

// Index of the member named / keyed by (name, key_der) in `members`.
Result<std::size_t> find_member(const std::vector<pb::ValidatorInfo>& members,
                                const std::string& name, const std::string& key_der) {
  if (name.empty() == key_der.empty()) {
    return field("name a validator by exactly one of name or public_key_der");
  }
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (!name.empty() && members[i].name() == name) return i;
    if (!key_der.empty()) {
      auto key = member_key(members[i]);
      if (key.ok() && to_string(key->to_der()) == key_der) return i;
    }
  }
  return make_error("validator_not_found",
                    "no validator " + (name.empty() ? std::string("with that key") : name) +
                        " in the current set");
}

Status check_new_member(const ExecEnv& env, const std::vector<pb::ValidatorInfo>& members,
                        const pb::ValidatorInfo& v, const BlockContext& ctx) {
  if (!valid_id(v.name())) return field("validator name must be 1-64 of [A-Za-z0-9._-]");
  if (v.power() == 0 || v.power() > kMaxPower) {
    return field("validator power must be 1-" + std::to_string(kMaxPower));
  }
  if (v.p2p_address().empty() || v.p2p_address().size() > kMaxAddressBytes ||
      v.p2p_address().find(':') == std::string::npos) {
    return field("p2p_address must be host:port");
  }
  if (v.api_url().size() > kMaxAddressBytes) return field("api_url is too long");
  if (v.certificate_der().empty() || v.certificate_der().size() > limits::kMaxCertificateBytes) {
    return make_error("bad_certificate", "node certificate must be 1 byte - 8 KiB of DER");
  }
  if (static_cast<std::size_t>(v.chain_der_size()) > limits::kMaxChainCertificates) {
    return make_error("bad_certificate", "at most 4 chain certificates");
  }
  auto cert = crypto::Certificate::from_der(as_bytes(v.certificate_der()));
  if (!cert.ok()) return make_error("bad_certificate", "node certificate: " + cert.error().message);
  if (cert->public_key().suite() != env.anchor.suite) {
    return make_error("bad_certificate", "the node key is not of the network's suite");
  }
  // The signing certificate must chain to a genesis root, as the genesis validators' do.
  std::vector<crypto::Certificate> intermediates = env.anchor.intermediates;
  for (const auto& der : v.chain_der()) {
    auto c = crypto::Certificate::from_der(as_bytes(der));
    if (!c.ok()) return make_error("bad_certificate", "chain certificate does not decode");
    intermediates.push_back(std::move(c).value());
  }
  auto chained =
      crypto::verify_chain(*cert, intermediates, env.anchor.roots, {}, ctx.time_ms / 1000);
  if (!chained.ok()) {
    return make_error("bad_certificate", "node certificate: " + chained.error().message);
  }
  // The transport certificate (sm2-sm3 networks, decision 0033) comes from the separate TLS CA
  // that genesis does not list, exactly like genesis validators' tls_certificate: parsed, not
  // chained here; the P2P handshake chains it to the node's ca.pem.
  Bytes tls_spki;
  if (!v.tls_certificate_der().empty()) {
    if (v.tls_certificate_der().size() > limits::kMaxCertificateBytes) {
      return make_error("bad_certificate", "tls certificate is larger than 8 KiB");
    }
    auto tls = crypto::Certificate::from_der(as_bytes(v.tls_certificate_der()));
    if (!tls.ok()) return make_error("bad_certificate", "tls certificate: " + tls.error().message);
    tls_spki = tls->public_key().to_der();
  } else if (env.anchor.suite == crypto::Suite::kSm2Sm3) {
    return make_error("bad_certificate",
                      "sm2-sm3 networks need a P-256 tls_certificate for the validator");
  }
  // Names and keys must be unique across validators and observers: consensus identifies a
  // validator by its signing key, the P2P layer a node by its transport key.
  const Bytes key = cert->public_key().to_der();
  std::vector<Bytes> new_keys = {key};
  if (!tls_spki.empty()) new_keys.push_back(tls_spki);
  auto taken = [&](const Bytes& k) {
    return std::find(new_keys.begin(), new_keys.end(), k) != new_keys.end();
  };
  for (std::size_t i = 0; i < env.anchor.observer_names.size(); ++i) {
    if (env.anchor.observer_names[i] == v.name()) {
      return make_error("duplicate_validator", "an observer is named " + v.name());
    }
    if (i < env.anchor.observer_keys.size() && !env.anchor.observer_keys[i].empty() &&
        taken(env.anchor.observer_keys[i])) {
      return make_error("duplicate_validator",
                        "observer " + env.anchor.observer_names[i] + " has this key");
    }
  }
  for (const auto& m : members) {
    if (m.name() == v.name()) {
      return make_error("duplicate_validator", "a validator is already named " + v.name());
    }
    RL_ASSIGN_OR_RETURN(auto mk, member_key(m));
    bool dup = taken(mk.to_der());
    if (!dup && !m.tls_certificate_der().empty()) {
      auto mt = crypto::Certificate::from_der(as_bytes(m.tls_certificate_der()));
      dup = mt.ok() && taken(mt->public_key().to_der());
    }
    if (dup) {
      return make_error("duplicate_validator", "validator " + m.name() + " already has this key");
    }
  }
  return {};
}

// The set that results from applying `p` to `current`, validated as a whole.
Result<std::vector<pb::ValidatorInfo>> apply_change(const ExecEnv& env,
                                                    std::vector<pb::ValidatorInfo> members,
                                                    const pb::Propose& p, const BlockContext& ctx) {
  switch (p.action_case()) {
    case pb::Propose::kAddValidator: {
      if (members.size() >= limits::kMaxValidators) {
        return make_error("too_many_validators", "the validator set is limited to " +
                                                     std::to_string(limits::kMaxValidators));
      }
      RL_TRY(check_new_member(env, members, p.add_validator().validator(), ctx));
      members.push_back(p.add_validator().validator());
      break;
    }
    case pb::Propose::kRemoveValidator: {
      const auto& r = p.remove_validator();
      RL_ASSIGN_OR_RETURN(auto i, find_member(members, r.name(), r.public_key_der()));
      if (members.size() == 1) {
        return make_error("last_validator", "removing the only validator would stop the chain");
      }
      members.erase(members.begin() + static_cast<std::ptrdiff_t>(i));
      break;
    }
    case pb::Propose::kSetValidatorPower: {
      const auto& s = p.set_validator_power();
      if (s.power() == 0 || s.power() > kMaxPower) {
        return field("validator power must be 1-" + std::to_string(kMaxPower) +
                     " (remove a validator to take its power away)");
      }
      RL_ASSIGN_OR_RETURN(auto i, find_member(members, s.name(), s.public_key_der()));
      if (members[i].power() == s.power()) {
        return field("validator " + members[i].name() + " already has power " +
                     std::to_string(s.power()));
      }
      members[i].set_power(s.power());
      break;
    }
    default:
      return field("not a validator-set action");
  }
  std::uint64_t total = 0;
  for (const auto& m : members) total += m.power();
  if (total > kMaxPower) {
    return make_error("too_much_power", "the set's total power would be " + std::to_string(total) +
                                            "; at most " + std::to_string(kMaxPower));
  }
  return members;
}

Result<ValidatorSetEntry> pending_checked_latest(const ExecEnv& env, const StateOverlay& state,
                                                 const BlockContext& ctx) {
  RL_ASSIGN_OR_RETURN(auto latest, latest_validator_set(env.anchor, state));
  if (latest.effective_height > ctx.height) {
    return make_error("validator_change_pending", "a validator-set change takes effect at height " +
                                                      std::to_string(latest.effective_height) +
                                                      "; propose the next one after that");
  }
  return latest;
}

}  // namespace

Status check_validator_action(const ExecEnv& env, const StateOverlay& state, const pb::Propose& p,
                              const BlockContext& ctx) {
  RL_ASSIGN_OR_RETURN(auto latest, pending_checked_latest(env, state, ctx));
  RL_TRY(apply_change(env, std::move(latest.members), p, ctx));
  return {};
}

Status execute_validator_action(const ExecEnv& env, StateOverlay& state, const pb::Propose& p,
                                const BlockContext& ctx) {
  RL_ASSIGN_OR_RETURN(auto latest, pending_checked_latest(env, state, ctx));
  RL_ASSIGN_OR_RETURN(auto members, apply_change(env, latest.members, p, ctx));
  pb::ValidatorSetRecord rec;
  rec.set_effective_height(ctx.height + 2);
  // The genesis set has no history entry: 0 names it.
  rec.set_previous_effective_height(latest.effective_height > 1 ? latest.effective_height : 0);
  for (auto& m : members) *rec.add_validators() = std::move(m);
  rec.set_proposal_id(p.proposal_id());
  rec.set_decided_height(ctx.height);
  state.put(keys::valset(rec.effective_height()), encode(rec));
  Bytes latest_key(8);
  for (std::size_t i = 0; i < 8; ++i) {
    latest_key[i] = static_cast<std::uint8_t>(rec.effective_height() >> (56 - 8 * i));
  }
  state.put(keys::valset_latest(), std::move(latest_key));
  return {};
}

}  // namespace rl::ledger::exec
