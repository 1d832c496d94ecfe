#pragma once
// Persists the consensus core's SafetyState with the block values it refers to (locked value,
// valid value, last proposal) stored once each, by hash, beside it. The state itself then stays
// a few KB, so the fsync before every vote writes a few KB instead of up to three copies of a
// multi-megabyte block (decision 0004).

#include <optional>
#include <set>

#include "common/result.hpp"
#include "consensus/crypto_hooks.hpp"
#include "consensus/safety_state.hpp"
#include "ledger/chain.hpp"

namespace rl::node {

class SafetyStateStore {
 public:
  // `hasher` gives a value's hash (the block hash); load() checks restored values with it.
  SafetyStateStore(ledger::Chain& chain, const consensus::ValueHasher& hasher)
      : chain_(chain), hasher_(hasher) {}

  // The persisted state with its values restored. Codes: storage_corrupt (a referenced value is
  // missing or does not match its hash).
  Result<std::optional<consensus::SafetyState>> load();
  // One synced write: the state without its values, the values not yet on disk, and the
  // deletion of values the state no longer refers to.
  Status save(const consensus::SafetyState& state);

  // Hashes of the values currently on disk (for tests and logs).
  const std::set<Bytes>& stored_values() const { return stored_; }

 private:
  ledger::Chain& chain_;
  const consensus::ValueHasher& hasher_;
  std::set<Bytes> stored_;
};

}  // namespace rl::node
