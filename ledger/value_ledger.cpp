#include "ledger/value_ledger.hpp"

#include "ledger/exec_internal.hpp"
#include "ledger/state_keys.hpp"

namespace rl::ledger::value {
namespace {

Status put_balance(StateOverlay& state, std::string_view org, std::int64_t amount,
                   std::uint64_t height) {
  // A bug that let a balance go negative would create value: stop rather than write it.
  if (amount < 0 || amount > kMaxSupply) {
    return make_error("state_corrupt", "balance of " + std::string(org) + " out of range");
  }
  pb::BalanceRecord rec;
  rec.set_org_id(std::string(org));
  rec.set_amount(amount);
  rec.set_updated_height(height);
  state.put(keys::balance(org), exec::encode(rec));
  return {};
}

}  // namespace

Result<std::int64_t> balance(const StateOverlay& state, std::string_view org) {
  RL_ASSIGN_OR_RETURN(auto rec, exec::load<pb::BalanceRecord>(state, keys::balance(org)));
  return rec ? rec->amount() : 0;
}

Result<pb::ValueSupplyRecord> supply(const StateOverlay& state) {
  RL_ASSIGN_OR_RETURN(auto rec, exec::load<pb::ValueSupplyRecord>(state, keys::value_supply()));
  return rec.value_or(pb::ValueSupplyRecord{});
}

Status issue(StateOverlay& state, std::string_view org, std::int64_t amount, std::uint64_t height) {
  if (amount <= 0 || amount > kMaxSupply) {
    return make_error("bad_amount", "an issued amount is 1 .. 2^62 minor units");
  }
  RL_ASSIGN_OR_RETURN(auto s, supply(state));
  if (s.issued() > kMaxSupply - amount) {
    return make_error("supply_exhausted", "the total issued would pass 2^62 minor units");
  }
  RL_ASSIGN_OR_RETURN(auto held, balance(state, org));
  RL_TRY(put_balance(state, org, held + amount, height));
  s.set_issued(s.issued() + amount);
  state.put(keys::value_supply(), exec::encode(s));
  return {};
}

namespace {

Status check_amount(std::int64_t amount) {
  if (amount <= 0 || amount > kMaxSupply) {
    return make_error("bad_amount", "an amount is 1 .. 2^62 minor units");
  }
  return {};
}

Status add(StateOverlay& state, std::string_view org, std::int64_t delta, std::uint64_t height) {
  RL_ASSIGN_OR_RETURN(auto held, balance(state, org));
  if (delta < 0 && held < -delta) {
    return make_error("insufficient_balance", "organization " + std::string(org) + " holds " +
                                                  std::to_string(held) + ", needs " +
                                                  std::to_string(-delta));
  }
  return put_balance(state, org, held + delta, height);
}

}  // namespace

Status load_onto_device(StateOverlay& state, std::string_view org, std::int64_t amount,
                        std::uint64_t height) {
  RL_TRY(check_amount(amount));
  RL_TRY(add(state, org, -amount, height));
  RL_ASSIGN_OR_RETURN(auto s, supply(state));
  s.set_on_devices(s.on_devices() + amount);  // <= issued <= 2^62: no overflow
  state.put(keys::value_supply(), exec::encode(s));
  return {};
}

Status settle_from_devices(StateOverlay& state, std::string_view org, std::int64_t amount,
                           std::uint64_t height) {
  RL_TRY(check_amount(amount));
  RL_ASSIGN_OR_RETURN(auto s, supply(state));
  if (s.on_devices() < amount) {
    return make_error("state_corrupt", "settling " + std::to_string(amount) + " but only " +
                                           std::to_string(s.on_devices()) + " is on devices");
  }
  s.set_on_devices(s.on_devices() - amount);
  state.put(keys::value_supply(), exec::encode(s));
  return add(state, org, amount, height);
}

Status transfer(StateOverlay& state, std::string_view from, std::string_view to,
                std::int64_t amount, std::uint64_t height) {
  RL_TRY(check_amount(amount));
  RL_TRY(add(state, from, -amount, height));
  return add(state, to, amount, height);
}

}  // namespace rl::ledger::value
