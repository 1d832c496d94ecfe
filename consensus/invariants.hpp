#pragma once
// Runtime checks of what the core's state must always satisfy, TigerBeetle style: cheap enough
// to run after every step that changed the state (also in Release builds), and each one names
// the invariant it found broken. They are pure functions so that tests can show each one bites
// on a crafted state, and so that a restored SafetyState can be checked before it is used.
// The list and its reasons are in docs/consensus.md "Invariants".

#include <optional>
#include <tuple>

#include "consensus/invariant_violation.hpp"
#include "consensus/ready.hpp"
#include "consensus/safety_state.hpp"
#include "consensus/validator_set.hpp"

namespace rl::consensus {

using Violation = std::optional<InvariantViolation>;

// What must hold of any state the core is in between two steps.
// A vote's slot as votes are signed, in order: (height, round, type). A validator signs at most
// one value per slot and never a slot below the last one it signed (the core refuses to, and
// check_transition checks it).
std::tuple<Height, Round, int> vote_slot(const Vote& v);

Violation check_state(const PersistentState& s);

// A SafetyState read back from disk: check_state, and its derived votes belong to it.
Violation check_restored(const SafetyState& s);

// What may change from one checked state to the next: height, round (within a height) and step
// (within a round) only go forward, locks and valid values never go back within a height, and
// what this validator signed never regresses or changes for a slot already signed.
Violation check_transition(const PersistentState& before, const PersistentState& after);

// The set in force at `height` is known: an earliest entry above it would make the core count
// votes with a set that never governed the height.
Violation check_schedule(const ValidatorSchedule& schedule, Height height);

// A step's decision: at or above the height the step started at, the core moved to the next
// height, and the certificate is for the decided (height, round, value).
Violation check_decision(const Decision& d, Height height_before, Height height_after);

}  // namespace rl::consensus
