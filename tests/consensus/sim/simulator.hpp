#pragma once
// A deterministic simulation of n validators running consensus::Consensus in one thread: a
// seeded PRNG split per subsystem, a simulated clock with per-node skew, a faulty network, disks
// that lose what was not synced, crashes/pauses/wipes and Byzantine validators. The same options
// (including the seed) always produce the same trace and the same trace hash.

#include "tests/consensus/sim/options.hpp"

namespace rl::consensus::sim {

SimResult run_simulation(const SimOptions& options);

}  // namespace rl::consensus::sim
