#pragma once
// Turns a node's config and the genesis into the P2P configuration: who may connect (every
// validator and observer in genesis, by the public key of its transport certificate) and whom
// this node dials.

#include "ledger/genesis.hpp"
#include "node/app/node_config.hpp"
#include "node/p2p/p2p_network.hpp"

namespace rl::node {

// True when this node runs the validator network (consensus + P2P) rather than the
// single-validator sealer.
bool uses_validator_network(const ledger::Genesis& g, const NodeConfig& c);

// Codes: bad_config (this node is not in genesis under its name/role, bad addresses),
// bad_genesis (a node certificate does not parse).
Result<p2p::P2pConfig> make_p2p_config(const ledger::Genesis& g, const NodeConfig& c,
                                       const crypto::TlsIdentity& identity,
                                       const std::string& ca_pem);

}  // namespace rl::node
