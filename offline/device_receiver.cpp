// Device: the receiver's steps (RESPONSE, COMPLETE) and re-acknowledgement after a crash.
#include <cassert>

#include "offline/amount.hpp"
#include "offline/chain_check.hpp"
#include "offline/codec.hpp"
#include "offline/device.hpp"
#include "offline/ids.hpp"
#include "offline/key_hierarchy.hpp"
#include "offline/session.hpp"

namespace rl::offline {

namespace pb = regledger::offline::v1;

namespace {

// Completed receives kept for replay detection and re-acknowledgement.
constexpr int kKeepReceived = 64;

}  // namespace

Result<Bytes> Device::respond(ByteView init_bytes) {
  const Limits& lim = config_.limits;
  const crypto::Suite suite = config_.suite;
  RL_ASSIGN_OR_RETURN(pb::InitMsg init, decode<pb::InitMsg>(init_bytes, lim.max_message_bytes,
                                                            err::kBadMessage, "INIT"));
  if (init.suite() != crypto::suite_name(suite)) return fail(err::kBadMessage, "wrong suite");
  if (init.amount() <= 0) return fail(err::kBadAmount, "amount must be positive");
  if (init.amount() > lim.per_transfer_cap) {
    return fail(err::kCapExceeded, "amount above the per-transfer cap");
  }
  auto after = checked_add(balance(), init.amount());
  if (!after || *after > lim.balance_cap) {
    return fail(err::kCapExceeded, "receiving would exceed the offline balance cap");
  }
  if (init.ra().size() != kRandomSize) return fail(err::kBadRandom, "rA must be 32 bytes");
  const std::int64_t now = clock_->now();
  if (!is_fresh(now, init.init_time(), lim.freshness_window)) {
    return fail(err::kStaleTimestamp, "INIT timestamp is not fresh");
  }
  if (init.sender_name().size() > lim.max_name_bytes) {
    return fail(err::kBadMessage, "sender name too long");
  }
  RL_ASSIGN_OR_RETURN(VerifiedCert sender,
                      verify_device_chain(suite, config_.trust, init.sender_chain(),
                                          init.sender_device_id(), now, lim));
  if (sender.device_id == device_id_) return fail(err::kWrongDevice, "cannot pay itself");
  auto sender_eph = crypto::PublicKey::from_der(as_bytes(init.sender_ephemeral()));
  if (!sender_eph.ok() || sender_eph->suite() != suite) {
    return fail(err::kBadKey, "sender ephemeral key is not a key of the network's suite");
  }
  for (const pb::ReceivedRecord& r : state_.received()) {
    if (r.ra() == init.ra()) return fail(err::kReplayed, "INIT already answered and completed");
  }
  RL_ASSIGN_OR_RETURN(auto eph_pair, new_ephemeral_key());
  const crypto::PrivateKey& eph = eph_pair.second;
  pb::ResponseBody body;
  body.set_init_hash(to_string(tagged_hash(suite, domain::kInitHash, init_bytes)));
  *body.mutable_receiver_chain() = encode_chain(creds_.cert, creds_.intermediates);
  body.set_receiver_device_id(device_id_);
  body.set_rb(to_string(random_->bytes(kRandomSize)));
  body.set_dispersion_factor(device_id_);
  body.set_receiver_ephemeral(to_string(eph.public_key().to_der()));
  body.set_response_time(now);
  const Bytes body_bytes = encode(body);
  RL_ASSIGN_OR_RETURN(Bytes sig, sign_tagged(creds_.key, domain::kResponseSig, body_bytes));
  pb::ResponseMsg resp;
  resp.set_body(to_string(body_bytes));
  resp.set_signature(to_string(sig));
  const Bytes resp_bytes = encode(resp);

  // One receive at a time: a new INIT replaces an unfinished one (it holds no value).
  pb::DeviceState next = state_;
  pb::PendingReceive* p = next.mutable_pending_receive();
  p->set_init_msg(to_string(init_bytes));
  p->set_response_msg(to_string(resp_bytes));
  p->set_ephemeral_scalar(to_string(eph_pair.first));
  RL_TRY(commit(std::move(next)));
  return resp_bytes;
}

Result<Bytes> Device::complete(ByteView exec_bytes) {
  const Limits& lim = config_.limits;
  const crypto::Suite suite = config_.suite;
  RL_ASSIGN_OR_RETURN(pb::ExecuteMsg exec, decode<pb::ExecuteMsg>(exec_bytes, lim.max_message_bytes,
                                                                  err::kBadMessage, "EXECUTE"));
  // 1. The session MAC, in constant time, before anything else is looked at or stored. A MAC
  //    under the key of an already completed receive is a replay.
  std::optional<pb::InitMsg> init;
  std::optional<pb::ResponseBody> resp_body;
  Bytes session_key;
  bool mac_ok = false;
  if (state_.has_pending_receive()) {
    const pb::PendingReceive& p = state_.pending_receive();
    RL_ASSIGN_OR_RETURN(init, decode<pb::InitMsg>(as_bytes(p.init_msg()), lim.max_message_bytes,
                                                  err::kCorruptState, "journaled INIT"));
    RL_ASSIGN_OR_RETURN(const pb::ResponseMsg resp,
                        decode<pb::ResponseMsg>(as_bytes(p.response_msg()), lim.max_message_bytes,
                                                err::kCorruptState, "journaled response"));
    RL_ASSIGN_OR_RETURN(resp_body,
                        decode<pb::ResponseBody>(as_bytes(resp.body()), lim.max_message_bytes,
                                                 err::kCorruptState, "journaled response body"));
    RL_ASSIGN_OR_RETURN(crypto::PrivateKey eph, ephemeral_key(p.ephemeral_scalar()));
    RL_ASSIGN_OR_RETURN(
        session_key, session_key_for(suite, eph, as_bytes(init->sender_ephemeral()),
                                     as_bytes(init->ra()), as_bytes(resp_body->rb()), device_id_));
    mac_ok = verify_domain_mac(suite, session_key, domain::kSessionMac, as_bytes(exec.body()),
                               as_bytes(exec.session_mac()));
  }
  if (!mac_ok) {
    for (const pb::ReceivedRecord& r : state_.received()) {
      if (verify_domain_mac(suite, as_bytes(r.session_key()), domain::kSessionMac,
                            as_bytes(exec.body()), as_bytes(exec.session_mac()))) {
        return fail(err::kReplayed, "EXECUTE of a completed transfer");
      }
    }
    if (!state_.has_pending_receive()) return fail(err::kNoTransfer, "no transfer to complete");
    return fail(err::kBadMac, "session MAC does not verify");
  }

  // 2. Structure, then every signature and certificate of the hop and its provenance.
  RL_ASSIGN_OR_RETURN(pb::ExecuteBody body,
                      decode<pb::ExecuteBody>(as_bytes(exec.body()), lim.max_message_bytes,
                                              err::kBadVoucher, "EXECUTE body"));
  const std::int64_t now = clock_->now();
  ChainContext ctx{suite, config_.trust, config_.issuer_keys, std::nullopt, lim};
  pb::Provenance all = body.provenance();
  all.add_hops(body.hop());
  RL_ASSIGN_OR_RETURN(ChainFacts facts, verify_provenance(ctx, all));
  const VerifiedHop& tip = facts.hops.back();
  const pb::HopBody& hop = tip.body;

  // 3. The hop is the one this transcript agreed: same sender, randoms, amount, receiver.
  if (hop.sender_device_id() != init->sender_device_id() ||
      hop.sender_chain().leaf() != init->sender_chain().leaf()) {
    return fail(err::kBadCertificate, "hop is signed by another device than the INIT's");
  }
  if (hop.ra() != init->ra() || hop.rb() != resp_body->rb()) {
    return fail(err::kBadRandom, "hop randoms are not this transfer's");
  }
  if (hop.receiver_device_id() != device_id_ || !bytes_equal(hop.receiver_cert_id(), cert_id_)) {
    return fail(err::kWrongDevice, "hop pays another device");
  }
  if (hop.outputs(0).amount() != init->amount()) {
    return fail(err::kBadAmount, "hop pays another amount than the INIT's");
  }
  if (hop.init_time() != init->init_time() ||
      !is_fresh(now, hop.execute_time(), lim.freshness_window)) {
    return fail(err::kStaleTimestamp, "hop timestamps are not this transfer's or not fresh");
  }
  if (hop.expiry() < now) return fail(err::kVoucherExpired, "received value has expired");
  // 4. Uniqueness: a hop seen before, or a sender counter that did not increase.
  if (has_received(tip.hash)) return fail(err::kReplayed, "hop already received");
  for (const pb::PeerCounter& pc : state_.peer_counters()) {
    if (pc.device_id() == hop.sender_device_id() && hop.sender_counter() <= pc.counter()) {
      return fail(err::kReplayed, "sender counter did not increase");
    }
  }
  auto after = checked_add(balance(), hop.outputs(0).amount());
  if (!after || *after > lim.balance_cap) {
    return fail(err::kCapExceeded, "receiving would exceed the offline balance cap");
  }
  if (static_cast<std::size_t>(state_.coins_size()) >= lim.max_coins) {
    return fail(err::kCapExceeded, "device holds too many vouchers; settle first");
  }

  // 5. The acknowledgement, then one atomic write of the received output.
  pb::AckBody ack_body;
  ack_body.set_hop_hash(to_string(tip.hash));
  ack_body.set_ra(hop.ra());
  ack_body.set_rb(hop.rb());
  ack_body.set_receiver_device_id(device_id_);
  const Bytes ack_body_bytes = encode(ack_body);
  RL_ASSIGN_OR_RETURN(Bytes sig, sign_tagged(creds_.key, domain::kAckSig, ack_body_bytes));
  RL_ASSIGN_OR_RETURN(Bytes ack_mac,
                      domain_mac(suite, session_key, domain::kAckMac, ack_body_bytes));
  pb::AckMsg ack;
  ack.set_body(to_string(ack_body_bytes));
  ack.set_signature(to_string(sig));
  ack.set_session_mac(to_string(ack_mac));
  const Bytes ack_bytes = encode(ack);

  pb::DeviceState next = state_;
  pb::Coin* coin = next.add_coins();
  coin->mutable_ref()->set_source_hash(to_string(tip.hash));
  coin->mutable_ref()->set_index(0);
  coin->set_amount(hop.outputs(0).amount());
  coin->set_expiry(hop.expiry());
  coin->set_depth(hop.depth());
  *coin->mutable_provenance() = std::move(all);
  bool known_peer = false;
  for (pb::PeerCounter& pc : *next.mutable_peer_counters()) {
    if (pc.device_id() == hop.sender_device_id()) {
      pc.set_counter(hop.sender_counter());
      known_peer = true;
    }
  }
  if (!known_peer) {
    pb::PeerCounter* pc = next.add_peer_counters();
    pc->set_device_id(hop.sender_device_id());
    pc->set_counter(hop.sender_counter());
  }
  pb::ReceivedRecord* rec = next.add_received();
  rec->set_ra(hop.ra());
  rec->set_hop_hash(to_string(tip.hash));
  rec->set_ack_msg(to_string(ack_bytes));
  rec->set_session_key(to_string(session_key));
  while (next.received_size() > kKeepReceived) {
    next.mutable_received()->erase(next.mutable_received()->begin());
  }
  next.clear_pending_receive();
  const std::int64_t before = balance();
  RL_TRY(commit(std::move(next)));
  assert(balance() == before + hop.outputs(0).amount());
  (void)before;
  return ack_bytes;
}

Result<Bytes> Device::acknowledgement(ByteView hop_hash) const {
  for (const pb::ReceivedRecord& r : state_.received()) {
    if (bytes_equal(r.hop_hash(), hop_hash)) return to_bytes(r.ack_msg());
  }
  return fail(err::kNoTransfer, "no completed receive with that hop");
}

}  // namespace rl::offline
