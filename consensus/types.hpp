#pragma once
// Scalar types shared by every consensus file. Rounds are signed so that "no round" (-1 in the
// paper: lockedRound, validRound, the POL round of a fresh proposal) is a plain value.

#include <cstdint>

#include "proto/vote_sign_bytes.hpp"

namespace rl::consensus {

using Height = std::uint64_t;
using Round = std::int64_t;
using ValidatorIndex = std::uint32_t;
using Power = std::uint64_t;
using VoteType = rl::proto::VoteType;

inline constexpr Round kNoRound = -1;
// Rounds travel as u32 on the wire; anything at or above this bound is rejected on decode.
inline constexpr Round kMaxRound = Round{1} << 30;

// The step inside a round (paper: step_p).
enum class Step : std::uint8_t { kPropose = 0, kPrevote = 1, kPrecommit = 2 };

// Which of the three timeouts fired (paper: OnTimeoutPropose / Prevote / Precommit).
enum class TimeoutKind : std::uint8_t { kPropose = 0, kPrevote = 1, kPrecommit = 2 };

const char* step_name(Step s);
const char* timeout_name(TimeoutKind k);
const char* vote_type_name(VoteType t);  // "prevote" | "precommit", as logs and the API print it

}  // namespace rl::consensus
