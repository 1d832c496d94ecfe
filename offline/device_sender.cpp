// Device: the sender's steps (INIT, EXECUTE, the final step on the acknowledgement, abort).
#include <algorithm>
#include <cassert>

#include "offline/amount.hpp"
#include "offline/codec.hpp"
#include "offline/device.hpp"
#include "offline/ids.hpp"
#include "offline/key_hierarchy.hpp"
#include "offline/provenance.hpp"
#include "offline/session.hpp"

namespace rl::offline {

namespace pb = regledger::offline::v1;

namespace {

// Recent completed hop hashes kept to recognise a replayed acknowledgement.
constexpr int kKeepCompleted = 64;

struct Selection {
  std::vector<int> coin_indexes;
  std::int64_t total = 0;
};

// Spendable coins, earliest expiry first, until `amount` is covered. A coin is spendable when
// unexpired at `now` and one more hop from it stays within the hop limit. When the spendable
// coins do not cover the amount, the code says why: expiry, hop limit, or plain lack of funds.
Result<Selection> select_coins(const pb::DeviceState& s, std::int64_t amount, std::int64_t now,
                               const Limits& lim) {
  std::vector<int> order(static_cast<std::size_t>(s.coins_size()));
  for (int i = 0; i < s.coins_size(); ++i) order[static_cast<std::size_t>(i)] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return s.coins(a).expiry() < s.coins(b).expiry(); });
  Selection sel;
  std::int64_t expired = 0;
  std::int64_t too_deep = 0;
  for (int i : order) {
    const pb::Coin& c = s.coins(i);
    if (c.expiry() < now) {
      expired += c.amount();
      continue;
    }
    if (c.depth() + 1 > lim.hop_limit) {
      too_deep += c.amount();
      continue;
    }
    if (sel.total >= amount || sel.coin_indexes.size() >= lim.max_inputs) break;
    sel.coin_indexes.push_back(i);
    sel.total += c.amount();  // bounded by the balance cap
  }
  if (sel.total >= amount) return sel;
  if (sel.total + expired >= amount) return fail(err::kVoucherExpired, "held vouchers expired");
  if (sel.total + expired + too_deep >= amount) {
    return fail(err::kHopLimit, "held vouchers are at the hop limit; settle them");
  }
  return fail(err::kInsufficientFunds, "offline balance does not cover the amount");
}

}  // namespace

Result<Bytes> Device::init(std::int64_t amount) {
  const Limits& lim = config_.limits;
  if (state_.has_pending_send()) return fail(err::kBusy, "a transfer is already in progress");
  if (amount <= 0) return fail(err::kBadAmount, "amount must be positive");
  if (amount > lim.per_transfer_cap)
    return fail(err::kCapExceeded, "amount above per-transfer cap");
  if (state_.transfers_since_settlement() >= lim.transfers_before_settle) {
    return fail(err::kTransferCountLimit, "device must settle before more offline transfers");
  }
  const std::int64_t now = clock_->now();
  RL_TRY(select_coins(state_, amount, now, lim));
  RL_ASSIGN_OR_RETURN(auto eph_pair, new_ephemeral_key());
  const crypto::PrivateKey& eph = eph_pair.second;
  pb::InitMsg msg;
  msg.set_suite(std::string(crypto::suite_name(config_.suite)));
  msg.set_amount(amount);
  msg.set_init_time(now);
  msg.set_ra(to_string(random_->bytes(kRandomSize)));
  msg.set_sender_device_id(device_id_);
  msg.set_sender_name(creds_.name.substr(0, lim.max_name_bytes));
  *msg.mutable_sender_chain() = encode_chain(creds_.cert, creds_.intermediates);
  msg.set_sender_ephemeral(to_string(eph.public_key().to_der()));
  const Bytes init = encode(msg);

  pb::DeviceState next = state_;
  pb::PendingSend* p = next.mutable_pending_send();
  p->set_stage(pb::PendingSend::INITIATED);
  p->set_init_msg(to_string(init));
  p->set_ephemeral_scalar(to_string(eph_pair.first));
  p->set_amount(amount);
  RL_TRY(commit(std::move(next)));
  return init;
}

Status Device::abort() {
  if (!state_.has_pending_send()) return fail(err::kNoTransfer, "no transfer to abort");
  if (state_.pending_send().stage() != pb::PendingSend::INITIATED) {
    return fail(err::kInFlight, "the transfer was executed; its value is in flight");
  }
  pb::DeviceState next = state_;
  next.clear_pending_send();
  return commit(std::move(next));
}

Result<Bytes> Device::resend_execute() const {
  if (!state_.has_pending_send() || state_.pending_send().stage() != pb::PendingSend::EXECUTED) {
    return fail(err::kNoTransfer, "no executed transfer");
  }
  return to_bytes(state_.pending_send().execute_msg());
}

Result<Bytes> Device::execute(ByteView response_bytes) {
  const Limits& lim = config_.limits;
  const crypto::Suite suite = config_.suite;
  if (!state_.has_pending_send()) return fail(err::kNoTransfer, "no transfer initialised");
  const pb::PendingSend& pending = state_.pending_send();
  if (pending.stage() != pb::PendingSend::INITIATED) {
    return fail(err::kReplayed, "this transfer was already executed");
  }
  RL_ASSIGN_OR_RETURN(
      pb::ResponseMsg resp,
      decode<pb::ResponseMsg>(response_bytes, lim.max_message_bytes, err::kBadMessage, "response"));
  RL_ASSIGN_OR_RETURN(pb::ResponseBody body,
                      decode<pb::ResponseBody>(as_bytes(resp.body()), lim.max_message_bytes,
                                               err::kBadMessage, "response body"));
  const Bytes init_hash = tagged_hash(suite, domain::kInitHash, as_bytes(pending.init_msg()));
  if (!bytes_equal(body.init_hash(), init_hash)) {
    return fail(err::kBadTranscript, "response answers another INIT");
  }
  const std::int64_t now = clock_->now();
  RL_ASSIGN_OR_RETURN(VerifiedCert receiver,
                      verify_device_chain(suite, config_.trust, body.receiver_chain(),
                                          body.receiver_device_id(), now, lim));
  if (!verify_tagged(receiver.cert.public_key(), domain::kResponseSig, as_bytes(resp.body()),
                     as_bytes(resp.signature()))) {
    return fail(err::kBadSignature, "receiver signature does not verify");
  }
  if (receiver.device_id == device_id_) return fail(err::kWrongDevice, "cannot pay itself");
  if (body.rb().size() != kRandomSize) return fail(err::kBadRandom, "rB must be 32 bytes");
  if (!is_fresh(now, body.response_time(), lim.freshness_window)) {
    return fail(err::kStaleTimestamp, "response timestamp is not fresh");
  }
  if (body.dispersion_factor() != receiver.device_id) {
    return fail(err::kBadDispersion, "dispersion factor is not the receiver's device id");
  }
  RL_ASSIGN_OR_RETURN(const pb::InitMsg init,
                      decode<pb::InitMsg>(as_bytes(pending.init_msg()), lim.max_message_bytes,
                                          err::kCorruptState, "journaled init"));
  RL_ASSIGN_OR_RETURN(crypto::PrivateKey eph, ephemeral_key(pending.ephemeral_scalar()));
  RL_ASSIGN_OR_RETURN(
      Bytes session_key,
      session_key_for(suite, eph, as_bytes(body.receiver_ephemeral()), as_bytes(init.ra()),
                      as_bytes(body.rb()), body.dispersion_factor()));
  if (state_.transfers_since_settlement() >= lim.transfers_before_settle) {
    return fail(err::kTransferCountLimit, "device must settle before more offline transfers");
  }
  RL_ASSIGN_OR_RETURN(Selection sel, select_coins(state_, pending.amount(), now, lim));

  // The hop: inputs, outputs (receiver, then change), counters, transcript.
  pb::HopBody hop;
  hop.set_suite(std::string(crypto::suite_name(suite)));
  pb::Provenance provenance;
  std::int64_t expiry = INT64_MAX;
  std::uint32_t depth = 0;
  for (int i : sel.coin_indexes) {
    const pb::Coin& c = state_.coins(i);
    *hop.add_inputs() = c.ref();
    merge_provenance(provenance, c.provenance());
    expiry = std::min(expiry, c.expiry());
    depth = std::max(depth, c.depth());
  }
  if (static_cast<std::size_t>(provenance.hops_size()) + 1 > lim.max_provenance_hops ||
      static_cast<std::size_t>(provenance.roots_size()) > lim.max_provenance_roots) {
    return fail(err::kCapExceeded, "the vouchers' history is too long; settle first");
  }
  const std::int64_t change = sel.total - pending.amount();
  assert(change >= 0);
  pb::Output* to_receiver = hop.add_outputs();
  to_receiver->set_owner_device_id(receiver.device_id);
  to_receiver->set_amount(pending.amount());
  if (change > 0) {
    pb::Output* back = hop.add_outputs();
    back->set_owner_device_id(device_id_);
    back->set_amount(change);
  }
  hop.set_sender_device_id(device_id_);
  hop.set_sender_name(init.sender_name());
  *hop.mutable_sender_chain() = init.sender_chain();
  hop.set_receiver_device_id(receiver.device_id);
  hop.set_receiver_cert_id(to_string(receiver.cert_id));
  hop.set_sender_counter(state_.counter() + 1);
  hop.set_transfer_index(state_.transfers_since_settlement() + 1);
  hop.set_init_time(init.init_time());
  hop.set_execute_time(now);
  hop.set_ra(init.ra());
  hop.set_rb(body.rb());
  hop.set_dispersion_factor(body.dispersion_factor());
  hop.set_depth(depth + 1);
  hop.set_expiry(expiry);
  const Bytes hop_body = encode(hop);
  const Bytes hash = hop_hash(suite, hop_body);
  pb::Hop signed_hop;
  signed_hop.set_body(to_string(hop_body));
  RL_ASSIGN_OR_RETURN(Bytes sig, sign_tagged(creds_.key, domain::kHopSig, hop_body));
  signed_hop.set_sender_signature(to_string(sig));
  RL_ASSIGN_OR_RETURN(Bytes issuer_mac,
                      domain_mac(suite, creds_.mac_key, domain::kIssuerMac, hash));
  signed_hop.set_issuer_mac(to_string(issuer_mac));
  const std::string hop_bytes = to_string(encode(signed_hop));

  pb::ExecuteBody exec_body;
  exec_body.set_hop(hop_bytes);
  *exec_body.mutable_provenance() = provenance;
  const Bytes exec_body_bytes = encode(exec_body);
  RL_ASSIGN_OR_RETURN(Bytes session_mac,
                      domain_mac(suite, session_key, domain::kSessionMac, exec_body_bytes));
  pb::ExecuteMsg exec;
  exec.set_body(to_string(exec_body_bytes));
  exec.set_session_mac(to_string(session_mac));
  const Bytes exec_bytes = encode(exec);
  if (exec_bytes.size() > lim.max_message_bytes) {
    return fail(err::kMessageTooLarge, "EXECUTE would exceed the message size limit");
  }

  // New state: inputs gone, change kept, counter + 1, transfer in flight until acknowledged.
  pb::DeviceState next = state_;
  next.clear_coins();
  std::int64_t before = balance();
  for (int i = 0; i < state_.coins_size(); ++i) {
    if (std::find(sel.coin_indexes.begin(), sel.coin_indexes.end(), i) == sel.coin_indexes.end()) {
      *next.add_coins() = state_.coins(i);
    }
  }
  if (change > 0) {
    pb::Coin* c = next.add_coins();
    c->mutable_ref()->set_source_hash(to_string(hash));
    c->mutable_ref()->set_index(1);
    c->set_amount(change);
    c->set_expiry(expiry);
    c->set_depth(depth + 1);
    *c->mutable_provenance() = provenance;
    c->mutable_provenance()->add_hops(hop_bytes);
  }
  next.set_counter(state_.counter() + 1);
  assert(next.counter() > state_.counter());       // monotonic: the ledger detects reuse
  assert(pending.amount() + change == sel.total);  // outputs == consumed inputs
  next.set_transfers_since_settlement(state_.transfers_since_settlement() + 1);
  pb::PendingSend* p = next.mutable_pending_send();
  p->set_stage(pb::PendingSend::EXECUTED);
  p->set_execute_msg(to_string(exec_bytes));
  p->set_hop_hash(to_string(hash));
  p->set_session_key(to_string(session_key));
  p->set_receiver_device_id(receiver.device_id);
  p->set_receiver_cert_der(to_string(receiver.cert.to_der()));
  p->set_rb(body.rb());
  p->clear_ephemeral_scalar();  // the session key is all that is needed from here on
  RL_TRY(commit(std::move(next)));
  // Value is conserved: what left the coins is exactly the amount in flight.
  assert(balance() + in_flight() == before);
  (void)before;
  return exec_bytes;
}

Status Device::finish(ByteView ack_bytes) {
  const Limits& lim = config_.limits;
  const crypto::Suite suite = config_.suite;
  RL_ASSIGN_OR_RETURN(pb::AckMsg ack, decode<pb::AckMsg>(ack_bytes, lim.max_message_bytes,
                                                         err::kBadMessage, "acknowledgement"));
  RL_ASSIGN_OR_RETURN(pb::AckBody body,
                      decode<pb::AckBody>(as_bytes(ack.body()), lim.max_message_bytes,
                                          err::kBadMessage, "ack body"));
  if (!state_.has_pending_send() || state_.pending_send().stage() != pb::PendingSend::EXECUTED) {
    for (const std::string& h : state_.completed_sends()) {
      if (h == body.hop_hash()) return fail(err::kReplayed, "transfer already completed");
    }
    return fail(err::kNoTransfer, "no executed transfer waiting for an acknowledgement");
  }
  const pb::PendingSend& p = state_.pending_send();
  if (!verify_domain_mac(suite, as_bytes(p.session_key()), domain::kAckMac, as_bytes(ack.body()),
                         as_bytes(ack.session_mac()))) {
    for (const std::string& h : state_.completed_sends()) {
      if (h == body.hop_hash()) return fail(err::kReplayed, "transfer already completed");
    }
    return fail(err::kBadMac, "acknowledgement session MAC does not verify");
  }
  auto receiver_cert = crypto::Certificate::from_der(as_bytes(p.receiver_cert_der()));
  if (!receiver_cert.ok()) return fail(err::kCorruptState, "journaled receiver certificate");
  if (!verify_tagged(receiver_cert->public_key(), domain::kAckSig, as_bytes(ack.body()),
                     as_bytes(ack.signature()))) {
    return fail(err::kBadSignature, "acknowledgement signature does not verify");
  }
  if (body.hop_hash() != p.hop_hash()) return fail(err::kBadVoucher, "ack names another hop");
  RL_ASSIGN_OR_RETURN(const pb::InitMsg init,
                      decode<pb::InitMsg>(as_bytes(p.init_msg()), lim.max_message_bytes,
                                          err::kCorruptState, "journaled init"));
  if (body.ra() != init.ra() || body.rb() != p.rb()) {
    return fail(err::kBadRandom, "ack randoms are not this transfer's");
  }
  if (body.receiver_device_id() != p.receiver_device_id()) {
    return fail(err::kWrongDevice, "ack from another device");
  }
  pb::DeviceState next = state_;
  next.clear_pending_send();
  next.add_completed_sends(p.hop_hash());
  while (next.completed_sends_size() > kKeepCompleted) {
    next.mutable_completed_sends()->erase(next.mutable_completed_sends()->begin());
  }
  return commit(std::move(next));
}

}  // namespace rl::offline
