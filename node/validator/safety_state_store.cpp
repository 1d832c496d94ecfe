#include "node/validator/safety_state_store.hpp"

#include <map>

#include "consensus/codec.hpp"

namespace rl::node {
namespace {

// The (hash -> value) pairs a state refers to. A value is only taken out of the state when its
// hash is known; an empty value stays as it is.
std::map<Bytes, const Bytes*> referenced_values(const consensus::SafetyState& s) {
  std::map<Bytes, const Bytes*> refs;
  if (!s.locked_value.empty() && !s.locked_hash.empty()) refs[s.locked_hash] = &s.locked_value;
  if (!s.valid_value.empty() && !s.valid_hash.empty()) refs[s.valid_hash] = &s.valid_value;
  if (s.last_proposal && !s.last_proposal->value.empty()) {
    refs[s.last_proposal->value_hash] = &s.last_proposal->value;
  }
  return refs;
}

consensus::SafetyState without_values(const consensus::SafetyState& s) {
  consensus::SafetyState stripped = s;
  if (!stripped.locked_hash.empty()) stripped.locked_value.clear();
  if (!stripped.valid_hash.empty()) stripped.valid_value.clear();
  if (stripped.last_proposal) stripped.last_proposal->value.clear();
  return stripped;
}

}  // namespace

Result<std::optional<consensus::SafetyState>> SafetyStateStore::load() {
  RL_ASSIGN_OR_RETURN(auto raw, chain_.consensus_state());
  if (!raw) return std::optional<consensus::SafetyState>();
  auto decoded = consensus::decode_safety_state(*raw);
  if (!decoded.ok()) {
    return make_error("storage_corrupt",
                      "consensus safety state does not decode: " + decoded.error().message);
  }
  consensus::SafetyState s = std::move(decoded).value();
  // A state written before values moved out still carries them inline; those are kept as is.
  auto restore = [&](Bytes& value, const Bytes& hash, const char* what) -> Status {
    if (!value.empty() || hash.empty()) return {};
    RL_ASSIGN_OR_RETURN(auto stored, chain_.consensus_value(hash));
    if (!stored) {
      return make_error("storage_corrupt",
                        std::string("the safety state's ") + what + " is missing from the store");
    }
    if (hasher_.hash(*stored) != hash) {
      return make_error("storage_corrupt",
                        std::string("the safety state's ") + what + " does not match its hash");
    }
    value = std::move(*stored);
    stored_.insert(hash);
    return {};
  };
  RL_TRY(restore(s.locked_value, s.locked_hash, "locked value"));
  RL_TRY(restore(s.valid_value, s.valid_hash, "valid value"));
  if (s.last_proposal) {
    RL_TRY(restore(s.last_proposal->value, s.last_proposal->value_hash, "last proposal value"));
  }
  return std::optional<consensus::SafetyState>(std::move(s));
}

Status SafetyStateStore::save(const consensus::SafetyState& state) {
  auto refs = referenced_values(state);
  std::vector<std::pair<ByteView, ByteView>> puts;
  for (const auto& [hash, value] : refs) {
    if (stored_.count(hash) == 0) puts.emplace_back(hash, *value);
  }
  std::vector<Bytes> drops;
  for (const auto& hash : stored_) {
    if (refs.count(hash) == 0) drops.push_back(hash);
  }
  RL_TRY(chain_.save_consensus_state(consensus::encode_safety_state(without_values(state)), puts,
                                     drops));
  for (const auto& [hash, value] : puts) stored_.insert(Bytes(hash.begin(), hash.end()));
  for (const auto& hash : drops) stored_.erase(hash);
  return {};
}

}  // namespace rl::node
