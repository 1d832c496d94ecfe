#pragma once
// Turns a node's config, the genesis and the validator sets on the ledger into the P2P
// configuration: who may connect (genesis observers and every validator of the sets in force
// now and next, by the public key of its transport certificate) and whom this node dials.

#include <map>
#include <string>
#include <vector>

#include "config/node_config.hpp"
#include "ledger/chain.hpp"
#include "ledger/genesis.hpp"
#include "node/p2p/p2p_network.hpp"

namespace rl::node {

// True when this node runs the validator network (consensus + P2P) rather than the
// single-validator sealer: several validators in genesis or now (`current_validators`, from the
// ledger's latest set), observers, or an observer config.
bool uses_validator_network(const ledger::Genesis& g, const NodeConfig& c,
                            std::size_t current_validators = 0);

// Members and dial targets for a set of validators (decision 0041): genesis observers plus
// `validators` (deduplicated by name, later entries win). Validators are dialled at their
// p2p address, or at `peer_addresses[name]` when the node's config overrides it (config
// p2p.peer_addresses); observers are never dialled. Code: bad_genesis (a certificate does not
// parse), bad_config (a bad address).
struct Membership {
  std::vector<p2p::Member> members;
  std::vector<p2p::DialTarget> dial;
};
Result<Membership> p2p_membership(const ledger::Genesis& g,
                                  const std::vector<ledger::pb::ValidatorInfo>& validators,
                                  const std::string& self_name,
                                  const std::map<std::string, std::string>& peer_addresses = {});
// The validators the P2P layer admits after block `head`: those of the sets in force at
// head + 1 and head + 2 (the heights this node may still vote or sync on).
Result<std::vector<ledger::pb::ValidatorInfo>> validators_around(const ledger::Chain& chain,
                                                                 std::uint64_t head);

// Codes: bad_config (this node is not in genesis under its name/role, bad addresses),
// bad_genesis (a node certificate does not parse).
Result<p2p::P2pConfig> make_p2p_config(const ledger::Genesis& g, const NodeConfig& c,
                                       const crypto::TlsIdentity& identity,
                                       const std::string& ca_pem);
// The same with the validators the ledger has now (validators_around). A validator node that
// is in none of them is allowed: it follows until governance adds it (its config's
// validator_index is then not checked either; consensus finds it by key).
Result<p2p::P2pConfig> make_p2p_config(const ledger::Genesis& g, const NodeConfig& c,
                                       const crypto::TlsIdentity& identity,
                                       const std::string& ca_pem,
                                       const std::vector<ledger::pb::ValidatorInfo>& validators);

}  // namespace rl::node
