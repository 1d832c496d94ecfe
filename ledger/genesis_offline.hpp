#pragma once
// The genesis "offline" section (docs/offline.md "Network configuration"): the issuer public
// keys that sign root vouchers, the hash of the issuer master MAC key the validators hold, and
// the offline limits. The master key itself is never in genesis (genesis is public); a node
// proves it holds the right one by its hash (check_master_key).

#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "crypto/keys.hpp"
#include "offline/limits.hpp"

namespace rl::ledger {

struct GenesisOffline {
  // Each PEM ("-----BEGIN PUBLIC KEY-----") or base64 of the SPKI DER, as written.
  std::vector<std::string> issuer_keys;
  Bytes master_key_hash;  // master_key_check(suite, key)
  offline::Limits limits;
};

// Hash by which a node checks its configured master key against genesis: the suite hash over a
// domain tag, so the published value is useful for nothing but this comparison.
Bytes master_key_check(crypto::Suite suite, ByteView master_key);

// The issuer keys of the section, parsed; each must be of the network's suite. Code bad_genesis.
Result<std::vector<crypto::PublicKey>> parse_issuer_keys(crypto::Suite suite,
                                                         const GenesisOffline& o);

// Refuses a key whose size is not the suite's MAC key size or whose hash differs from the
// genesis one (validators must agree: a settlement that verifies on one must on every one).
// Codes: offline_key_mismatch.
Status check_master_key(crypto::Suite suite, const GenesisOffline& o, ByteView master_key);

// Reads a master key file (hex, as `regledger genesis init` writes it). Codes: io errors,
// offline_key_mismatch (not hex).
Result<Bytes> read_master_key_file(const std::string& path);

}  // namespace rl::ledger
