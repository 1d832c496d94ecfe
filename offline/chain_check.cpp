#include "offline/chain_check.hpp"

#include <algorithm>
#include <cassert>
#include <map>
#include <set>

#include "offline/amount.hpp"
#include "offline/codec.hpp"
#include "offline/ids.hpp"
#include "offline/key_hierarchy.hpp"
#include "offline/root_voucher.hpp"

namespace rl::offline {
namespace {

namespace pb = regledger::offline::v1;

struct Checker {
  const ChainContext& ctx;
  ChainFacts facts;
  std::map<Bytes, std::size_t> by_id;  // output id -> index in facts.created
  std::set<Bytes> consumed;
  std::set<Bytes> seen_sources;
  std::map<std::pair<std::string, std::uint64_t>, Bytes> counters;

  void add_output(CreatedOutput out) {
    by_id.emplace(out.output_id, facts.created.size());
    facts.created.push_back(std::move(out));
  }

  Status root(const std::string& bytes) {
    RL_ASSIGN_OR_RETURN(VerifiedRoot r, verify_root_voucher(ctx.suite, ctx.issuer_keys,
                                                            as_bytes(bytes), ctx.limits, ctx.memo));
    if (!seen_sources.insert(r.hash).second) return fail(err::kBadVoucher, "root listed twice");
    CreatedOutput out{output_id(ctx.suite, r.hash, 0),
                      r.hash,
                      0,
                      r.body.device_id(),
                      r.body.amount(),
                      r.body.expiry(),
                      0};
    add_output(std::move(out));
    facts.root_hashes.push_back(r.hash);
    facts.roots.push_back(std::move(r.body));
    return {};
  }

  Status hop(const std::string& bytes) {
    const Limits& lim = ctx.limits;
    RL_ASSIGN_OR_RETURN(pb::Hop hop, decode<pb::Hop>(as_bytes(bytes), lim.max_message_bytes,
                                                     err::kBadVoucher, "hop"));
    RL_ASSIGN_OR_RETURN(pb::HopBody body,
                        decode<pb::HopBody>(as_bytes(hop.body()), lim.max_message_bytes,
                                            err::kBadVoucher, "hop body"));
    const Bytes hash = hop_hash(ctx.suite, as_bytes(hop.body()));
    if (body.suite() != crypto::suite_name(ctx.suite)) {
      return fail(err::kBadVoucher, "hop is for another suite");
    }
    if (!seen_sources.insert(hash).second) return fail(err::kBadVoucher, "hop listed twice");
    // Certificate at the time the sender says it signed: an honest receiver refused a time
    // outside its freshness window, so backdating needs collusion (docs/offline.md, threats).
    RL_ASSIGN_OR_RETURN(
        VerifiedCert sender,
        ctx.memo ? ctx.memo->device_chain(ctx.suite, ctx.trust, body.sender_chain(),
                                          body.sender_device_id(), body.execute_time(), lim)
                 : verify_device_chain(ctx.suite, ctx.trust, body.sender_chain(),
                                       body.sender_device_id(), body.execute_time(), lim));
    const bool signed_ok =
        ctx.memo ? ctx.memo->tagged_signature(
                       sender.cert.public_key(), as_bytes(body.sender_chain().leaf()),
                       domain::kHopSig, as_bytes(hop.body()), as_bytes(hop.sender_signature()))
                 : verify_tagged(sender.cert.public_key(), domain::kHopSig, as_bytes(hop.body()),
                                 as_bytes(hop.sender_signature()));
    if (!signed_ok) {
      return fail(err::kBadSignature, "hop signature does not verify");
    }
    if (ctx.issuer_master_key && ctx.memo) {
      RL_ASSIGN_OR_RETURN(bool mac_ok, ctx.memo->issuer_mac(ctx.suite, *ctx.issuer_master_key,
                                                            body.sender_device_id(), hash,
                                                            as_bytes(hop.issuer_mac())));
      if (!mac_ok) return fail(err::kBadMac, "issuer MAC does not verify");
    } else if (ctx.issuer_master_key) {
      RL_ASSIGN_OR_RETURN(Bytes device_key, diversify_device_key(ctx.suite, *ctx.issuer_master_key,
                                                                 body.sender_device_id()));
      if (!verify_domain_mac(ctx.suite, device_key, domain::kIssuerMac, hash,
                             as_bytes(hop.issuer_mac()))) {
        return fail(err::kBadMac, "issuer MAC does not verify");
      }
    }
    if (body.ra().size() != kRandomSize || body.rb().size() != kRandomSize) {
      return fail(err::kBadRandom, "hop randoms must be 32 bytes");
    }
    if (body.init_time() > body.execute_time()) {
      return fail(err::kStaleTimestamp, "hop executed before it was initialised");
    }
    if (body.dispersion_factor() != body.receiver_device_id() ||
        body.receiver_device_id().empty()) {
      return fail(err::kBadDispersion, "dispersion factor is not the receiver's device id");
    }
    if (body.receiver_device_id() == body.sender_device_id()) {
      return fail(err::kBadVoucher, "a device cannot pay itself");
    }
    if (body.sender_counter() == 0) return fail(err::kBadVoucher, "sender counter starts at 1");
    // The transfer index counts the sender's offline transfers since it last settled.
    if (body.transfer_index() == 0 || body.transfer_index() > lim.transfers_before_settle) {
      return fail(err::kTransferCountLimit,
                  "transfer index " + std::to_string(body.transfer_index()) + " is outside 1.." +
                      std::to_string(lim.transfers_before_settle));
    }
    if (body.inputs_size() == 0 || static_cast<std::size_t>(body.inputs_size()) > lim.max_inputs) {
      return fail(err::kBadVoucher,
                  "hop must consume 1.." + std::to_string(lim.max_inputs) + " outputs");
    }
    // Inputs: present earlier, owned by the sender, consumed once.
    std::int64_t in_sum = 0;
    std::int64_t expiry = INT64_MAX;
    std::uint32_t depth = 0;
    std::vector<Bytes> ids;
    for (const pb::OutputRef& ref : body.inputs()) {
      Bytes id = output_id(ctx.suite, as_bytes(ref.source_hash()), ref.index());
      auto it = by_id.find(id);
      if (it == by_id.end()) return fail(err::kBadVoucher, "hop input is not in the provenance");
      const CreatedOutput& src = facts.created[it->second];
      if (src.owner_device_id != body.sender_device_id()) {
        return fail(err::kBadVoucher, "hop spends an output its sender does not own");
      }
      if (!consumed.insert(id).second || std::count(ids.begin(), ids.end(), id) > 0) {
        return fail(err::kDoubleSpend, "output " + to_hex(id) + " consumed twice");
      }
      auto sum = checked_add(in_sum, src.amount);
      if (!sum) return fail(err::kBadAmount, "input sum overflows");
      in_sum = *sum;
      expiry = std::min(expiry, src.expiry);
      depth = std::max(depth, src.depth);
      ids.push_back(std::move(id));
    }
    // Outputs: 0 to the receiver, optional 1 (change) to the sender, conserving value.
    if (body.outputs_size() < 1 || body.outputs_size() > 2) {
      return fail(err::kBadVoucher, "hop must create one or two outputs");
    }
    std::int64_t out_sum = 0;
    for (int i = 0; i < body.outputs_size(); ++i) {
      const pb::Output& o = body.outputs(i);
      const std::string& owner = i == 0 ? body.receiver_device_id() : body.sender_device_id();
      if (o.owner_device_id() != owner) return fail(err::kBadVoucher, "output owner is wrong");
      if (o.amount() <= 0) return fail(err::kBadAmount, "output amount must be positive");
      auto sum = checked_add(out_sum, o.amount());
      if (!sum) return fail(err::kBadAmount, "output sum overflows");
      out_sum = *sum;
    }
    if (out_sum != in_sum) {
      return fail(err::kBadAmount, "outputs (" + std::to_string(out_sum) +
                                       ") do not equal the consumed inputs (" +
                                       std::to_string(in_sum) + ")");
    }
    if (body.expiry() != expiry) return fail(err::kBadVoucher, "hop expiry is not its inputs'");
    if (body.execute_time() > expiry) {
      return fail(err::kVoucherExpired, "hop spends value after it expired");
    }
    if (body.depth() != depth + 1) return fail(err::kBadVoucher, "hop depth is wrong");
    if (body.depth() > lim.hop_limit) {
      return fail(err::kHopLimit, "hop " + std::to_string(body.depth()) + " is beyond the limit " +
                                      std::to_string(lim.hop_limit));
    }
    auto key = std::make_pair(body.sender_device_id(), body.sender_counter());
    if (!counters.emplace(key, hash).second) {
      return fail(err::kDoubleSpend,
                  "device " + key.first + " used counter " + std::to_string(key.second) + " twice");
    }
    for (Bytes& id : ids) facts.consumed.push_back({std::move(id), hash});
    for (int i = 0; i < body.outputs_size(); ++i) {
      add_output({output_id(ctx.suite, hash, static_cast<std::uint32_t>(i)), hash,
                  static_cast<std::uint32_t>(i), body.outputs(i).owner_device_id(),
                  body.outputs(i).amount(), expiry, body.depth()});
    }
    facts.counters.push_back({body.sender_device_id(), body.sender_counter(), hash});
    facts.hops.push_back({hash, std::move(body)});
    return {};
  }
};

}  // namespace

Result<ChainFacts> verify_provenance(const ChainContext& ctx, const pb::Provenance& provenance) {
  if (static_cast<std::size_t>(provenance.roots_size()) > ctx.limits.max_provenance_roots ||
      static_cast<std::size_t>(provenance.hops_size()) > ctx.limits.max_provenance_hops) {
    return fail(err::kMessageTooLarge, "provenance has too many elements");
  }
  if (provenance.roots_size() == 0) return fail(err::kBadVoucher, "provenance has no root");
  Checker c{ctx, {}, {}, {}, {}, {}};
  for (const std::string& r : provenance.roots()) RL_TRY(c.root(r));
  for (const std::string& h : provenance.hops()) RL_TRY(c.hop(h));
  // Conservation over the whole provenance: what is left unspent is what the roots put in.
  std::int64_t roots_total = 0;
  for (const auto& r : c.facts.roots) {
    auto sum = checked_add(roots_total, r.amount());
    if (!sum) return fail(err::kBadAmount, "root amounts overflow");
    roots_total = *sum;
  }
  std::int64_t unspent_total = 0;
  for (const CreatedOutput& o : c.facts.created) {
    if (c.consumed.count(o.output_id) == 0) {
      c.facts.unspent.push_back(o);
      unspent_total += o.amount;  // a subset of value already summed without overflow
    }
  }
  // Every hop conserved value, so the unspent outputs hold exactly what the roots issued.
  assert(unspent_total == roots_total);
  (void)roots_total;
  (void)unspent_total;
  return std::move(c.facts);
}

}  // namespace rl::offline
