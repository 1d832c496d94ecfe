#pragma once
// `regledger genesis init`: creates a network from a definition — a root CA and an issuing
// CA, one key and TLS certificate per validator, one admin account with its certificate and
// password per regulator organization, genesis.json, and one home directory per node.
//
// Layout of OUT:
//   genesis.json
//   ca/root.{pem,key}         trusted root (genesis.root_certificates)
//   ca/issuing.{pem,key}      issuing CA for accounts (genesis.intermediate_certificates)
//   ca/tls-root.{pem,key}     sm2-sm3 only: P-256 CA for node TLS certificates
//   ca/offline-issuer.{pem,key}  root-voucher issuer key pair (public key in genesis "offline")
//   ca/offline-master.key     issuer master MAC key, hex, 0600 (only its hash is in genesis)
//   ca/mask.key               the mask key of third-party tokens, hex, 0600 (decision 0060)
//   nodes/nodeI/              config.json genesis.json node.pem node.key ca.pem
//                             offline-master.key (config "offline.master_key_file")
//                             mask.key (config "protection.mask_key_file")
//                             key-service.key (validators: config "key_service", the key of
//                             key service ks-nodeI in genesis "key_services")
//   nodes/observerK/          the same for observer K (not a validator; "observer": true)
//   accounts/ADMIN/           identity.json key.pem cert.pem password (one per regulator)

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "crypto/suite.hpp"
#include "ledger/genesis.hpp"

namespace rl::genesis {

// A regulator organization of the new network and its admin account.
struct RegulatorDefinition {
  std::string org = "regulator";
  std::string name = "Financial Regulator";
  std::string admin = "regulator-admin";
};

struct NetworkDefinition {
  std::string chain_id = "regledger-local";
  crypto::Suite suite = crypto::Suite::kP256Sha256;
  std::uint32_t validators = 1;
  std::uint32_t observers = 0;  // non-voting nodes (follow the chain, serve queries)
  std::string host = "127.0.0.1";
  std::uint16_t api_port_base = 8443;
  std::uint16_t p2p_port_base = 26656;
  // Each node's /metrics listener on 127.0.0.1 (config.json metrics.listen), node i at
  // metrics_port_base + i; 0 leaves metrics off. Loopback even when `host` is not: a Prometheus
  // elsewhere is an operator's choice (metrics.allow_remote), not a default.
  std::uint16_t metrics_port_base = 0;
  // The definition file's "regulator" (one) or "regulators" (a list). The first one's name is
  // on the CA certificates.
  std::vector<RegulatorDefinition> regulators{RegulatorDefinition{}};
  // "governance": {"threshold": M}; unset = the genesis default (1 with one regulator).
  std::optional<std::uint32_t> governance_threshold;
  std::vector<ledger::GenesisTemplate> templates;
  std::array<std::uint32_t, 100> permission_mapping{};
  ledger::BlockParams block;
  // Each node home gets a KEK file (kek.key, mode 0600) and config.json storage.kek_file, so
  // its stores are encrypted at rest (docs/protection.md). The definition's
  // "encrypt_at_rest": false turns it off (benchmarks comparing the two).
  bool encrypt_at_rest = true;
  // scrypt cost for generated passwords; lowered only by tests.
  std::uint64_t scrypt_n = 1 << 14;
};

// Reads a definition file (genesis/local/network.json is the documented example).
Result<NetworkDefinition> load_definition(const std::string& path);
// The definition used when none is given: one template, a linear permission mapping.
NetworkDefinition default_definition();

struct InitResult {
  std::string genesis_path;
  std::vector<std::string> node_homes;  // validators first, then observers
  std::string admin_dir;                // the first regulator's admin
  std::vector<std::string> admin_dirs;  // every regulator's admin, in definition order
  std::string tls_ca_path;  // what clients pass as --ca (ca/root.pem, or ca/tls-root.pem)
};

Result<InitResult> init_network(const NetworkDefinition& def, const std::string& out_dir);

// scrypt credential for a password, as stored on the ledger.
Result<ledger::GenesisCredential> make_credential(const std::string& password, std::uint64_t n);

}  // namespace rl::genesis
