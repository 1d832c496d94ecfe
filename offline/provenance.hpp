#pragma once
// Provenance sets: the roots and hops an output descends from (see offline.proto).

#include "offline.pb.h"

namespace rl::offline {

// Appends the elements of `from` not already in `into`, keeping order. Each input keeps its
// inputs before their spenders, so the union does too.
void merge_provenance(regledger::offline::v1::Provenance& into,
                      const regledger::offline::v1::Provenance& from);

}  // namespace rl::offline
