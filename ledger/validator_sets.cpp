#include "ledger/validator_sets.hpp"

#include <algorithm>

#include "ledger/exec_internal.hpp"

namespace rl::ledger {
namespace keys {

Bytes valset(std::uint64_t effective_height) {
  static constexpr std::string_view kPrefix = "valset/";
  // Sized up front (GCC 12 -O3 false positives with to_bytes + insert).
  Bytes k(kPrefix.size() + 8);
  std::copy(kPrefix.begin(), kPrefix.end(), k.begin());
  for (std::size_t i = 0; i < 8; ++i) {
    k[kPrefix.size() + i] = static_cast<std::uint8_t>(effective_height >> (56 - 8 * i));
  }
  return k;
}

Bytes valset_latest() {
  return to_bytes("param/valset_latest");
}

}  // namespace keys

namespace {

Error corrupt(const std::string& why) {
  return make_error("state_corrupt", why);
}

Result<ValidatorSetEntry> entry_of(crypto::Suite suite, const pb::ValidatorSetRecord& rec) {
  ValidatorSetEntry e;
  e.effective_height = rec.effective_height();
  e.previous_effective_height = rec.previous_effective_height();
  e.members.assign(rec.validators().begin(), rec.validators().end());
  auto k = validator_keys_of(suite, e.members);
  if (!k.ok())
    return corrupt("validator set at " + std::to_string(e.effective_height) + ": " +
                   k.error().message);
  e.keys = std::move(k).value();
  return e;
}

Result<std::optional<pb::ValidatorSetRecord>> load_record(const StateOverlay& state,
                                                          std::uint64_t effective_height) {
  return exec::load<pb::ValidatorSetRecord>(state, keys::valset(effective_height));
}

Result<std::uint64_t> latest_height(const StateOverlay& state) {
  RL_ASSIGN_OR_RETURN(auto raw, state.get(keys::valset_latest()));
  if (!raw) return std::uint64_t{0};
  if (raw->size() != 8) return corrupt("param/valset_latest is not a u64");
  std::uint64_t h = 0;
  for (auto b : *raw) h = (h << 8) | b;
  return h;
}

}  // namespace

Result<crypto::PublicKey> member_key(const pb::ValidatorInfo& v) {
  auto cert = crypto::Certificate::from_der(as_bytes(v.certificate_der()));
  if (!cert.ok()) {
    return make_error("bad_certificate",
                      "validator " + v.name() + " certificate: " + cert.error().message);
  }
  return cert->public_key();
}

Result<ValidatorKeys> validator_keys_of(crypto::Suite suite,
                                        const std::vector<pb::ValidatorInfo>& members) {
  std::vector<crypto::PublicKey> keys;
  std::vector<std::uint64_t> powers;
  for (const auto& m : members) {
    RL_ASSIGN_OR_RETURN(auto key, member_key(m));
    if (key.suite() != suite) {
      return make_error("bad_certificate", "validator " + m.name() + " key is of another suite");
    }
    keys.push_back(std::move(key));
    powers.push_back(m.power());
  }
  return make_validator_keys(suite, std::move(keys), powers);
}

Result<ValidatorSetEntry> genesis_validator_set(const TrustAnchor& anchor) {
  ValidatorSetEntry e;
  for (const auto& gv : anchor.genesis_validators) {
    pb::ValidatorInfo v;
    v.set_name(gv.name);
    auto cert = crypto::Certificate::from_pem(gv.certificate_pem);
    if (!cert.ok()) return make_error("bad_genesis", "validator " + gv.name + " certificate");
    v.set_certificate_der(to_string(cert->to_der()));
    v.set_power(gv.power);
    v.set_p2p_address(gv.p2p_address);
    v.set_api_url(gv.api_url);
    if (!gv.tls_certificate_pem.empty()) {
      auto tls = crypto::Certificate::from_pem(gv.tls_certificate_pem);
      if (!tls.ok()) return make_error("bad_genesis", "validator " + gv.name + " tls certificate");
      v.set_tls_certificate_der(to_string(tls->to_der()));
    }
    e.members.push_back(std::move(v));
  }
  e.keys = anchor.genesis_keys;
  return e;
}

Result<std::uint64_t> latest_validator_set_height(const StateOverlay& state) {
  RL_ASSIGN_OR_RETURN(auto latest, latest_height(state));
  return latest == 0 ? std::uint64_t{1} : latest;
}

Result<ValidatorSetEntry> latest_validator_set(const TrustAnchor& anchor,
                                               const StateOverlay& state) {
  RL_ASSIGN_OR_RETURN(auto latest, latest_height(state));
  if (latest == 0) return genesis_validator_set(anchor);
  RL_ASSIGN_OR_RETURN(auto rec, load_record(state, latest));
  if (!rec) return corrupt("param/valset_latest names a missing validator set");
  return entry_of(anchor.suite, *rec);
}

namespace {
// The history entry in force at `height`, or nullopt for the genesis set.
Result<std::optional<pb::ValidatorSetRecord>> record_at(const StateOverlay& state,
                                                        std::uint64_t height) {
  RL_ASSIGN_OR_RETURN(auto eff, latest_height(state));
  // Walk back from the newest change to the one in force at `height`; changes are rare, and the
  // common case (height at or above the newest change) is one read.
  while (eff != 0) {
    RL_ASSIGN_OR_RETURN(auto rec, load_record(state, eff));
    if (!rec) return corrupt("validator set history names a missing entry");
    if (rec->effective_height() <= height) return rec;
    if (rec->previous_effective_height() >= eff) return corrupt("validator set history loops");
    eff = rec->previous_effective_height();
  }
  return std::optional<pb::ValidatorSetRecord>();
}
}  // namespace

Result<ValidatorSetEntry> validator_set_at(const TrustAnchor& anchor, const StateOverlay& state,
                                           std::uint64_t height) {
  RL_ASSIGN_OR_RETURN(auto rec, record_at(state, height));
  if (!rec) return genesis_validator_set(anchor);
  return entry_of(anchor.suite, *rec);
}

Result<ValidatorKeys> validator_keys_at(const TrustAnchor& anchor, const StateOverlay& state,
                                        std::uint64_t height) {
  RL_ASSIGN_OR_RETURN(auto rec, record_at(state, height));
  if (!rec) return anchor.genesis_keys;
  RL_ASSIGN_OR_RETURN(auto e, entry_of(anchor.suite, *rec));
  return std::move(e.keys);
}

Result<std::vector<pb::ValidatorSetRecord>> validator_set_changes(const StateOverlay& state) {
  std::vector<pb::ValidatorSetRecord> out;
  RL_ASSIGN_OR_RETURN(auto eff, latest_height(state));
  while (eff != 0) {
    RL_ASSIGN_OR_RETURN(auto rec, load_record(state, eff));
    if (!rec) return corrupt("validator set history names a missing entry");
    if (rec->previous_effective_height() >= eff) return corrupt("validator set history loops");
    eff = rec->previous_effective_height();
    out.push_back(std::move(*rec));
  }
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace rl::ledger
