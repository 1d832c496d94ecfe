#pragma once
// What the hostile-consensus cluster tests share: a raw P2P connection that speaks as a stopped
// member (its genuine TLS identity from its home directory, then Hello), whole node logs, and a
// process's resident memory, the proposer schedule.

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "consensus/validator_set.hpp"
#include "tests/p2p/p2p_test_support.hpp"
#include "tests/support/cluster.hpp"

namespace rl::testing {

// Connects to node `to`'s P2P port as node `as` (which must be down: the network allows one
// connection per member pair), completes TLS and Hello. Throws when the node refuses.
std::unique_ptr<p2p::test::RawPeer> connect_as_member(const Cluster& c, std::size_t as,
                                                      std::size_t to);
// The genesis validator set (ids as the shell's: public key DER), for the proposer schedule.
consensus::ValidatorSet genesis_set(const ledger::Genesis& g);
// Everything node i has logged so far.
std::string node_log(const Cluster& c, std::size_t i);
// VmRSS of a process in KiB (0 when it cannot be read).
std::uint64_t rss_kib(pid_t pid);

}  // namespace rl::testing
