#pragma once
// Reconnect delays: exponential in the number of consecutive failed attempts, capped, with
// jitter so that nodes restarted together do not dial each other in lockstep forever.

#include <chrono>
#include <random>

namespace rl::p2p {

// Delay before the next attempt after `failures` consecutive failures (0 after a connection that
// worked): base = min(backoff_min * 2^failures, backoff_max), drawn uniformly from
// [max(base / 2, backoff_min), base].
std::chrono::milliseconds backoff_delay(std::chrono::milliseconds backoff_min,
                                        std::chrono::milliseconds backoff_max, unsigned failures,
                                        std::mt19937_64& rng);

}  // namespace rl::p2p
