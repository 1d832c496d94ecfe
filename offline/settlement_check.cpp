#include "offline/settlement_check.hpp"

#include <map>

#include "offline/codec.hpp"

namespace rl::offline {

Result<SettlementReport> check_settlement(const SettlementContext& ctx, ByteView provenance) {
  RL_ASSIGN_OR_RETURN(regledger::offline::v1::Provenance prov,
                      decode<regledger::offline::v1::Provenance>(
                          provenance, ctx.limits.max_state_bytes, err::kBadVoucher, "provenance"));
  if (ctx.issuer_master_key.empty()) {
    return fail(err::kBadMac, "settlement needs the issuer master key");
  }
  const ChainContext chain{ctx.suite,  ctx.trust, ctx.issuer_keys, ctx.issuer_master_key,
                           ctx.limits, ctx.memo};
  RL_ASSIGN_OR_RETURN(ChainFacts facts, verify_provenance(chain, prov));
  SettlementReport r;
  r.root_hashes = std::move(facts.root_hashes);
  r.created = std::move(facts.created);
  r.consumed = std::move(facts.consumed);
  r.counters = std::move(facts.counters);
  r.unspent = std::move(facts.unspent);
  for (const VerifiedHop& h : facts.hops) r.hop_hashes.push_back(h.hash);
  return r;
}

std::vector<Conflict> find_conflicts(const std::vector<SettlementReport>& reports) {
  std::vector<Conflict> out;
  std::map<Bytes, const ConsumedOutput*> spent;
  std::map<std::pair<std::string, std::uint64_t>, const CounterUse*> counters;
  std::map<Bytes, std::string> spender;  // hop hash -> sender device
  for (const SettlementReport& r : reports) {
    for (const CounterUse& c : r.counters) spender[c.hop_hash] = c.device_id;
  }
  for (const SettlementReport& r : reports) {
    for (const ConsumedOutput& c : r.consumed) {
      auto [it, fresh] = spent.emplace(c.output_id, &c);
      // The same hop seen in two provenances (shared history) is not a conflict.
      if (!fresh && it->second->hop_hash != c.hop_hash) {
        out.push_back({Conflict::Kind::kOutputSpentTwice, c.output_id, spender[c.hop_hash], 0,
                       it->second->hop_hash, c.hop_hash});
      }
    }
    for (const CounterUse& c : r.counters) {
      auto [it, fresh] = counters.emplace(std::make_pair(c.device_id, c.counter), &c);
      if (!fresh && it->second->hop_hash != c.hop_hash) {
        out.push_back({Conflict::Kind::kCounterReused,
                       {},
                       c.device_id,
                       c.counter,
                       it->second->hop_hash,
                       c.hop_hash});
      }
    }
  }
  return out;
}

}  // namespace rl::offline
