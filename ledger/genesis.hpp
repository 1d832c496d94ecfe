#pragma once
// The genesis file: the network's chain id, crypto suite, trust roots, validator set and initial
// world state. An auditor verifies receipts with this file alone, so it is self-contained
// (certificates inline as PEM) and its hash names the chain's first parent.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.hpp"
#include "crypto/keys.hpp"
#include "crypto/suite.hpp"
#include "crypto/x509.hpp"
#include "ledger/genesis_offline.hpp"
#include "ledger/validator_keys.hpp"
#include "regledger.pb.h"

namespace rl::ledger {

namespace pb = ::regledger::v1;  // as in ledger/tx.hpp

struct GenesisValidator {
  std::string name;
  std::string certificate_pem;  // node certificate (TLS + consensus signing key)
  std::uint64_t power = 1;
  std::string p2p_address;  // host:port
  std::string api_url;      // https://host:port
  // Transport certificate when it differs from the signing one (sm2-sm3 networks, decision
  // 0033); peers admit this key at the P2P handshake. Empty = `certificate_pem` is used.
  std::string tls_certificate_pem;
};

// A non-voting node that follows the chain and serves queries. Only its transport identity is
// on the ledger: the P2P layer admits it like a validator, consensus never counts it.
struct GenesisObserver {
  std::string name;
  std::string certificate_pem;  // TLS certificate
  std::string p2p_address;
  std::string api_url;
};

struct GenesisCredential {
  Bytes salt;
  Bytes hash;
  std::uint64_t n = 1 << 14;
  std::uint32_t r = 8;
  std::uint32_t p = 1;
};

struct GenesisOrganization {
  std::string id;
  std::string name;
  std::string kind;  // institution | regulator | auditor
};

struct GenesisAccount {
  std::string id;
  std::string org;
  std::string role;             // admin | reporter | auditor
  std::string permission_code;  // RRLL
  GenesisCredential credential;
  std::vector<std::string> certificate_pems;  // bound at genesis
  std::string department;                     // optional: the `dept` attribute of sealing policies
};

// A key service of sealed reports (docs/sealed.md): a regulator's node that releases shares of
// data keys to readers who satisfy a report's policies.
struct GenesisKeyService {
  std::string name;
  std::string org;             // a regulator organization of this genesis
  std::string public_key_pem;  // SPKI of the network's suite
  std::string api_url;         // https://host:port
};

struct GenesisTemplate {
  std::string id;
  std::string name;
  std::uint32_t data_level_floor = 0;
  std::vector<std::string> required_fields;
  std::uint64_t max_payload_bytes = 64 * 1024;
  std::string schema;                          // canonical table schema ("" = required_fields only)
  std::optional<pb::FilingCalendar> calendar;  // absent: no deadlines
};

// The definition a genesis template stands for (ledger/report_template.hpp).
pb::TemplateDefinition template_definition(const GenesisTemplate& t);

struct BlockParams {
  std::uint32_t block_interval_ms = 100;
  std::uint32_t max_block_txs = 5000;
  // "block.tx_expiry_window": a tx in the block at height h must have expires_at_height <= h +
  // this (a consensus rule, checked at admission and in every block). It is what lets replay
  // records be pruned after expiry, and it bounds them to (window + 1) * max_block_txs plus the
  // pruning backlog (decision 0045). The default equals the client's default expiry
  // (client::kDefaultExpiryBlocks), so every tx an unmodified client builds is within it.
  std::uint64_t tx_expiry_window = kDefaultTxExpiryWindow;
  static constexpr std::uint64_t kDefaultTxExpiryWindow = 1000;
};

struct Genesis {
  std::string chain_id;
  crypto::Suite suite = crypto::Suite::kP256Sha256;
  std::int64_t genesis_time_ms = 0;
  std::vector<std::string> root_pems;          // trusted root CAs
  std::vector<std::string> intermediate_pems;  // issuing CAs (also carried in receipts)
  std::vector<GenesisValidator> validators;
  std::vector<GenesisObserver> observers;
  std::vector<GenesisOrganization> organizations;
  std::vector<GenesisAccount> accounts;
  std::array<std::uint32_t, 100> permission_mapping{};  // reader/submitter level -> data level
  std::vector<GenesisTemplate> templates;
  BlockParams block;
  // "governance": {"threshold": M}: how many of the N regulator organizations (kind
  // "regulator" in `organizations`) must approve a governance proposal. Absent = 1 when N is 1.
  std::optional<std::uint32_t> governance_threshold;
  // "offline": issuer keys, master key hash, limits (docs/offline.md). Absent: the network has
  // no offline value and refuses device transactions (offline_disabled).
  std::optional<GenesisOffline> offline;
  // "key_services": at most 16. Absent: sealing needs governance to register one first.
  std::vector<GenesisKeyService> key_services;
};

// M for this genesis: the declared threshold (1 <= M <= N), else 1 when N == 1, else 0 when
// N == 0 (no governance possible). Code bad_genesis when declared out of range, or absent while
// N > 1 (which of the regulators must agree is a decision the file has to state).
Result<std::uint32_t> effective_governance_threshold(const Genesis& g);

// Parses and validates a genesis JSON document (size-limited, strict: unknown keys at the top
// level are an error so that a typo cannot silently change a network's rules).
Result<Genesis> parse_genesis(std::string_view json_text);
std::string genesis_to_json(const Genesis& g);

// Everything derived from a genesis that verifiers need: parsed roots, validator keys and the
// hashes that anchor the chain.
struct TrustAnchor {
  std::string chain_id;
  crypto::Suite suite;
  std::vector<crypto::Certificate> roots;
  std::vector<crypto::Certificate> intermediates;
  ValidatorKeys genesis_keys;  // the genesis validator set (index = validator index)
  Bytes genesis_hash;          // suite hash of the canonical genesis JSON
  std::uint64_t tx_expiry_window = BlockParams::kDefaultTxExpiryWindow;  // genesis block params
  std::uint32_t max_block_txs = 0;                                       // genesis block params
  // The genesis validators and observers as declared (names, certificates, addresses): the
  // first entry of the validator-set history, and the names a new validator may not reuse.
  std::vector<GenesisValidator> genesis_validators;
  std::vector<std::string> observer_names;
  std::vector<Bytes> observer_keys;  // SPKI DER of the observers' (transport) certificates
  // Genesis "offline": the parsed issuer keys; empty when the section is absent.
  std::vector<crypto::PublicKey> offline_issuer_keys;
  offline::Limits offline_limits;
};

Result<TrustAnchor> make_trust_anchor(const Genesis& g);

}  // namespace rl::ledger
