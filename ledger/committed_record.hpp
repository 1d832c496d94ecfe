#pragma once
// A committed state record decoded, for the read side (API routes and services that read the
// chain, not the executor, which reads through its StateOverlay).

#include <optional>

#include "ledger/chain.hpp"

namespace rl::ledger {

// nullopt when the key is absent. Code: state_corrupt when the record does not decode.
template <typename Msg>
Result<std::optional<Msg>> load_committed(const Chain& chain, const Bytes& key) {
  RL_ASSIGN_OR_RETURN(auto raw, chain.state_value(key));
  if (!raw) return std::optional<Msg>();
  Msg m;
  if (!m.ParseFromArray(raw->data(), static_cast<int>(raw->size()))) {
    return make_error("state_corrupt", "cannot decode state record");
  }
  return std::optional<Msg>(std::move(m));
}

}  // namespace rl::ledger
