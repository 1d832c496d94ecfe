#pragma once
// TEST ONLY: compiled into tests/cluster's regledgerd_byzantine and nothing else (decision 0074).
// The misbehaviours a Byzantine validator of that build can be told to show, and how they are
// chosen: REGLEDGER_BYZANTINE lists them ("double_vote,equivocate" or "all"),
// REGLEDGER_BYZANTINE_SEED seeds every random choice they make. docs/fault-testing.md describes
// each mode and the rule on the honest side that refuses it, or (swallow_txs) the check that
// must report it.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace rl::node::byzantine {

enum class Mode : std::uint8_t {
  kEquivocate,     // two valid proposals for one (height, round), each to some peers
  kDoubleVote,     // a second, conflicting vote for every own vote
  kUnknownVotes,   // votes for block hashes nobody has
  kBadProposals,   // proposals whose block carries invalid or unknown txs
  kLyingStatus,    // status frames claiming a head far ahead or behind
  kBadParts,       // malformed or never-completing message parts
  kWithholdParts,  // own proposals split with one part never sent
  // Clients' txs answered as accepted, then neither kept nor gossiped. Not part of "all": the
  // other modes attack consensus, which the honest nodes must survive with every accepted tx
  // committed; this one loses the txs its own clients send, which nothing on the honest side
  // can recover, so it is asked for by name where that loss is what a test expects.
  kSwallowTxs,
};
inline constexpr std::size_t kModeCount = 8;

std::string_view mode_name(Mode m);

struct Settings {
  std::array<bool, kModeCount> on{};
  std::uint64_t seed = 0;

  bool enabled(Mode m) const { return on[static_cast<std::size_t>(m)]; }
  bool any() const;
  std::string modes_text() const;  // "double_vote,equivocate" in enum order; "none"
};

// `modes`: comma-separated mode names, or "all" (every mode but swallow_txs; "all,swallow_txs"
// is every mode); empty or null is no mode. `seed`: decimal;
// empty or null is 0. Code: bad_byzantine_setting (an unknown name, a seed that is not a number).
Result<Settings> parse_settings(const char* modes, const char* seed);

}  // namespace rl::node::byzantine
