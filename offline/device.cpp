// Device: opening from the journal, loading root vouchers, committing state, inspection.
// The sender steps are in device_sender.cpp, the receiver steps in device_receiver.cpp.
#include "offline/device.hpp"

#include <cassert>

#include "offline/amount.hpp"
#include "offline/codec.hpp"
#include "offline/ids.hpp"
#include "offline/provenance.hpp"
#include "offline/root_voucher.hpp"

namespace rl::offline {

namespace pb = regledger::offline::v1;

Device::Device(DeviceConfig config, DeviceCredentials credentials, Storage& storage, Clock& clock,
               Random& random, std::string device_id)
    : config_(std::move(config)),
      creds_(std::move(credentials)),
      storage_(&storage),
      clock_(&clock),
      random_(&random),
      device_id_(std::move(device_id)) {
  cert_id_ = creds_.cert.id(config_.suite);
}

Result<Device> Device::open(DeviceConfig config, DeviceCredentials credentials, Storage& storage,
                            Clock& clock, Random& random) {
  const crypto::Suite suite = config.suite;
  if (credentials.key.suite() != suite || credentials.cert.public_key().suite() != suite) {
    return fail(err::kBadCertificate, "device key is not of the network's suite");
  }
  if (!bytes_equal(to_string(credentials.cert.public_key().to_der()),
                   credentials.key.public_key().to_der())) {
    return fail(err::kBadCertificate, "device key does not match its certificate");
  }
  std::string id = credentials.cert.subject().common_name;
  if (id.empty()) return fail(err::kBadCertificate, "device certificate has no CN");
  Device d(std::move(config), std::move(credentials), storage, clock, random, id);
  RL_ASSIGN_OR_RETURN(std::optional<Bytes> record, storage.load());
  if (!record) {
    d.state_.set_suite(std::string(crypto::suite_name(suite)));
    d.state_.set_device_id(id);
    return d;
  }
  RL_ASSIGN_OR_RETURN(d.state_, decode<pb::DeviceState>(*record, d.config_.limits.max_state_bytes,
                                                        err::kCorruptState, "device journal"));
  if (d.state_.device_id() != id || d.state_.suite() != crypto::suite_name(suite)) {
    return fail(err::kCorruptState, "journal belongs to another device or suite");
  }
  RL_TRY(state_invariants(d.state_));
  return d;
}

Status Device::commit(pb::DeviceState next) {
  [[maybe_unused]] const Status invariants = state_invariants(next);
  assert(invariants.ok());  // the device's own transitions never make such a state
  const Bytes record = encode(next);
  if (record.size() > config_.limits.max_state_bytes) {
    return fail(err::kCapExceeded, "device journal would exceed its size limit");
  }
  RL_TRY(storage_->commit(record));
  state_ = std::move(next);
  return {};
}

Status Device::state_invariants(const pb::DeviceState& s) {
  std::int64_t total = 0;
  for (const pb::Coin& c : s.coins()) {
    if (c.amount() <= 0) {
      return fail(err::kCorruptState,
                  "device journal holds a coin of amount " + std::to_string(c.amount()));
    }
    auto sum = checked_add(total, c.amount());
    if (!sum) return fail(err::kCorruptState, "device journal's coins overflow the balance");
    total = *sum;
  }
  return {};
}

Status Device::load(ByteView root_voucher) {
  const Limits& lim = config_.limits;
  RL_ASSIGN_OR_RETURN(VerifiedRoot root,
                      verify_root_voucher(config_.suite, config_.issuer_keys, root_voucher, lim));
  if (root.body.device_id() != device_id_) {
    return fail(err::kWrongDevice, "root voucher is for device " + root.body.device_id());
  }
  const std::int64_t now = clock_->now();
  if (root.body.expiry() < now) return fail(err::kVoucherExpired, "root voucher has expired");
  if (root.body.expiry() - now > lim.max_voucher_lifetime) {
    return fail(err::kBadVoucher, "root voucher expires later than the network allows");
  }
  for (const std::string& h : state_.loaded_roots()) {
    if (bytes_equal(h, root.hash)) return fail(err::kReplayed, "root voucher already loaded");
  }
  auto after = checked_add(balance(), root.body.amount());
  if (!after || *after > lim.balance_cap) {
    return fail(err::kCapExceeded, "loading would exceed the device's offline balance cap");
  }
  if (static_cast<std::size_t>(state_.coins_size()) >= lim.max_coins) {
    return fail(err::kCapExceeded, "device holds too many vouchers; settle first");
  }
  pb::DeviceState next = state_;
  pb::Coin* coin = next.add_coins();
  coin->mutable_ref()->set_source_hash(to_string(root.hash));
  coin->mutable_ref()->set_index(0);
  coin->set_amount(root.body.amount());
  coin->set_expiry(root.body.expiry());
  coin->set_depth(0);
  coin->mutable_provenance()->add_roots(to_string(root_voucher));
  next.add_loaded_roots(to_string(root.hash));
  return commit(std::move(next));
}

std::int64_t Device::balance() const {
  std::int64_t total = 0;
  for (const pb::Coin& c : state_.coins()) total += c.amount();  // bounded by the cap
  return total;
}

std::int64_t Device::in_flight() const {
  if (state_.has_pending_send() && state_.pending_send().stage() == pb::PendingSend::EXECUTED) {
    return state_.pending_send().amount();
  }
  return 0;
}

bool Device::has_received(ByteView hop_hash) const {
  for (const pb::ReceivedRecord& r : state_.received()) {
    if (bytes_equal(r.hop_hash(), hop_hash)) return true;
  }
  return false;
}

pb::Provenance Device::settlement_provenance() const {
  pb::Provenance out;
  for (const pb::Coin& c : state_.coins()) merge_provenance(out, c.provenance());
  // An executed transfer the receiver never acknowledged can still be settled from this side
  // (its output 0 is credited to the receiver): include the hop and what it spent.
  if (in_flight() > 0) {
    auto exec = decode<pb::ExecuteMsg>(as_bytes(state_.pending_send().execute_msg()),
                                       config_.limits.max_message_bytes, err::kCorruptState,
                                       "journaled EXECUTE");
    if (exec.ok()) {
      auto body = decode<pb::ExecuteBody>(as_bytes(exec->body()), config_.limits.max_message_bytes,
                                          err::kCorruptState, "journaled EXECUTE body");
      if (body.ok()) {
        pb::Provenance with_hop = body->provenance();
        with_hop.add_hops(body->hop());
        merge_provenance(out, with_hop);
      }
    }
  }
  return out;
}

Result<std::pair<Bytes, crypto::PrivateKey>> Device::new_ephemeral_key() {
  // From the injected random source, so simulations replay exactly; a scalar outside [1, n-1]
  // (probability ~2^-32 for both curves) is drawn again.
  for (int attempt = 0; attempt < 8; ++attempt) {
    Bytes scalar = random_->bytes(32);
    auto key = crypto::PrivateKey::from_raw_scalar(config_.suite, scalar);
    if (key.ok()) return std::make_pair(std::move(scalar), std::move(key).value());
  }
  return fail(err::kBadKey, "random source gives no valid scalar");
}

Result<crypto::PrivateKey> Device::ephemeral_key(const std::string& scalar) const {
  auto key = crypto::PrivateKey::from_raw_scalar(config_.suite, as_bytes(scalar));
  if (!key.ok()) return fail(err::kCorruptState, "journaled ephemeral key");
  return key;
}

}  // namespace rl::offline
