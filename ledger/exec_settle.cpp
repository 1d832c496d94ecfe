// SettleVouchers (docs/offline.md "Settlement and double spends"): every validator runs the pure
// settlement check (offline/settlement_check.hpp) with the genesis issuer keys and the master
// MAC key, then compares what the provenance consumed and counted with what earlier settlements
// recorded. A conflict is a double spend: its proof (both signed hops) is recorded, the spending
// device is revoked, and what the holder is credited out of the double-spent branch is charged to
// the spender's owner organization instead of the value on devices, so conservation holds.

#include <algorithm>
#include <map>
#include <set>

#include "ledger/exec_offline.hpp"
#include "ledger/state_keys.hpp"
#include "ledger/value_ledger.hpp"
#include "offline/codec.hpp"
#include "offline/ids.hpp"

namespace rl::ledger::exec {
namespace {

namespace opb = regledger::offline::v1;

// off_out/ value of an output credited by a settlement (no hop hash is this short).
constexpr std::string_view kSettledMarker = "settled";

// Hop bytes by hop hash, for the proofs and off_hop/. Runs after check_settlement accepted the
// same bytes, so a decode failure here is a bug, not bad input.
Result<std::map<Bytes, Bytes>> hops_by_hash(crypto::Suite suite, ByteView provenance,
                                            const offline::Limits& limits) {
  RL_ASSIGN_OR_RETURN(
      auto prov, offline::decode<opb::Provenance>(provenance, limits.max_state_bytes, "bad_voucher",
                                                  "provenance"));
  std::map<Bytes, Bytes> out;
  for (const auto& raw : prov.hops()) {
    RL_ASSIGN_OR_RETURN(auto hop, offline::decode<opb::Hop>(as_bytes(raw), limits.max_message_bytes,
                                                            "bad_voucher", "hop"));
    out.emplace(offline::hop_hash(suite, as_bytes(hop.body())), to_bytes(raw));
  }
  return out;
}

struct Recorded {
  std::vector<pb::DoubleSpendRecord> proofs;
  std::map<Bytes, std::string> culprit;  // double-spending hop -> the device charged for it
};

// Records what this provenance consumed and counted where nothing was recorded yet, and returns
// every conflict with an earlier settlement.
Result<Recorded> record_spends(StateOverlay& state, const offline::SettlementReport& report,
                               const std::map<Bytes, std::string>& sender,
                               const BlockContext& ctx) {
  Recorded out;
  auto proof = [&](std::string kind, const std::string& device, const Bytes& first,
                   const Bytes& second) {
    pb::DoubleSpendRecord r;
    r.set_kind(std::move(kind));
    r.set_device_id(device);
    r.set_first_hop_hash(to_string(first));
    r.set_second_hop_hash(to_string(second));
    r.set_height(ctx.height);
    return r;
  };
  for (const auto& c : report.consumed) {
    const Bytes key = keys::offline_consumed(c.output_id);
    RL_ASSIGN_OR_RETURN(auto first, state.get(key));
    if (!first) {
      state.put(key, c.hop_hash);
    } else if (*first != c.hop_hash) {
      const std::string& device = sender.at(c.hop_hash);
      auto r = proof("output_spent_twice", device, *first, c.hop_hash);
      r.set_output_id(to_string(c.output_id));
      out.proofs.push_back(std::move(r));
      out.culprit.emplace(c.hop_hash, device);
    }
  }
  for (const auto& c : report.counters) {
    const Bytes key = keys::offline_counter(c.device_id, c.counter);
    RL_ASSIGN_OR_RETURN(auto first, state.get(key));
    if (!first) {
      state.put(key, c.hop_hash);
    } else if (*first != c.hop_hash) {
      // A rollback proof; it moves no value by itself, so nothing is charged for it alone.
      auto r = proof("counter_reused", c.device_id, *first, c.hop_hash);
      r.set_counter(c.counter);
      out.proofs.push_back(std::move(r));
    }
  }
  return out;
}

// A hop that spends an output of a double-spending hop (or of its descendants) carries value
// that was spent twice: the whole hop is charged to the first culprit found. Provenance order
// puts every input before its spender, so one pass suffices.
void propagate_taint(const offline::SettlementReport& report,
                     std::map<Bytes, std::string>& culprit) {
  std::map<Bytes, Bytes> source_of;
  for (const auto& o : report.created) source_of.emplace(o.output_id, o.source_hash);
  std::map<Bytes, std::vector<Bytes>> inputs_of;
  for (const auto& c : report.consumed) inputs_of[c.hop_hash].push_back(c.output_id);
  for (const auto& h : report.hop_hashes) {
    if (culprit.count(h)) continue;
    for (const auto& in : inputs_of[h]) {
      auto it = culprit.find(source_of[in]);
      if (it != culprit.end()) {
        culprit.emplace(h, it->second);
        break;
      }
    }
  }
}

Status store_proofs(StateOverlay& state, std::vector<pb::DoubleSpendRecord>& proofs,
                    const std::map<Bytes, Bytes>& hops, const BlockContext& ctx) {
  for (auto& r : proofs) {
    const Bytes first = to_bytes(r.first_hop_hash());
    const Bytes second = to_bytes(r.second_hop_hash());
    RL_ASSIGN_OR_RETURN(auto first_bytes, state.get(keys::offline_hop(first)));
    if (first_bytes) r.set_first_hop(to_string(*first_bytes));
    r.set_second_hop(to_string(hops.at(second)));
    const std::string what = r.kind() == "counter_reused" ? "ctr-" + std::to_string(r.counter())
                                                          : to_hex(as_bytes(r.output_id()));
    const Bytes key = keys::offline_double_spend(second, what);
    state.put(key, encode(r));
    RL_ASSIGN_OR_RETURN(auto dev, load_device(state, r.device_id()));
    if (dev.status() == kDeviceActive) {
      dev.set_status(std::string(kDeviceRevoked));
      dev.set_revoke_reason("double_spend");
      dev.set_revoke_proof(to_string(key));
      dev.set_revoked_height(ctx.height);
      state.put(keys::device(r.device_id()), encode(dev));
    }
  }
  return {};
}

// Credits the holder's unspent outputs not settled before. Untainted value comes back from the
// devices; tainted value is moved from the culprit's owner organization, as far as its balance
// goes (balances never go negative; the rest is recorded as unrecovered).
Result<std::size_t> credit_holder(StateOverlay& state, const pb::DeviceRecord& holder,
                                  const offline::SettlementReport& report,
                                  const std::map<Bytes, std::string>& culprit,
                                  const BlockContext& ctx) {
  std::size_t credited = 0;
  for (const auto& o : report.unspent) {
    if (o.owner_device_id != holder.device_id()) continue;
    const Bytes key = keys::offline_settled(o.output_id);
    RL_ASSIGN_OR_RETURN(auto done, state.get(key));
    if (done) continue;
    pb::SettledOutputRecord r;
    r.set_holder_device_id(holder.device_id());
    r.set_credited_org(holder.owner_org());
    r.set_amount(o.amount);
    r.set_height(ctx.height);
    auto it = culprit.find(o.source_hash);
    if (it == culprit.end()) {
      RL_TRY(value::settle_from_devices(state, holder.owner_org(), o.amount, ctx.height));
      r.set_credited(o.amount);
    } else {
      RL_ASSIGN_OR_RETURN(auto spender, load_device(state, it->second));
      RL_ASSIGN_OR_RETURN(auto available, value::balance(state, spender.owner_org()));
      const std::int64_t covered = std::min(o.amount, available);
      if (covered > 0) {
        RL_TRY(
            value::transfer(state, spender.owner_org(), holder.owner_org(), covered, ctx.height));
      }
      r.set_charged_org(spender.owner_org());
      r.set_credited(covered);
      r.set_unrecovered(o.amount - covered);
    }
    state.put(key, encode(r));
    // The device still holds the coin after settling (there is no device-side "settled" step):
    // marking it consumed makes a later hop that spends it a double spend like any other.
    state.put(keys::offline_consumed(o.output_id), to_bytes(kSettledMarker));
    ++credited;
  }
  return credited;
}

}  // namespace

Status exec_settle_vouchers(const ExecEnv& env, const Signer& s, StateOverlay& state,
                            const pb::SettleVouchers& p, const BlockContext& ctx) {
  RL_TRY(require_offline(env));
  if (!env.offline_master_key || env.offline_master_key->empty()) {
    return make_error("offline_disabled", "this node holds no offline master key");
  }
  RL_ASSIGN_OR_RETURN(auto holder, load_device(state, p.device_id()));
  if (holder.owner_org() != s.account.org_id()) {
    return denied("a device is settled by an account of its owner organization");
  }
  if (holder.status() != kDeviceActive) {
    return make_error("device_revoked", "device " + p.device_id() + " is revoked");
  }
  const auto& limits = env.anchor.offline_limits;
  const offline::SettlementContext sc{
      env.anchor.suite, device_trust(env), env.anchor.offline_issuer_keys, *env.offline_master_key,
      limits,           env.offline_memo};
  RL_ASSIGN_OR_RETURN(auto report, offline::check_settlement(sc, as_bytes(p.provenance())));
  for (const auto& root : report.root_hashes) {
    RL_ASSIGN_OR_RETURN(auto loaded, state.get(keys::offline_root(root)));
    if (!loaded) return make_error("root_not_loaded", "a root voucher was never loaded");
  }
  std::map<Bytes, std::string> sender;
  std::set<std::string> senders;
  for (const auto& c : report.counters) {
    sender.emplace(c.hop_hash, c.device_id);
    senders.insert(c.device_id);
  }
  for (const auto& d : senders) RL_TRY(load_device(state, d));

  RL_ASSIGN_OR_RETURN(auto hops, hops_by_hash(env.anchor.suite, as_bytes(p.provenance()), limits));
  RL_ASSIGN_OR_RETURN(auto rec, record_spends(state, report, sender, ctx));
  propagate_taint(report, rec.culprit);
  RL_ASSIGN_OR_RETURN(auto credited, credit_holder(state, holder, report, rec.culprit, ctx));
  if (credited == 0 && rec.proofs.empty()) {
    return make_error("already_settled", "nothing in this provenance is left to settle");
  }
  RL_TRY(store_proofs(state, rec.proofs, hops, ctx));
  for (const auto& [hash, bytes] : hops) {
    const Bytes key = keys::offline_hop(hash);
    RL_ASSIGN_OR_RETURN(auto have, state.get(key));
    if (!have) state.put(key, bytes);
  }
  return {};
}

}  // namespace rl::ledger::exec
